"""Downloads that are whole: every table's CSV and the flat CSV as files of the build (scripts/downloads.py),
listed on the home page with their rows and sizes and served as they are; and no CSV export of the site
stops before its last row without a line saying so and where every row is (plugins/csv_errors.py,
plugins/csv_links.py)."""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
from urllib.parse import urlsplit

import pytest
import yaml

from scripts.csv_out import format_value
from scripts.schema import load_descriptor, tables

from .conftest import DATAPACKAGE, site

DB = "idlib-events"
NOTICE = "download incomplete: "
UNITS = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


def _table_names() -> list[str]:
    return [table.name for table in tables(load_descriptor(DATAPACKAGE))]


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _metadata(build_dir) -> dict:
    return yaml.safe_load((build_dir / "metadata.yml").read_text(encoding="utf-8"))


def test_every_table_is_a_whole_csv_file_equal_to_its_package_csv(built, db):
    downloads = built / "downloads"
    for name in _table_names():
        data = (downloads / f"{name}.csv").read_bytes()
        assert data == (built / "data" / f"{name}.csv").read_bytes(), name
        assert not data.startswith(b"\xef\xbb\xbf") and not data.split(b"\n", 1)[0].endswith(b"\r"), name
        count = db.execute(f"select count(*) from [{name}]").fetchone()[0]
        assert len(_csv_rows(data)) - 1 == count, name


def test_the_flat_csv_holds_every_row_of_events_flat_by_event_id(built, db):
    rows = _csv_rows((built / "downloads" / "events_flat.csv").read_bytes())
    cursor = db.execute("select * from events_flat order by event_id")
    assert rows[0] == [column[0] for column in cursor.description]
    expected = [[format_value(value) for value in row] for row in cursor]
    assert len(expected) == db.execute("select count(*) from events").fetchone()[0] > 5
    assert rows[1:] == expected


async def test_the_home_page_lists_every_download_with_its_rows_and_size(datasette, built, db):
    page = html.unescape(_downloads_section((await datasette.client.get("/")).text))
    files = sorted(p.name for p in (built / "downloads").iterdir())
    assert len(files) == len(_table_names()) + 3  # every table, events_flat, the zip and the GeoJSON
    for name in files:
        size = (built / "downloads" / name).stat().st_size
        found = re.search(rf'<a href="/downloads/{re.escape(name)}" download>[^<]+</a>\s*\(([^)]*)\)', page)
        assert found, name
        shown = found.group(1).rsplit(" ", 2)  # "... 1,234 rows, 12 kB": the count, then the size
        number, unit = float(shown[-2].replace(",", "")), shown[-1]
        digits = shown[-2].split(".")[1] if "." in shown[-2] else ""
        assert abs(number * UNITS[unit] - size) <= 0.5 * UNITS[unit] / 10 ** len(digits), (name, found.group(1))
        if name.endswith(".csv"):
            count = db.execute(f"select count(*) from [{name.removesuffix('.csv')}]").fetchone()[0]
            assert f"{count:,} {'row' if count == 1 else 'rows'}, " in found.group(1), (name, found.group(1))
    assert f"(for GIS: {db.execute('select count(*) from events').fetchone()[0]:,} events, " in page  # the GeoJSON


async def test_the_one_csv_link_is_the_flat_file_served_as_it_is(built, site_metadata, db):
    small_pages = site(built, site_metadata, max_returned_rows=5, max_csv_mb=1)
    home = (await small_pages.client.get("/")).text
    found = re.search(r'href="(/[^"]*)"[^>]*>events with names, one CSV', home)
    assert found and found.group(1) == "/downloads/events_flat.csv"
    response = await small_pages.client.get(found.group(1))
    assert response.status_code == 200
    assert response.content == (built / "downloads" / "events_flat.csv").read_bytes()  # no BOM, no rewriting
    assert int(response.headers["content-length"]) == len(response.content)
    ids = [row[0] for row in _csv_rows(response.content)[1:]]
    assert ids == [r[0] for r in db.execute("select event_id from events order by event_id")]


async def test_the_served_files_keep_formula_cells_exact(hostile_built):
    hostile = site(hostile_built, _metadata(hostile_built))
    for name in ("events_flat.csv", "articles.csv", "places.csv"):
        response = await hostile.client.get(f"/downloads/{name}")
        data = (hostile_built / "downloads" / name).read_bytes()
        assert response.status_code == 200 and response.content == data, name
    assert any(cell.startswith("@SUM(1) ") for row in _csv_rows(data) for cell in row)  # a formula, as written


@pytest.mark.parametrize("table", ["events", "events_flat", "place_aliases"])
async def test_a_capped_stream_ends_with_a_notice_that_links_the_whole_file(built, site_metadata, db, table):
    count = db.execute(f"select count(*) from [{table}]").fetchone()[0]
    whole_stream = await site(built, site_metadata).client.get(f"/{DB}/{table}.csv?_stream=on&_size=max")
    every = _csv_rows(whole_stream.content)
    assert NOTICE not in whole_stream.text and len(every) - 1 == count  # under the site's cap: every row
    tiny = site(built, site_metadata, max_csv_mb=0.002)  # 2 KB: each of these tables is larger
    response = await tiny.client.get(f"/{DB}/{table}.csv?_stream=on&_size=max")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[-1].startswith(NOTICE) and "max_csv_mb" in lines[-1], lines[-1]
    header, *rows = _csv_rows(response.content)[:-1]
    assert 0 < len(rows) < count and f"after {len(rows)} rows" in lines[-1]
    assert [header, *rows] == every[:len(rows) + 1]  # whole rows, the first ones
    link = re.search(r"is one file: http://localhost(/\S+)$", lines[-1])
    assert link and link.group(1) == f"/downloads/{table}.csv", lines[-1]
    whole = await tiny.client.get(link.group(1))
    assert len(_csv_rows(whole.content)) - 1 == count


async def test_a_one_page_csv_and_a_capped_query_say_so(built, site_metadata, db):
    small_pages = site(built, site_metadata, max_returned_rows=5)
    response = await small_pages.client.get(f"/{DB}/events.csv?_size=3")
    rows = _csv_rows(response.content)
    assert len(rows) == 1 + 3 + 1 and rows[-1][0].startswith(NOTICE + "this CSV holds one page (3 rows)"), rows[-1]
    assert "_stream=on" in rows[-1][0] and rows[-1][0].endswith("/downloads/events.csv")
    query = await small_pages.client.get(f"/{DB}.csv?sql=select+event_id+from+events")
    rows = _csv_rows(query.content)
    assert len(rows) == 1 + 5 + 1 and rows[-1][0].startswith(NOTICE + "a query's answer stops at 5 rows"), rows[-1]
    last_page = await small_pages.client.get(f"/{DB}/collections.csv")  # fewer rows than a page: whole
    count = db.execute("select count(*) from collections").fetchone()[0]
    assert NOTICE not in last_page.text and len(_csv_rows(last_page.content)) - 1 == count < 5


async def test_a_table_pages_csv_link_streams_every_row_it_matches(built, site_metadata, db):
    small_pages = site(built, site_metadata, max_returned_rows=5)
    event_type, count = db.execute("select event_type, count(*) from events group by 1 order by 2 desc").fetchone()
    assert count > 5
    page = (await small_pages.client.get(f"/{DB}/events?event_type={event_type}&_size=2")).text
    next_page = urlsplit(html.unescape(re.search(r'<a href="([^"]+)">Next page</a>', page).group(1)))
    page = (await small_pages.client.get(f"{next_page.path}?{next_page.query}")).text  # a later page links the same rows
    link = html.unescape(re.search(r'<p class="export-links">.*?<a href="([^"]+)">CSV</a>', page, re.S).group(1))
    assert "_stream=on" in link and "_next" not in link, link
    response = await small_pages.client.get(link)
    assert response.status_code == 200 and NOTICE not in response.text
    header, *rows = _csv_rows(response.content)
    assert len(rows) == count and {row[header.index("event_type")] for row in rows} == {event_type}


def test_the_flat_csv_is_in_the_order_of_its_key_whatever_the_order_of_the_table(built, tmp_path):
    """The flat CSV is written from the database's events_flat by event_id: the same bytes from its rows stored in
    another order."""
    from scripts.downloads import write_flat_csv

    copy = tmp_path / "flat-as-table.db"
    with sqlite3.connect(built / "idlib-events.db") as source, sqlite3.connect(copy) as target:
        source.backup(target)
        target.execute("create table events_flat_rows as select * from events_flat")
        target.execute("drop table events_flat")
        target.execute("create table events_flat as select * from events_flat_rows order by random()")
    assert write_flat_csv(copy, tmp_path / "flat.csv") > 5
    assert (tmp_path / "flat.csv").read_bytes() == (built / "downloads" / "events_flat.csv").read_bytes()


def _downloads_section(page: str) -> str:
    return page[page.index("<strong>Downloads</strong>"):page.index("</ul>", page.index("<strong>Downloads</strong>"))]


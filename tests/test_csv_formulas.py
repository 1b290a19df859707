"""Formula cells in the site's CSV downloads get a leading apostrophe (plugins/csv_formulas.py); numbers and the
data package keep their exact text."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sqlite3

import pytest
from datasette.app import Datasette

from scripts.serve import PLUGINS, SETTINGS, TEMPLATES

from .hostile import FORMULAS

DB = "idlib-events"


def _plugin():
    spec = importlib.util.spec_from_file_location("csv_formulas", PLUGINS / "csv_formulas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


csv_formulas = _plugin()
# The oracle: a cell is neutralised when it starts with one of OWASP's characters and is not a number, or
# starts with the apostrophe (so that one leading apostrophe less is always the exact text).
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
CELLS = [*FORMULAS, "-12.5", "-3", "+4e-05", "-1E+10", "-.5", "-1.", "-", "+", "-1e", "-1.2.3", "-1,5", "--1",
         '-"1"', '-1"', "-1\n2", "=", "@", "\tx", "\rx", "\r\nx", "a,b", '"quoted"', "line\nbreak", "é-=", "",
         "plain", "12", "-0", " -3", "'=already", "'tis", '=SUM(A1:A2),"x"']


def expected_csv(rows: list[list[str]]) -> bytes:
    def cell(value: str) -> str:
        if value[:1] and value[0] in "=+-@\t\r'" and not NUMBER.fullmatch(value):
            return "'" + value
        return value

    out = io.StringIO()
    csv.writer(out).writerows([[cell(v) for v in row] for row in rows])
    return out.getvalue().encode()


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # as Datasette writes its CSV (minimal quoting, \r\n)
    return out.getvalue().encode()


def neutralised(chunks: list[bytes]) -> bytes:
    machine = csv_formulas.FormulaNeutraliser()
    return b"".join(machine.feed(c) for c in chunks) + machine.close()


ROWS = [["id", "text", "n"]] + [[str(i), value, CELLS[-1 - i]] for i, value in enumerate(CELLS)] + [CELLS]


def test_every_formula_cell_and_no_number_gets_the_apostrophe():
    body = as_csv(ROWS)
    result = neutralised([body])
    assert result == expected_csv(ROWS)
    read = list(csv.reader(io.StringIO(result.decode(), newline="")))
    assert read[1][1] == "'" + FORMULAS[0] and read[3][1] == "'+1+1" and read[4][1] == "'-2+3"
    assert read[5][1] == "-12.5" and read[6][1] == "-3"  # numbers stay numbers
    undone = [[v[1:] if v.startswith("'") else v for v in row] for row in read]
    assert undone == ROWS  # one leading apostrophe less is the exact text


def test_a_cell_split_across_chunks_at_any_position():
    body = as_csv(ROWS)
    expected = expected_csv(ROWS)
    for at in range(len(body) + 1):
        assert neutralised([body[:at], body[at:]]) == expected, at
    assert neutralised([body[i:i + 1] for i in range(len(body))]) == expected  # one byte at a time


def test_the_last_cell_without_a_line_break_and_a_byte_order_mark():
    assert neutralised([b"a,-2"]) == b"a,-2"
    assert neutralised([b"a,-2+"]) == b"a,'-2+"
    assert neutralised([b'a,"-2"']) == b'a,"-2"'
    assert neutralised([b'a,"-2']) == b"a,\"-2"  # cut off inside a quoted number: written out as it came
    assert neutralised([b"\xef\xbb", b"\xbf=1,x\r\n"]) == b"\xef\xbb\xbf=1,x\r\n"  # a header never starts so
    assert neutralised([b"\xef\xbb\xbfid\r\n=1\r\n"]) == b"\xef\xbb\xbfid\r\n'=1\r\n"


@pytest.fixture(scope="module")
def hostile_site(hostile_built):
    import yaml

    metadata = yaml.safe_load((hostile_built / "metadata.yml").read_text(encoding="utf-8"))
    return Datasette(immutables=[str(hostile_built / "idlib-events.db")], metadata=metadata,
                     template_dir=str(TEMPLATES), plugins_dir=str(PLUGINS), settings=SETTINGS)


async def download(site: Datasette, path: str) -> list[list[str]]:
    response = await site.client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    assert "content-length" not in response.headers or int(response.headers["content-length"]) == len(response.content)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def column(rows: list[list[str]], name: str) -> list[str]:
    at = rows[0].index(name)
    return [row[at] for row in rows[1:]]


@pytest.mark.parametrize("path", [f"/{DB}/articles.csv?_size=max", f"/{DB}/articles.csv?_stream=1&_dl=1"])
async def test_table_csv_neutralises_titles_and_publishers(hostile_site, hostile_built, path):
    rows = await download(hostile_site, path)
    with sqlite3.connect(hostile_built / "idlib-events.db") as db:
        exact = dict(db.execute("select article_id, title from articles"))
        publishers = dict(db.execute("select article_id, publisher from articles"))
    titles = dict(zip(column(rows, "article_id"), column(rows, "title"), strict=True))
    starts = {FORMULAS[0], FORMULAS[1], FORMULAS[2], FORMULAS[3]}
    formulas = {k: v for k, v in exact.items() if v.split(" ", 1)[0] in starts}
    assert len({v.split(" ", 1)[0] for v in formulas.values()}) == len(FORMULAS), exact  # every kind is there
    for article_id, title in exact.items():
        assert titles[article_id] == ("'" + title if article_id in formulas else title)
    shown = dict(zip(column(rows, "article_id"), column(rows, "publisher"), strict=True))
    assert any(p[0] in "=+-@" for p in publishers.values())
    assert shown == {k: "'" + p if p[0] in "=+-@" else p for k, p in publishers.items()}


async def test_query_csv_keeps_numbers_and_neutralises_quotes_and_aliases(hostile_site):
    sql = ("select -12.5 as negative, -3 as whole, '-2+3' as formula, "
           "(select alias from actor_aliases where alias like '+%') as alias, "
           "(select quote from event_mentions where quote like '-2+3%' limit 1) as quote")
    rows = await download(hostile_site, f"/{DB}.csv?" + _query(sql))
    negative, whole, formula, alias, quote = rows[1]
    assert (negative, whole, formula) == ("-12.5", "-3", "'-2+3")
    assert alias.startswith("'+1+1 ") and quote.startswith("'-2+3 "), (alias, quote)
    canned = await download(hostile_site, f"/{DB}/near_a_place.csv?place=idlib-city&km=1")
    places = set(column(canned, "place"))
    assert any(p.startswith("'@SUM(1) Idlib city ") for p in places), places
    assert not any(p.startswith("@") for p in places), places


async def test_streamed_csv_of_a_view_and_the_site_json_stay_exact(hostile_site, hostile_built):
    rows = await download(hostile_site, f"/{DB}/events_flat.csv?_stream=1")
    assert any(p.startswith("'@SUM(1) ") for p in column(rows, "place"))
    response = await hostile_site.client.get(f"/{DB}/places.json?_shape=array&place_id=idlib-city")
    assert response.json()[0]["name"].startswith("@SUM(1) ")  # only the CSVs are rewritten


def test_data_package_keeps_the_exact_text(hostile_built):
    import zipfile

    with (hostile_built / "data" / "articles.csv").open(encoding="utf-8", newline="") as f:
        titles = [row["title"] for row in csv.DictReader(f)]
    assert {t.split(" ", 1)[0] for t in titles} >= set(FORMULAS)
    zipped = next((hostile_built / "downloads").glob("*.zip"))
    with zipfile.ZipFile(zipped) as archive:
        name = next(n for n in archive.namelist() if n.endswith("data/articles.csv"))
        text = archive.read(name).decode("utf-8")
    assert all(title in text or f'"{title}"' in text or title.replace('"', '""') in text for title in titles)
    assert "'=HYPERLINK" not in text and "'@SUM" not in text


def _query(sql: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"sql": sql})

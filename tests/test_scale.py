"""The site at any size: what the build derives for it (facet counts, summaries, the flat events table, indexes,
the counts Datasette reads at start) holds the same as the tables it comes from, and the site reads it.
The sizes themselves are measured by `make bench-site`, not here; its large database is checked here at a small
scale: the same build code, every page answering."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from urllib.parse import quote, urlsplit

import pytest

from scripts.bench_site import build_large, time_site, write_metadata
from scripts.load_sqlite import page_indexes
from scripts.serve import DB_FILE, INSPECT_FILE, serve_command
from scripts.summaries import configured_facets

from .conftest import site

DB = "idlib-events"


@pytest.fixture(scope="module")
def default_metadata(default_build) -> dict:
    import yaml

    return yaml.safe_load((default_build / "metadata.yml").read_text(encoding="utf-8"))


def _live_counts(db, table: str, kind: str, column: str) -> dict:
    value = f"substr([{column}], 1, 7)" if kind == "month" else f"[{column}]"
    return dict(db.execute(f"select {value}, count(*) from [{table}] where [{column}] is not null group by 1").fetchall())


def test_facet_counts_are_the_counts_of_the_whole_table(default_db, default_metadata):
    configured = configured_facets(default_metadata, DB)
    assert ("month", "event_date") in configured["events"] and ("counted", "event_type") in configured["events"]
    checked = 0
    for table, facets in configured.items():
        for kind, column in facets:
            stored = dict(default_db.execute("select value, count from facet_counts where table_name = ? and facet = ? "
                                             "and column_name = ? and selected_facet = ''", (table, kind, column)).fetchall())
            assert stored == _live_counts(default_db, table, kind, column), (table, column)
            checked += bool(stored)
    assert checked >= 20


async def test_a_page_with_no_selection_shows_the_counts_every_row_selected_would(default_build, default_metadata):
    """The counts read from facet_counts are those Datasette's SQL gives when a filter true of every row (its key
    is not blank) makes the page count its rows: values, counts, labels of foreign keys, order and truncation."""
    datasette = site(default_build, default_metadata)
    for table, facets in configured_facets(default_metadata, DB).items():
        if not facets:
            continue
        whole = (await datasette.client.get(f"/{DB}/{table}.json")).json()
        key = whole["primary_keys"][0]
        counted = (await datasette.client.get(f"/{DB}/{table}.json?{key}__notblank=1")).json()
        assert counted["filtered_table_rows_count"] == whole["filtered_table_rows_count"]
        assert set(whole["facet_results"]) == {column for _, column in facets}, table
        for column, facet in whole["facet_results"].items():
            shown = [(v["value"], v["label"], v["count"]) for v in facet["results"]]
            assert shown == [(v["value"], v["label"], v["count"]) for v in counted["facet_results"][column]["results"]]
            assert facet["truncated"] == counted["facet_results"][column]["truncated"]
    actors = (await datasette.client.get(f"/{DB}/events.json")).json()["facet_results"]["actor1_id"]["results"]
    assert any(v["label"] != v["value"] for v in actors)  # labelled by name, as Datasette's own facet does


async def test_a_page_that_selects_one_value_shows_the_counts_of_its_rows(default_build, default_metadata, default_db):
    """A page that selects one value of a facet (an event type, an actor, a month) reads its other facets' counts
    from the build; they are those Datasette's SQL gives when a second filter, true of every row, makes the
    page count its rows."""
    datasette = site(default_build, default_metadata)
    month = default_db.execute("select substr(event_date, 1, 7) from events group by 1 order by count(*) desc").fetchone()[0]
    checked = 0
    for selection in (f"event_type={quote('Explosions/Remote violence')}", "actor1_id=syrian-government-forces",
                      "geo_precision=1", f"event_date__gte={month}-01&event_date__lt={_next_month(month)}-01"):
        read = (await datasette.client.get(f"/{DB}/events.json?{selection}")).json()
        counted = (await datasette.client.get(f"/{DB}/events.json?{selection}&event_id__notblank=1")).json()
        assert read["filtered_table_rows_count"] == counted["filtered_table_rows_count"] > 0, selection
        for column, facet in read["facet_results"].items():
            assert [(v["value"], v["label"], v["count"], v["selected"]) for v in facet["results"]] == \
                [(v["value"], v["label"], v["count"], v["selected"]) for v in counted["facet_results"][column]["results"]]
            checked += len(facet["results"])
    assert checked > 40
    stored = default_db.execute("select count(*) from facet_counts where table_name = 'events' and selected_column = "
                                "'event_type' and selected_value = 'Explosions/Remote violence'").fetchone()[0]
    assert stored >= len(configured_facets(default_metadata, DB)["events"])  # what the page read


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


async def test_a_selection_too_large_to_count_lists_its_facets_as_timed_out(default_build, default_metadata, default_db):
    """A search or two filters select rows the build has not counted: with more of them than `most_rows_counted`,
    the page lists its facets as timed out instead of counting them; with fewer, it counts them."""
    import copy

    metadata = copy.deepcopy(default_metadata)
    matched = default_db.execute("select count(*) from events where rowid in (select rowid from events_search_fts "
                                 "where events_search_fts match 'killed')").fetchone()[0]
    assert matched > 10
    metadata["plugins"]["counted-facets"]["most_rows_counted"] = matched - 1
    datasette = site(default_build, metadata)
    page = (await datasette.client.get(f"/{DB}/events.json?_search=killed")).json()
    assert page["filtered_table_rows_count"] == matched and not page["facet_results"]
    said = re.search(r'class="facets-timed-out">These facets timed out: ([^<]*)</p>',
                     (await datasette.client.get(f"/{DB}/events?_search=killed")).text)
    assert set(said.group(1).split(", ")) == {column for _, column in configured_facets(default_metadata, DB)["events"]}
    whole = await datasette.client.get(f"/{DB}/events")  # counted by the build: shown at any size
    assert "facets-timed-out" not in whole.text and 'id="facet-event_type"' in whole.text
    metadata["plugins"]["counted-facets"]["most_rows_counted"] = matched
    counted = (await site(default_build, metadata).client.get(f"/{DB}/events.json?_search=killed")).json()
    assert set(counted["facet_results"]) == set(said.group(1).split(", "))


async def test_a_month_is_selected_as_a_range_of_days(datasette, db):
    facet = (await datasette.client.get(f"/{DB}/events.json")).json()["facet_results"]["event_date"]
    month = facet["results"][0]
    assert "event_date__gte=" + month["value"] + "-01" in month["toggle_url"]
    link = urlsplit(month["toggle_url"])
    selected = (await datasette.client.get(f"{link.path}?{link.query}")).json()  # the JSON page links JSON
    wanted = db.execute("select count(*) from events where event_date like ?", (month["value"] + "%",)).fetchone()[0]
    assert selected["filtered_table_rows_count"] == wanted == month["count"]
    chosen = [v for v in selected["facet_results"]["event_date"]["results"] if v["selected"]]
    assert [v["value"] for v in chosen] == [month["value"]]


def test_the_summaries_add_up_to_the_tables(default_db):
    events, inside, deaths = default_db.execute(
        "select count(*), sum(part_of_event_id is not null), coalesce(sum(fatalities_in_totals), 0) from events").fetchone()
    assert tuple(default_db.execute("select sum(events), sum(inside_another), sum(fatalities) from events_by_month"
                                    ).fetchone()) == (events, inside, deaths)
    by_month = default_db.execute("select month, event_type, events, places from events_by_month").fetchall()
    for month, event_type, count, places in by_month:
        names = {r[0] for r in default_db.execute(
            "select p.name from events e join places p using (place_id) where e.event_date like ? and e.event_type = ?",
            (month + "%", event_type))}
        assert places.split(", ") == sorted(names)
        assert count == default_db.execute("select count(*) from events where event_date like ? and event_type = ?",
                                           (month + "%", event_type)).fetchone()[0]
    figures = default_db.execute("select count(*) from figures").fetchone()[0]
    assert default_db.execute("select sum(figures) from claims_by_claimant").fetchone()[0] == figures
    most = default_db.execute("select max(different_claims) from claims_by_claimant").fetchone()[0]
    assert most > 20  # some claimant makes more different claims than the 20 shown
    longest = default_db.execute("select claims from claims_by_claimant order by different_claims desc limit 1").fetchone()[0]
    assert longest.count("; ") == 19


def test_events_flat_is_a_table_keyed_by_event_and_searchable(default_db, default_metadata):
    kind = default_db.execute("select type from sqlite_master where name = 'events_flat'").fetchone()[0]
    assert kind == "table"
    keys = [r["name"] for r in default_db.execute("pragma table_info(events_flat)") if r["pk"]]
    assert keys == ["event_id"]
    assert default_db.execute("select count(*) from events_flat").fetchone()[0] == \
        default_db.execute("select count(*) from events").fetchone()[0]
    qarmid = default_db.execute("select count(*) from events_flat where rowid in (select rowid from events_flat_fts "
                                "where events_flat_fts match 'Qarmid')").fetchone()[0]
    assert qarmid == default_db.execute("select count(*) from events_flat where place like '%Qarmid%' "
                                        "or summary like '%Qarmid%'").fetchone()[0] > 0


def test_every_faceted_column_leads_an_index_in_the_order_of_the_page(default_db, default_metadata):
    keys = {name: [r["name"] for r in default_db.execute(f"pragma table_info([{name}])") if r["pk"]]
            for (name,) in default_db.execute("select name from sqlite_master where type = 'table'")}
    wanted = page_indexes(default_metadata, DB, keys)
    assert ("event_type", "event_date", "event_id", "sub_event_type", "actor1_id", "actor2_id", "geo_precision",
            "review_status") in wanted["events"]
    assert ("published_date", "article_id", "collection_id", "publisher", "published_date_basis") in wanted["articles"]
    for table, indexes in wanted.items():
        have = {tuple(r["name"] for r in default_db.execute(f"pragma index_info([{index['name']}])"))
                for index in default_db.execute(f"pragma index_list([{table}])")}
        assert set(indexes) <= have, (table, set(indexes) - have)
    plan = " ".join(r[3] for r in default_db.execute(
        "explain query plan select * from events where event_type = 'Battles' order by event_date limit 101"))
    assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan


async def test_next_pages_of_a_sorted_table_hold_every_row_once(default_build, default_metadata, default_db):
    """Pages of five events sorted by date (many events share a date) and of the events of one type: every row
    once, in the order of the date, page after page, as a streamed CSV reads them."""
    datasette = site(default_build, default_metadata)
    event_type = default_db.execute("select event_type from events group by 1 order by count(*) desc").fetchone()[0]
    for query, where in (("", ""), (f"event_type={event_type}&", f" where event_type = '{event_type}'")):
        url, seen, dates = f"/{DB}/events.json?{query}_size=5&_nofacet=1&_shape=objects", [], []
        while url:
            data = (await datasette.client.get(url)).json()
            seen += [row["event_id"] for row in data["rows"]]
            dates += [row["event_date"] for row in data["rows"]]
            url = data["next_url"] and urlsplit(data["next_url"])._replace(scheme="", netloc="").geturl()
        wanted = [r[0] for r in default_db.execute(f"select event_id from events{where}")]
        assert len(seen) == len(set(seen)) and set(seen) == set(wanted) and dates == sorted(dates)
        shared = default_db.execute(f"select count(*) from (select event_date from events{where} group by 1 "
                                    "having count(*) > 5)").fetchone()[0]
        assert shared  # pages end among events of one date


async def test_the_search_page_searches_the_events_once(datasette):
    """events_flat is searchable on its own page; the search page, whose previews each count their matches,
    searches the events once (events_flat's rows are the events')."""
    page = (await datasette.client.get("/-/search?q=strike")).text
    listed = json.loads(re.search(r'id="searchable-tables">(.*?)</script>', page, re.S).group(1))
    assert "events" in {t["table"] for t in listed} and "events_flat" not in {t["table"] for t in listed}
    assert (await datasette.client.get(f"/{DB}/events_flat.json?_search=strike")).json()["rows"]


async def test_whole_table_counts_come_from_the_build_not_from_counting(default_build, default_metadata):
    inspected = json.loads((default_build / INSPECT_FILE).read_text(encoding="utf-8"))
    counts = {name: t["count"] for name, t in inspected[DB]["tables"].items()}
    with sqlite3.connect(default_build / DB_FILE) as conn:
        assert counts["events"] == conn.execute("select count(*) from events").fetchone()[0]
    assert "--inspect-file" in serve_command(default_build)
    # the site shows the inspected count: a count made different on purpose is what the page says
    inspected[DB]["tables"]["events"]["count"] = 123456
    from datasette.app import Datasette

    from scripts.serve import PLUGINS, TEMPLATES
    datasette = Datasette(immutables=[str(default_build / DB_FILE)], metadata=default_metadata,
                          template_dir=str(TEMPLATES), plugins_dir=str(PLUGINS), inspect_data=inspected)
    data = (await datasette.client.get(f"/{DB}/events.json?_size=1")).json()
    assert data["filtered_table_rows_count"] == 123456


def test_bench_site_scales_the_build_and_every_page_answers(default_build, tmp_path):
    """`make bench-site`'s large database at three times the default build: ids unique, every reference kept,
    every page of the bench answering, every streamed export whole."""
    with sqlite3.connect(default_build / DB_FILE) as conn:
        events = conn.execute("select count(*) from events").fetchone()[0]
    large = tmp_path / "large"
    build_large(default_build, large, 3 * events)
    write_metadata(large)
    with sqlite3.connect(large / DB_FILE) as conn:
        assert conn.execute("select count(*), count(distinct event_id) from events").fetchone() == (3 * events,) * 2
        assert conn.execute("select count(*) from figures f left join events e using (event_id) "
                            "where f.event_id is not null and e.event_id is null").fetchone()[0] == 0
        assert conn.execute("select count(*) from event_mentions m left join articles a using (article_id) "
                            "where a.article_id is null").fetchone()[0] == 0
        assert conn.execute("select count(distinct substr(event_date, 1, 7)) from events").fetchone()[0] > \
            conn.execute("attach ? as small", (str(default_build / DB_FILE),)).execute(
                "select count(distinct substr(event_date, 1, 7)) from small.events").fetchone()[0]
    timings = asyncio.run(time_site(large, runs=1))
    failed = {label: t.status for label, t in timings.items() if t.status >= 400}
    assert not failed
    assert len(timings) > 40 and all(t.note == "every row" for t in timings.values() if t.export)
    assert not any(t.note for t in timings.values() if not t.export)

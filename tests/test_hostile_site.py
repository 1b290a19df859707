"""No script from the data runs in the browser: every page and map popup of a site built from hostile seeds
(tests/hostile.py: script tags, event handlers, attribute break-outs and javascript: URLs in every name,
title, alias, note and quote) shows the payloads as text, and none sets window.__xss."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote, urlencode

import pytest
from datasette.utils import tilde_encode
from playwright.sync_api import Page, expect

from .hostile import FAR_PLACE, HOSTILE_COLLECTION, MARKED_ACTOR, MARKED_PLACE, XSS
from .serving import serving
from .test_browser import chromium, open_a_popup, server_only

DB = "idlib-events"
SHOWN = "__xss"  # the text every payload carries: on a page that shows a payload as text, it is in the text
# Links and frames whose target would run script (a javascript: URL from the data).
SCRIPT_TARGETS_JS = """() => [...document.querySelectorAll('a[href], area[href], iframe[src], form[action]')]
    .map(el => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action'))
    .filter(target => /^\\s*javascript:/i.test(target))"""


@pytest.fixture(scope="module")
def hostile_db(hostile_built):
    conn = sqlite3.connect(hostile_built / "idlib-events.db")
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def server(hostile_built, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve-hostile") / "datasette.log"
    with serving(hostile_built, log) as base:
        yield base


@pytest.fixture(scope="module")
def page(server):
    """One page for the whole module, which may reach the server only; `page.pending` counts its requests
    in flight."""
    with chromium() as browser:
        page = server_only(browser, server).new_page()
        pending = set()
        page.on("request", lambda request: pending.add(request))
        page.on("requestfinished", lambda request: pending.discard(request))
        page.on("requestfailed", lambda request: pending.discard(request))
        page.pending = pending
        yield page


def settle(page: Page, quiet_ms: int = 150) -> None:
    """Wait until the page has had no request in flight for `quiet_ms` (its scripts have fetched what they
    fetch and written it, images have loaded or failed): Playwright's "networkidle" waits 500 ms."""
    page.wait_for_load_state("load")
    quiet = 0
    for _ in range(200):
        if page.pending:
            quiet = 0
        else:
            quiet += 50
            if quiet >= quiet_ms:
                return
        page.wait_for_timeout(50)
    pytest.fail(f"{page.url}: requests still in flight after 10 s")


def visit(page: Page, path: str) -> str:
    """Open `path`, let its scripts fetch and write what they write, check that nothing ran; returns the text."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    settle(page)
    assert_nothing_ran(page, path)
    return page.locator("body").inner_text()


def assert_nothing_ran(page: Page, where: str) -> None:
    assert page.evaluate("() => typeof window.__xss") == "undefined", f"a payload ran on {where}"
    assert page.evaluate(SCRIPT_TARGETS_JS) == [], f"a javascript: link on {where}"


def tables(db: sqlite3.Connection) -> list[str]:
    """The tables and views whose pages show the seeds' text: not id_redirects, which holds only ids the builds
    of earlier releases made (empty here; its redirects are tested in tests/test_id_map.py)."""
    return [r[0] for r in db.execute("select name from sqlite_master where type in ('table', 'view') "
                                     "and name not like '%_fts%' and name not like 'sqlite_%' "
                                     "and name != 'id_redirects' order by name")]


def test_the_payloads_are_in_every_table_the_site_shows(hostile_db):
    """The test pages below only prove something if the hostile build carries payloads in each table."""
    for table in tables(hostile_db):
        columns = [r[1] for r in hostile_db.execute(f"pragma table_info([{table}])")]
        found = hostile_db.execute(f"select count(*) from [{table}] where " +
                                   " or ".join(f"cast([{c}] as text) like '%{SHOWN}%'" for c in columns)).fetchone()[0]
        linked = table in ("event_actors", "actor_relations", "event_mentions", "mentions", "figures", "reviews",
                           "unresolved_mentions", "collection_annotations", "place_aliases", "actor_aliases")
        assert found or linked, f"no payload in {table}"  # link tables show payloads through their labels
    assert hostile_db.execute("select count(*) from articles where url like 'javascript:%'").fetchone()[0]
    assert hostile_db.execute("select count(*) from collections where source_url like 'javascript:%' "
                              "and licence_url like 'javascript:%'").fetchone()[0] == 2
    assert hostile_db.execute("select count(*) from events where place_id = ?", [FAR_PLACE]).fetchone()[0]


def test_home_database_table_and_facet_pages(page, hostile_db):
    assert SHOWN in visit(page, "/")  # the collections' titles, credits and licences
    visit(page, f"/{DB}")
    for table in tables(hostile_db):
        text = visit(page, f"/{DB}/{table}")
        assert SHOWN in text, table
    # facets on columns whose values are hostile names and titles (labels of foreign keys)
    for path in (f"/{DB}/events?_facet=place_id&_facet=actor1_id", f"/{DB}/articles?_facet=title&_facet=byline",
                 f"/{DB}/actor_aliases?_facet=alias", f"/{DB}/event_mentions?_facet=quote",
                 f"/{DB}/places?_facet=name&_facet=coord_source"):
        assert SHOWN in visit(page, path), path


def row_paths(db: sqlite3.Connection) -> list[str]:
    """The page of the first row of every table (views have no row pages), as Datasette writes its URL."""
    paths = []
    for table, in db.execute("select name from sqlite_master where type = 'table' and name not like '%_fts%' "
                             "and name not like 'sqlite_%' order by name"):
        keys = [r[1] for r in sorted(db.execute(f"pragma table_info([{table}])"), key=lambda r: r[5]) if r[5]]
        row = db.execute(f"select {', '.join(f'[{k}]' for k in keys) or 'rowid'} from [{table}] limit 1").fetchone()
        if row is not None:
            paths.append(f"/{DB}/{table}/" + ",".join(tilde_encode(str(v)) for v in row))
    return paths


def test_row_pages_of_every_table(page, hostile_db):
    paths = row_paths(hostile_db)
    assert len(paths) >= 15
    for path in paths:
        visit(page, path)


def test_article_event_place_and_actor_pages(page, hostile_db):
    article = hostile_db.execute("select article_id from articles where collection_id = ?",
                                 [HOSTILE_COLLECTION]).fetchone()[0]
    visit(page, f"/{DB}/articles/{quote(article)}")
    expect(page.locator("section.article-coding .article-collection")).to_contain_text(SHOWN)
    expect(page.locator("section.article-coding .article-annotations")).to_contain_text(SHOWN)
    assert page.locator("section.article-coding a").count() == 0  # the javascript: licence is no link
    seed_article = hostile_db.execute("select article_id from event_mentions order by article_id").fetchone()[0]
    visit(page, f"/{DB}/articles/{quote(seed_article)}")
    expect(page.locator("section.article-coding .article-events")).to_contain_text(SHOWN)
    event = hostile_db.execute("select event_id from events where place_id = ? and event_id in "
                               "(select event_id from figures)", [MARKED_PLACE]).fetchone()[0]
    visit(page, f"/{DB}/events/{quote(event)}")
    expect(page.locator("section.evidence")).to_contain_text(SHOWN)
    for path in (f"/{DB}/places/{MARKED_PLACE}", f"/{DB}/places/{FAR_PLACE}", f"/{DB}/actors/{MARKED_ACTOR}"):
        assert SHOWN in visit(page, path), path


def test_search_page_and_its_previews(page):
    for q in ("xss", "Idlib", XSS[0], XSS[3]):
        visit(page, "/-/search?" + urlencode({"q": q}))
        expect(page.locator("#search-results .search-table, #search-results .search-empty").first).to_be_visible()
        settle(page)
        assert_nothing_ran(page, f"search {q}")
    visit(page, "/-/search?q=xss")
    expect(page.locator("#search-results .search-table").first).to_contain_text(SHOWN)


def test_canned_queries_sql_and_dashboard(page):
    for path in (f"/{DB}/timeline_by_month", f"/{DB}/claims_by_claimant", f"/{DB}/contested_figures",
                 f"/{DB}/actor_record?actor={MARKED_ACTOR}", f"/{DB}/near_a_place?place={MARKED_PLACE}&km=50",
                 f"/{DB}?" + urlencode({"sql": "select name, latitude, longitude, coord_source from places"})):
        assert SHOWN in visit(page, path), path
    visit(page, "/-/dashboards/overview")
    # a query with coordinates draws the plugin's own map, whose popups list every column of the row
    assert SHOWN in open_popup(page, f"/{DB}?" + urlencode({"sql": "select name, latitude, longitude from places"}))


def open_popup(page: Page, path: str) -> str:
    """Open `path`, open clusters until a single marker shows, open its popup; returns the popup's text."""
    visit(page, path)
    page.locator(".leaflet-container .leaflet-marker-icon").first.wait_for(timeout=15_000)
    popup = open_a_popup(page)
    settle(page)
    assert_nothing_ran(page, f"a map popup on {path}")
    return popup.inner_text()


@pytest.mark.parametrize("table", ["events", "places"])
def test_maps_their_note_and_popups(page, hostile_db, table):
    far_name = hostile_db.execute("select name from places where place_id = ?", [FAR_PLACE]).fetchone()[0]
    text = open_popup(page, f"/{DB}/{table}")
    assert SHOWN in text  # the place's name (events: in the description, places: the title)
    note = page.locator("p.map-note")
    expect(note).to_contain_text("outside this view (")
    expect(note).to_contain_text(far_name)  # the far marker's name, as text
    assert_nothing_ran(page, f"the map note on {table}")

"""The served site in a real browser: headless Chromium (Playwright) against `datasette serve` of the built database."""

from __future__ import annotations

import contextlib
import csv
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from scripts.build import ROOT
from scripts.serve import SETTINGS

from .serving import serving

DB = "idlib-events"
SCREENSHOTS = ROOT / "build" / "screenshots"
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
# The maps Leaflet makes, kept for the tests: a script that runs before the page's own wraps the moment the
# Leaflet module defines window.L (the site's code is not changed for the tests).
KEEP_MAPS_JS = """(() => {
    let leaflet;
    Object.defineProperty(window, "L", {configurable: true, get: () => leaflet, set: (value) => {
        leaflet = value;
        value.Map.addInitHook(function () { (window.leafletMaps ||= []).push(this); });
    }});
})();"""
# Markers of datasette-cluster-map's cluster layer: all of them, and those inside the map's view.
MARKERS_JS = """() => {
    const map = (window.leafletMaps || [])[0];
    if (!map) return [0, 0];
    const view = map.getBounds();
    let all = 0, inside = 0;
    map.eachLayer((layer) => {
        if (typeof layer.refreshClusters === "function") {  // the marker cluster group
            for (const marker of layer.getLayers()) {
                all += 1;
                inside += view.contains(marker.getLatLng()) ? 1 : 0;
            }
        }
    });
    return [all, inside];
}"""


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """Base URL of `datasette serve` over the build, as `make serve` runs it."""
    log = tmp_path_factory.mktemp("serve") / "datasette.log"
    with serving(built, log) as base:
        yield base


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def server_only(browser: Browser, server: str) -> BrowserContext:
    """A browser context that may only reach the server (map tiles and anything else external are refused)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    context.route(re.compile(rf"^(?!{re.escape(server)}/)"), lambda route: route.abort())
    return context


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser, server) -> Page:
    """A fresh page that may only reach the server."""
    context = server_only(browser, server)
    page = context.new_page()
    yield page
    context.close()


def goto(page: Page, path: str, wait_for: str | None = None) -> None:
    """Open `path` on the server, require a 2xx answer, and wait for `wait_for` (a CSS selector) to be visible."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    if wait_for:
        page.locator(wait_for).first.wait_for(timeout=15_000)


def screenshot(page: Page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=path, full_page=full_page)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000, f"{path}: {len(data)} bytes"


def fetch(page: Page, path: str) -> bytes:
    response = page.request.get(path)
    assert response.status == 200, f"{path}: {response.status}"
    return response.body()


@pytest.fixture(scope="module")
def events_facets(site_metadata) -> list[str]:
    """Column of every facet metadata.yml configures on events ("event_type", or {"date": "event_date"})."""
    facets = site_metadata["databases"][DB]["tables"]["events"]["facets"]
    return [f if isinstance(f, str) else next(iter(f.values())) for f in facets]


def test_events_facets_filter_the_table(page, db, events_facets):
    goto(page, f"/{DB}/events", ".facet-info")
    for column in events_facets:
        expect(page.locator(f'.facet-info[data-column="{column}"]')).to_be_visible()
    link = page.locator('.facet-info[data-column="event_type"] li a:not(.cross)').first
    value = link.inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(r"[?&]event_type="))
    cells = page.locator("table.rows-and-columns tbody td.col-event_type").all_inner_texts()
    expected = db.execute("select count(*) from events where event_type = ?", [value]).fetchone()[0]
    assert expected and len(cells) == min(expected, SETTINGS["default_page_size"])
    assert {c.strip() for c in cells} == {value}
    expect(page.locator("h3").first).to_contain_text(f"{expected:,} row")


def map_note(page: Page) -> str:
    note = page.locator("p.map-note")
    expect(note).to_be_attached(timeout=10_000)
    return note.inner_text()


@pytest.mark.parametrize("table", ["events", "places"])
def test_cluster_map_draws_every_located_row(page, db, table):
    page.add_init_script(KEEP_MAPS_JS)
    goto(page, f"/{DB}/{table}", ".leaflet-container .leaflet-marker-icon")
    located = db.execute(f"select count(*) from [{table}] where latitude is not null and longitude is not null").fetchone()[0]
    # The first view holds the markers near most of them; the note counts and names the ones left outside,
    # and these must be the places outside Syria (an agreement signed in Astana), nothing in the study area.
    note = map_note(page)
    outside = re.search(r"(\d+) markers? outside this view \(([^)]*)\)", note)
    left_out = int(outside.group(1)) if outside else 0
    if outside:
        foreign = {r[0] for r in db.execute("select name from places where country not in ('Syria', 'Turkey')")}
        assert set(outside.group(2).split(", ")) <= foreign, note
    expected = min(located, SETTINGS["max_returned_rows"])  # the map fetches the table with _size=max
    deadline = time.monotonic() + 10  # markers are added in chunks
    while (drawn := page.evaluate(MARKERS_JS))[0] != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert drawn == [expected, expected - left_out], \
        f"{table}: {drawn[0]} markers, {drawn[1]} in view; {expected} rows located, {left_out} said outside ({note})"
    assert page.locator(".leaflet-marker-icon.marker-cluster").count() >= 2, "the view is too wide: one cluster"
    if table == "events":  # the facets, then the map below them, in one view
        page.set_viewport_size({"width": 1280, "height": 1400})
        page.evaluate("document.querySelector('.facet-results').scrollIntoView()")
        page.wait_for_timeout(500)
        screenshot(page, "events-map.png")


@pytest.mark.parametrize("table", ["events", "places"])
def test_map_names_the_rows_it_does_not_draw(page, db, table):
    """Events known only to a governorate or region and places with no point of their own (a region, a
    governorate, a checkpoint known only to lie in the al-Ghab plain) are not drawn; the note counts and lists them."""
    goto(page, f"/{DB}/{table}", ".leaflet-container .leaflet-marker-icon")
    unlocated = db.execute(f"select count(*) from {table} where latitude is null").fetchone()[0]
    if table == "events":
        assert unlocated >= db.execute("select count(*) from events where geo_precision = 3").fetchone()[0] > 0
        assert unlocated == db.execute("select count(*) from events e join places p using (place_id) "
                                       "where e.geo_precision = 3 or p.latitude is null").fetchone()[0]
        said = f"{unlocated} events are located only to a governorate or region, or to a place with no point of its own"
    else:
        assert {"al-ghab-plain", "idlib-governorate", "syria", "cairo-checkpoint"} <= {
            r[0] for r in db.execute("select place_id from places where latitude is null")}
        said = f"{unlocated} places have no point of their own"
    assert said in map_note(page)
    page.locator("p.map-note a", has_text="list them").click()
    page.wait_for_url(re.compile(r"[?&]latitude__isnull=1"))
    expect(page.locator("h3").first).to_contain_text(f"{unlocated:,} row")


# The first of the icons a selector finds whose centre lies inside the map's view (-1 if none): Leaflet keeps
# icons a screen beyond the view too, where the page's other elements cover them.
IN_VIEW_JS = """(selector) => {
    const view = document.querySelector('.leaflet-container').getBoundingClientRect();
    return [...document.querySelectorAll(selector)].findIndex(icon => {
        const r = icon.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
        return x >= view.left && x <= view.right && y >= view.top && y <= view.bottom;
    });
}"""


def _in_view(page: Page, selector: str) -> Locator | None:
    at = page.evaluate(IN_VIEW_JS, selector)
    return page.locator(selector).nth(at) if at >= 0 else None


def open_a_popup(page: Page) -> Locator:
    """Open clusters on the map until a single marker shows in its view, click it, and return its visible popup."""
    for _ in range(10):
        single = _in_view(page, ".leaflet-marker-icon:not(.marker-cluster)")
        if single is not None:
            break
        cluster = _in_view(page, ".leaflet-marker-icon.marker-cluster")
        assert cluster is not None, "no marker nor cluster in the map's view"
        cluster.click()
        page.wait_for_timeout(600)
    assert single is not None, "no single marker after opening ten clusters"
    single.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    return popup


@pytest.mark.parametrize("table", ["events", "places"])
def test_map_popup_shows_the_row(page, db, table):
    goto(page, f"/{DB}/{table}", ".leaflet-container .leaflet-marker-icon")
    popup = open_a_popup(page)
    href = popup.locator("a").first.get_attribute("href")
    match = re.fullmatch(rf"/{DB}/{table}/([^/]+)", href or "")
    assert match, href
    row_id = unquote(match.group(1).replace("~", "%"))
    text = " ".join(popup.inner_text().split())
    if table == "events":
        row = db.execute("select e.*, p.name as place from events e join places p using (place_id) where event_id = ?",
                         [row_id]).fetchone()
        for value in (row["event_date"], row["event_type"], row["place"], " ".join(row["summary"].split())):
            assert value in text, (value, text)
    else:
        row = db.execute("select * from places where place_id = ?", [row_id]).fetchone()
        for value in (row["name"], row["place_type"], row["governorate"] or ""):
            assert value in text, (value, text)
    assert "{" not in text and "latitude" not in text  # the curated popup, not the plugin's list of every column


def test_column_descriptions_are_folded_and_shown_on_headers(page, site_metadata):
    described = site_metadata["databases"][DB]["tables"]["events"]["columns"]
    goto(page, f"/{DB}/events", "details.column-descriptions")
    expect(page.locator("details.column-descriptions summary")).to_have_text(f"What the {len(described)} columns hold")
    expect(page.locator("details.column-descriptions dl")).not_to_be_visible()
    for column in ("event_date", "geo_precision", "fatalities"):
        assert page.locator(f'th[data-column="{column}"]').get_attribute("title") == described[column]


@pytest.mark.parametrize("term", ["Qarmeed", "Qarmid"])
def test_search_finds_a_place_by_any_spelling(page, term):
    goto(page, f"/-/search?q={term}")
    expect(page.locator("#search-all-q")).to_have_value(term)
    # one result table per searchable table with matches; the place_aliases results link the place
    # (whichever spelling was searched) and highlight the searched word
    section = page.locator('#search-results .search-table[data-table="place_aliases"]')
    expect(section).to_be_visible(timeout=15_000)
    place = section.locator(f'a[href="/{DB}/places/qarmid-base"]').first
    expect(place).to_have_text("Qarmid base")
    marks = {m.lower() for m in page.locator("#search-results mark").all_inner_texts()}
    assert marks and all(m.startswith(term.lower()) for m in marks), marks
    place.click()
    page.wait_for_url(f"**/{DB}/places/qarmid-base")
    expect(page.locator("h1")).to_contain_text("qarmid-base")


def test_search_cuts_article_texts_to_the_match(page, db):
    goto(page, "/-/search?q=Qarmeed")
    body = page.locator('#search-results .search-table[data-table="articles"] td.long').filter(
        has=page.locator("mark")).first
    expect(body).to_be_visible(timeout=15_000)
    longest = db.execute("select max(length(body)) from articles").fetchone()[0]
    assert len(body.inner_text()) < min(600, longest)


def test_csv_download_is_clean_and_complete(page, db, tmp_path):
    goto(page, f"/{DB}/events")
    href = page.locator("p.export-links a", has_text=re.compile(r"^CSV$")).get_attribute("href")
    assert href and ".csv" in href and "_size=max" in href, href
    path = tmp_path / "events.csv"
    data = fetch(page, href)
    assert data.startswith("\ufeff".encode()), "no UTF-8 byte-order mark: Excel would misread the quotes"
    assert "“".encode() in data  # there are non-ASCII characters for the BOM to protect
    path.write_bytes(data)
    clean = subprocess.run([BIN / "csvclean", "--length-mismatch", path], capture_output=True, text=True, cwd=tmp_path)
    assert clean.returncode == 0 and not clean.stderr, clean.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["events.csv"]  # no *_err.csv / *_out.csv beside it
    stat = subprocess.run([BIN / "csvstat", "--count", path], capture_output=True, text=True, check=True)
    assert int(stat.stdout.strip().split()[-1]) == db.execute("select count(*) from events").fetchone()[0]
    with path.open(encoding="utf-8-sig", newline="") as f:  # how pandas and Excel read it
        header = next(csv.reader(f))
    assert {"event_id", "event_date", "summary"} <= set(header), header


def test_event_page_quotes_its_evidence(page, db):
    event_id, count = db.execute("select event_id, count(*) n from event_mentions where event_id in "
                                 "(select event_id from figures) group by event_id "
                                 "order by n desc, event_id limit 1").fetchone()
    mentions = db.execute("select article_id, quote from event_mentions where event_id = ?", [event_id]).fetchall()
    goto(page, f"/{DB}/events/{quote(event_id)}", "section.evidence blockquote")
    screenshot(page, "event.png", full_page=True)
    quotes = [" ".join(q.split()) for q in page.locator("section.evidence blockquote").all_inner_texts()]
    assert len(quotes) == count
    for mention in mentions:
        assert any(" ".join(mention["quote"].split()) in q for q in quotes), mention["quote"]
    links = {urlparse(h).path for h in page.locator("section.evidence a").evaluate_all("els => els.map(a => a.href)")}
    for article_id in {m["article_id"] for m in mentions}:
        assert f"/{DB}/articles/{quote(article_id)}" in links, article_id
    figures = db.execute("select value, value_word, unit, quote from figures where event_id = ?", [event_id]).fetchall()
    items = [" ".join(t.split()) for t in page.locator("section.evidence li.figure").all_inner_texts()]
    assert len(items) == len(figures)
    for figure in figures:  # the number (or the vague word) with its unit, then the sentence it comes from
        number = figure["value_word"] or f"{figure['value']:,g}"
        assert any(f"{number} {figure['unit']}" in item and " ".join(figure["quote"].split()) in item
                   for item in items), (number, figure["unit"], items)


def test_home_page_links_the_downloads(page, db):
    goto(page, "/")
    screenshot(page, "home.png")
    expect(page.locator("h1").first).to_have_text("Idlib events")
    for name in ("idlib-events-datapackage.zip", "events.geojson"):
        expect(page.locator(f'a[href$="/downloads/{name}"]').first).to_be_attached()
    assert fetch(page, "/downloads/idlib-events-datapackage.zip").startswith(b"PK")
    geojson = json.loads(fetch(page, "/downloads/events.geojson"))
    assert geojson["type"] == "FeatureCollection"
    assert len(geojson["features"]) == db.execute("select count(*) from events").fetchone()[0]


def test_dashboard_chart_renders(page, db):
    goto(page, "/-/dashboards/overview", ".vega-embed")
    chart = page.locator(".vega-embed svg, .vega-embed canvas").first
    expect(chart).to_be_visible(timeout=15_000)
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100, box


def test_the_home_page_search_box_searches_everything(page):
    goto(page, "/")
    page.locator('form[action="/-/search"] input[name="q"]').fill("Qarmeed")
    page.locator('form[action="/-/search"] input[type="submit"]').click()
    page.wait_for_url("**/-/search?q=Qarmeed")
    for table in ("articles", "place_aliases", "figures"):  # article texts, spellings, figure quotes
        expect(page.locator(f'#search-results .search-table[data-table="{table}"] mark').first).to_be_visible(
            timeout=15_000)

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
from datetime import date
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


@pytest.mark.parametrize("table", ["events", "events_flat", "places"])
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


@pytest.mark.parametrize("table", ["events", "events_flat", "places"])
def test_map_names_the_rows_it_does_not_draw(page, db, table):
    """Events known only to a governorate or region and places with no point of their own (a region, a
    governorate, a checkpoint known only to lie in the al-Ghab plain) are not drawn; the note counts and lists them."""
    goto(page, f"/{DB}/{table}", ".leaflet-container .leaflet-marker-icon")
    unlocated = db.execute(f"select count(*) from {table} where latitude is null").fetchone()[0]
    if table != "places":
        assert unlocated >= db.execute("select count(*) from events where geo_precision = 3").fetchone()[0] > 0
        assert unlocated == db.execute("select count(*) from events e join places p using (place_id) "
                                       "where e.geo_precision = 3 or p.latitude is null").fetchone()[0]
        said = f"{unlocated} events are located only to a governorate or region, or to a place with no point of its own"
    else:
        assert {"al-ghab-plain", "idlib-governorate", "syria", "cairo-checkpoint"} <= {
            r[0] for r in db.execute("select place_id from places where latitude is null")}
        said = f"{unlocated} places have no point of their own"
    assert said in map_note(page)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.locator("p.map-note a", has_text="list them").click()
    page.wait_for_url(re.compile(r"[?&]latitude__isnull=1"))
    expect(page.locator("h3").first).to_contain_text(f"{unlocated:,} row")
    # None of the listed rows has a point: no empty map (the plugin would fit it to no marker and throw),
    # and the note says why there is none instead of linking the page to itself.
    expect(page.locator("p.map-note")).to_contain_text(said)
    expect(page.locator("p.map-note")).to_contain_text("no map is shown")
    expect(page.locator("p.map-note a")).to_have_count(0)
    expect(page.locator(".leaflet-container")).to_be_hidden()
    assert not errors, errors


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
    figures = db.execute("select value, value_word, value_low, unit, quote from figures where event_id = ?",
                         [event_id]).fetchall()
    items = [" ".join(t.split()) for t in page.locator("section.evidence li.figure").all_inner_texts()]
    assert len(items) == len(figures)
    for figure in figures:  # the number (or the vague word and its low bound) with its unit, then its sentence
        number = (f"{figure['value_word']} (at least {figure['value_low']:,g})" if figure["value_word"]
                  else f"{figure['value']:,g}")
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
    # named for a GIS's labels, and a feature with no geometry says why it has none
    places = dict(db.execute("select event_id, p.name from events join places p using (place_id)").fetchall())
    for feature in geojson["features"]:
        properties = feature["properties"]
        assert properties["name"].startswith(properties["event_date"]) and places[feature["id"]] in properties["name"]
        assert (feature["geometry"] is None) == bool(properties["no_point"]), feature
    reasons = [f["properties"]["no_point"] for f in geojson["features"] if f["geometry"] is None]
    areas = db.execute("select count(*) from events where geo_precision = 3").fetchone()[0]
    assert areas and sum("located only to" in r for r in reasons) == areas
    assert sum("has no point of its own" in r for r in reasons) == len(reasons) - areas


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


ZOOM_JS = "() => window.leafletMaps[0].getZoom()"
# Marks (class "spread") the icon of a cluster in the view whose markers are not all at one point: a click on
# it zooms in (a cluster of markers at one point opens into a spider instead).
SPREAD_CLUSTER_JS = """() => {
    const map = window.leafletMaps[0], view = map.getBounds();
    for (const layer of Object.values(map._layers)) {
        if (layer._icon && typeof layer.getAllChildMarkers === "function" && view.contains(layer.getLatLng())) {
            const bounds = layer.getBounds();
            if (!bounds.getNorthEast().equals(bounds.getSouthWest())) {
                layer._icon.classList.add("spread");
                return true;
            }
        }
    }
    return false;
}"""


def test_a_click_on_a_cluster_zooms_to_it(page):
    """A cluster opens where it is clicked: the map's own fit to the focus must not undo the cluster's zoom."""
    page.add_init_script(KEEP_MAPS_JS)
    goto(page, f"/{DB}/events", ".leaflet-container .leaflet-marker-icon.marker-cluster")
    map_note(page)  # the first view is fitted
    before = page.evaluate(ZOOM_JS)
    assert page.evaluate(SPREAD_CLUSTER_JS), "no cluster of markers at different points in the first view"
    page.locator(".leaflet-marker-icon.marker-cluster.spread").first.click()
    page.wait_for_function(f"() => window.leafletMaps[0].getZoom() > {before}", timeout=5_000)


def test_geo_precision_is_shown_with_its_meaning(page, db, built):
    """A coded value reads as what it means on the table pages (the schema's categories), not as a bare 1, 2 or 3."""
    descriptor = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in descriptor["resources"] if r["name"] == "events")["schema"]["fields"]
    meanings = {c["value"]: c["label"] for c in next(f for f in fields if f["name"] == "geo_precision")["categories"]}
    goto(page, f"/{DB}/events?geo_precision=3", "td.col-geo_precision")
    expect(page.locator("td.col-geo_precision").first).to_have_text(f"3 · {meanings[3]}")
    # the JSON (and CSV) keep the bare value
    assert json.loads(fetch(page, f"/{DB}/events.json?geo_precision=3&_shape=array&_size=1"))[0]["geo_precision"] == 3


def test_events_facet_by_month(page, db):
    """The date facet counts events per month (not per day); choosing a month filters the table to it, as a
    range of days (which the index of event_date answers)."""
    goto(page, f"/{DB}/events", '.facet-info[data-column="event_date"]')
    facet = page.locator('.facet-info[data-column="event_date"]')
    labels = facet.locator("li a:not(.cross)").all_inner_texts()
    assert labels and all(re.match(r"\d{4}-\d{2}\b", label) for label in labels), labels
    month, count = db.execute("select substr(event_date, 1, 7) m, count(*) n from events group by m "
                              "order by n desc, m limit 1").fetchone()
    facet.locator("li a:not(.cross)", has_text=month).first.click()
    page.wait_for_url(re.compile(rf"event_date__gte={month}-01&event_date__lt=\d{{4}}-\d{{2}}-01"))
    expect(page.locator("h3").first).to_contain_text(f"{count:,} row")


def test_search_finds_events_by_any_spelling_of_their_place(page, db):
    """An event is found through every spelling of its place ("Qarmeed" finds the events at Qarmid base)."""
    at_qarmid = {r[0] for r in db.execute("select event_id from events where place_id = 'qarmid-base'")}
    assert at_qarmid
    assert not db.execute("select count(*) from events where summary like '%qarmeed%'").fetchone()[0]
    goto(page, f"/{DB}/events?_search=Qarmeed", "table.rows-and-columns")
    found = {unquote(urlparse(h).path.rsplit("/", 1)[1].replace("~", "%")) for h in page.locator(
        "table.rows-and-columns td.col-event_id a").evaluate_all("els => els.map(a => a.href)")}
    assert found == at_qarmid


def test_search_highlights_every_match_in_article_snippets(page):
    """Each article text cut to its passage highlights every word of the query it shows, the first one too."""
    goto(page, "/-/search?q=Qarmid")
    snippets = page.locator('#search-results .search-table[data-table="articles"] td.long')
    expect(snippets.first).to_be_visible(timeout=15_000)
    assert snippets.count()
    for at in range(snippets.count()):
        snippet = snippets.nth(at)
        words = re.findall(r"(?<![\w])qarmid\w*", snippet.inner_text(), flags=re.IGNORECASE)
        marks = snippet.locator("mark").all_inner_texts()
        assert words and marks == words, (marks, words)


def test_dashboard_months_are_right_west_of_utc(browser, server, db):
    """Each bar's month is the month of its events also in a browser west of UTC (bars were a month early)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server,
                                  timezone_id="America/Los_Angeles")
    context.route(re.compile(rf"^(?!{re.escape(server)}/)"), lambda route: route.abort())
    page = context.new_page()
    try:
        goto(page, "/-/dashboards/overview", ".vega-embed svg")
        bars = page.locator('.vega-embed [aria-roledescription="bar"]')
        expect(bars.first).to_be_attached(timeout=15_000)
        shown = {re.search(r"Month: (\w+ \d{4})", label).group(1)
                 for label in bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")}
        months = {date.fromisoformat(f"{m}-01").strftime("%b %Y")
                  for (m,) in db.execute("select distinct substr(event_date, 1, 7) from events")}
        assert shown == months, sorted(shown ^ months)
    finally:
        context.close()


def test_the_home_page_csv_link_downloads_a_file(page, db, tmp_path):
    """The one-CSV link saves a file (Content-Disposition: attachment) instead of showing the text."""
    goto(page, "/")
    with page.expect_download() as download:
        page.locator("a", has_text="events with names, one CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.endswith(".csv"), saved.name
    with saved.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == db.execute("select count(*) from events").fetchone()[0]


def test_home_page_leads_with_the_journalists_questions(page, site_metadata):
    """The sections come in the order metadata.yml gives them (events, figures, questions, chart, downloads,
    method and limits); the main tables are listed before the working ones (mentions, spellings)."""
    home = site_metadata["plugins"]["home-page"]
    goto(page, "/", ".home-section h2")
    assert page.locator(".home-section h2").all_inner_texts() == [s["title"] for s in home["sections"]]
    assert [s["title"] for s in home["sections"]][:2] == ["Events", "Figures and who claims them"]
    headings = page.locator("section.content h2").all_inner_texts()
    assert headings.index("Method and known limits") < headings.index("Every table") == len(headings) - 1
    assert page.locator("ul.home-tables > li > a").all_inner_texts() == home["main_tables"]
    working = page.locator("p.working-tables a").all_inner_texts()
    assert {"mentions", "place_aliases", "actor_aliases"} <= set(working) and not set(working) & set(home["main_tables"])
    for query in ("near_a_place", "actor_record", "contested_figures", "timeline_by_month"):
        expect(page.locator(f'.home-section a[href="/{DB}/{query}"]').first).to_be_visible()


def test_event_page_is_a_card_with_actors_by_role_and_fatalities(page, db):
    """The deadliest event: its place, date, actors by role and fatalities at the top, and whether a person
    has reviewed it (machine-read until then)."""
    event = db.execute("select e.*, p.name as place from events e join places p using (place_id) "
                       "where fatalities is not null order by fatalities desc, event_id limit 1").fetchone()
    goto(page, f"/{DB}/events/{quote(event['event_id'])}", "section.event-card")
    card = page.locator("section.event-card")
    expect(card.locator(f'a[href="/{DB}/places/{quote(event["place_id"])}"]')).to_have_text(event["place"])
    expect(card).to_contain_text(event["event_date"])
    expect(card.locator(".event-fatalities")).to_contain_text(f"{event['fatalities']:,}")
    roles = db.execute("select role, a.name from event_actors join actors a using (actor_id) where event_id = ?",
                       [event["event_id"]]).fetchall()
    expect(card.locator(".event-actors")).not_to_have_text("Loading…")
    for role, name in roles:
        expect(card.locator(f'.event-actors .role[data-role="{role}"]')).to_contain_text(name)
    assert card.locator(".event-actors .role").count() == len({role for role, _ in roles})
    machine = card.locator(".machine-read")
    if event["review_status"] == "reviewed":
        expect(machine).to_have_count(0)
    else:  # the fatalities, the roles (when there are any) and the review line say so
        expect(machine).to_have_count(3 if roles else 2)


def test_an_evidence_link_scrolls_to_its_highlighted_sentence(page, db):
    mention = db.execute("select event_id, article_id, quote, char_start, char_end from event_mentions "
                         "order by char_start desc, event_id limit 1").fetchone()  # far down its article
    goto(page, f"/{DB}/events/{quote(mention['event_id'])}", "section.evidence a.span-link")
    link = page.locator("section.evidence a.span-link",
                        has_text=f"characters {mention['char_start']}–{mention['char_end']}").first
    link.click()
    page.wait_for_url(re.compile(rf"/articles/.*#chars-{mention['char_start']}-{mention['char_end']}$"))
    current = page.locator("section.article-text mark.current")
    expect(current.first).to_be_visible()
    assert " ".join("".join(current.all_inner_texts()).split()) == " ".join(mention["quote"].split())
    expect(current.first).to_be_in_viewport()
    screenshot(page, "article.png")


def test_every_evidence_span_of_an_article_is_highlighted(page, db):
    article_id = db.execute("select article_id from event_mentions group by article_id "
                            "order by count(*) desc, article_id limit 1").fetchone()[0]
    spans = {(s, e) for s, e in db.execute("select char_start, char_end from event_mentions where article_id = ? "
                                            "union select char_start, char_end from figures where article_id = ?",
                                            [article_id, article_id])}
    goto(page, f"/{DB}/articles/{quote(article_id)}", "section.article-text mark.evidence-span")
    anchors = set(page.locator("section.article-text .span-anchor").evaluate_all("els => els.map(e => e.id)"))
    assert anchors == {f"chars-{s}-{e}" for s, e in spans}
    body = db.execute("select body from articles where article_id = ?", [article_id]).fetchone()[0]
    expect(page.locator("section.article-text .article-text-body")).to_have_text(body)


def test_canned_query_boxes_suggest_names(page, db):
    goto(page, f"/{DB}/actor_record?actor=jabhat-al-nusra", "table.rows-and-columns")
    box = page.locator('form.sql input[name="actor"]')
    expect(box).to_have_attribute("list", "actor-names")
    names = page.locator("datalist#actor-names option").evaluate_all("els => els.map(o => o.value)")
    assert names == [r[0] for r in db.execute("select distinct a.name from event_actors join actors a using (actor_id) "
                                              "order by a.name")]
    link = page.locator("table.rows-and-columns td.col-event_id a").first
    event_id = link.inner_text()
    link.click()
    page.wait_for_url(f"**/{DB}/events/{quote(event_id)}")


def test_the_deadliest_air_raids_name_their_attacker_and_victims(page, db):
    """The government air raids that killed 73 civilians across Idlib province on 26 April 2015 (AFP's seed
    report): attacker the government's forces, target civilians; no armed group the raids did not involve."""
    event_id = db.execute("select e.event_id from events e join figures f using (event_id) "
                          "where e.sub_event_type = 'Air/drone strike' and e.event_date = '2015-04-26' "
                          "and f.category = 'killed' and f.value = 73 and f.article_id = '001_69ba249cb100d0c6'").fetchone()[0]
    goto(page, f"/{DB}/events/{quote(event_id)}", "section.event-card .event-actors .role")
    attackers = page.locator('.event-actors .role[data-role="attacker"] a').all_inner_texts()
    targets = page.locator('.event-actors .role[data-role="target"] a').all_inner_texts()
    government, civilians = (db.execute("select name from actors where actor_id = ?", [a]).fetchone()[0]
                             for a in ("syrian-government-forces", "civilians"))
    assert attackers == [government] and targets == [civilians], (attackers, targets)



# The distinct deaths the seed articles report for April 2015, as a reader counts them: 73 civilians in the
# government's air raids across Idlib province on the 26th (Darkush's 53 are among them), at least 60
# pro-regime soldiers in the fighting for Jisr al-Shughur, at least 15 soldiers at Qarmid (the car bombs), and
# 30 regime troops in al-Ghab.
APRIL_2015_DEATHS = 73 + 60 + 15 + 30


def test_the_timeline_counts_each_death_of_april_2015_once(page):
    goto(page, f"/{DB}/timeline_by_month", "table.rows-and-columns")
    expect(page.locator(".metadata-description, .query-description, p").filter(
        has_text="Each death is counted once").first).to_be_visible()
    rows = page.locator("table.rows-and-columns tbody tr")
    total = 0
    for at in range(rows.count()):
        row = rows.nth(at)
        if row.locator("td.col-month").inner_text().strip() == "2015-04":
            total += int(row.locator("td.col-fatalities").inner_text().strip())
    assert total == APRIL_2015_DEATHS


def test_no_vague_quantity_is_shown_as_an_exact_value(page, db):
    """A vague quantity ("a number of terrorists") is shown as its words with its low bound, on the event page
    and in the figures table, never as "2 people"; whole values show as integers, never "2.0"."""
    figure = db.execute("select * from figures where value_word = 'a number of' and category = 'killed' "
                        "order by figure_id limit 1").fetchone()
    assert figure and figure["value"] is None and figure["value_low"] == 2
    goto(page, f"/{DB}/events/{quote(figure['event_id'])}", "section.evidence li.figure")
    item = page.locator("section.evidence li.figure", has_text=figure["quote"][:40]).first
    expect(item).to_contain_text(f"a number of (at least 2) {figure['unit']}")
    expect(item).not_to_contain_text(f"2 {figure['unit']}")
    goto(page, f"/{DB}/figures?value_word=a+number+of", "table.rows-and-columns")
    values = page.locator("table.rows-and-columns td.col-value").all_inner_texts()
    assert values and all(not v.strip() for v in values), values
    # vague values shown on the site's tables are integers where whole, never "2.0"
    goto(page, f"/{DB}/figures?_sort_desc=value", "table.rows-and-columns")
    shown = [v.strip() for v in page.locator("table.rows-and-columns td.col-value").all_inner_texts() if v.strip()]
    assert shown and not any(v.endswith(".0") for v in shown), shown[:5]

"""The Datasette site over the built database, exercised through Datasette's own test client."""

from __future__ import annotations

import csv
import html
import io
import json
import re

from scripts.build import ROOT

from .conftest import site

DB = "idlib-events"


async def test_database_page_lists_the_tables(datasette):
    response = await datasette.client.get(f"/{DB}")
    assert response.status_code == 200
    for table in ("events", "figures", "actors", "places", "articles", "events_flat"):
        assert f'href="/{DB}/{table}"' in response.text


async def test_events_page_renders_the_configured_facets(datasette):
    response = await datasette.client.get(f"/{DB}/events")
    assert response.status_code == 200
    for facet in ("event_type", "sub_event_type", "actor1_id", "actor2_id", "event_date"):
        assert f'id="facet-{facet}"' in response.text, facet
    data = (await datasette.client.get(f"/{DB}/events.json")).json()
    assert {"event_type", "sub_event_type", "actor1_id", "event_date"} <= set(data["facet_results"])
    types = {row["value"] for row in data["facet_results"]["event_type"]["results"]}
    assert "Battles" in types and "Explosions/Remote violence" in types


async def test_figures_page_renders_its_facets(datasette):
    data = (await datasette.client.get(f"/{DB}/figures.json")).json()
    assert {"category", "qualifier", "claimed_by_actor_id"} <= set(data["facet_results"])


async def test_events_page_loads_the_cluster_map(datasette):
    html = (await datasette.client.get(f"/{DB}/events")).text
    assert "datasette-cluster-map" in html and "leaflet" in html.lower()
    assert 'DATASETTE_CLUSTER_MAP_LATITUDE_COLUMN = "latitude"' in html
    plugins = (await datasette.client.get("/-/plugins.json")).json()
    assert "datasette-cluster-map" in {p["name"] for p in plugins}


async def test_places_page_loads_the_cluster_map(datasette):
    html = (await datasette.client.get(f"/{DB}/places")).text
    assert 'DATASETTE_CLUSTER_MAP_LONGITUDE_COLUMN = "longitude"' in html


async def test_csv_export_of_events_returns_every_row(datasette, db):
    response = await datasette.client.get(f"/{DB}/events.csv?_stream=on&_size=max")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = db.execute("select event_id from events order by event_id").fetchall()
    assert sorted(r["event_id"] for r in rows) == [r[0] for r in expected]


async def test_every_csv_starts_with_a_byte_order_mark_and_json_does_not(datasette):
    # Excel reads a CSV as UTF-8 only when it starts with a BOM; pandas, csvkit and R skip it
    for path in (f"/{DB}/figures.csv", f"/{DB}/events_flat.csv?_size=max&_dl=1", f"/{DB}/events.csv?_stream=on",
                 f"/{DB}.csv?sql=select+quote+from+figures+limit+3"):
        response = await datasette.client.get(path)
        assert response.status_code == 200, path
        assert response.content.startswith(b"\xef\xbb\xbf") and not response.content.startswith(b"\xef\xbb\xbf" * 2), path
        assert b"\xef\xbb\xbf" not in response.content[3:], path
    response = await datasette.client.get(f"/{DB}/figures.json")
    assert response.content.startswith(b"{")


async def test_an_article_page_links_everything_extracted_from_it(datasette, db):
    article_id = db.execute("select article_id from figures group by article_id order by count(*) desc").fetchone()[0]
    html = (await datasette.client.get(f"/{DB}/articles/{article_id}")).text
    for table in ("event_mentions", "figures", "mentions"):
        count = db.execute(f"select count(*) from {table} where article_id = ?", [article_id]).fetchone()[0]
        assert count and f'href="/{DB}/{table}?article_id={article_id}"' in html, table


async def test_foreign_keys_show_labels(datasette):
    data = (await datasette.client.get(f"/{DB}/figures.json?_labels=on&_shape=array&category=killed")).json()
    claimed = [row["claimed_by_actor_id"] for row in data if row["claimed_by_actor_id"]]
    assert claimed and all(set(c) == {"value", "label"} for c in claimed)
    assert "Syrian Observatory for Human Rights" in {c["label"] for c in claimed}


async def test_every_table_and_column_is_described(datasette, db):
    metadata = (await datasette.client.get("/-/metadata.json")).json()
    tables = metadata["databases"][DB]["tables"]
    names = [r[0] for r in db.execute("select name from sqlite_master where type in ('table', 'view') "
                                      "and name not like '%_fts%' and name not like 'sqlite_%'")]
    for name in names:
        assert tables[name].get("description"), name
        columns = [r[1] for r in db.execute(f"PRAGMA table_info([{name}])")]
        assert all(tables[name]["columns"].get(c) for c in columns), name


async def test_database_is_served_immutable(datasette):
    databases = (await datasette.client.get("/-/databases.json")).json()
    assert [d["is_mutable"] for d in databases if d["name"] == DB] == [False]


def test_metadata_uses_only_keys_datasette_1_0_still_reads():
    """metadata.yml stays within the keys Datasette 1.0 moves to datasette.yaml on its own, or keeps."""
    import yaml

    from scripts.build import ROOT

    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    top = {"title", "description", "description_html", "license", "license_url", "source", "source_url",
           "about", "about_url", "databases", "plugins", "extra_css_urls", "extra_js_urls"}
    table = {"title", "description", "description_html", "columns", "label_column", "facets", "sort", "sort_desc",
             "sortable_columns", "size", "hidden", "plugins", "fts_table", "fts_pk", "searchmode",
             "source", "source_url", "license", "license_url"}
    assert set(metadata) <= top
    for database in metadata["databases"].values():
        assert set(database) <= {"description", "description_html", "tables", "queries", "plugins", "source", "license"}
        for name, spec in database["tables"].items():
            assert set(spec or {}) <= table, name


# Example parameters for the canned queries that take some: ids that exist in the seed build.
QUERY_PARAMS = {"actor": "jabhat-al-nusra", "place": "qarmid-base", "km": "25"}


async def test_every_canned_query_runs_and_returns_rows(datasette, site_metadata):
    queries = site_metadata["databases"][DB]["queries"]
    assert {"timeline_by_month", "claims_by_claimant", "actor_record", "near_a_place"} <= set(queries)
    for name, query in queries.items():
        assert query.get("title") and query.get("description"), name
        params = "&".join(f"{p}={QUERY_PARAMS[p]}" for p in query.get("params", []))
        response = await datasette.client.get(f"/{DB}/{name}.json?_shape=array&{params}")
        assert response.status_code == 200, (name, response.text[:300])
        assert len(response.json()) > 0, f"{name} returned no rows"


async def test_near_a_place_finds_the_places_within_it(datasette, db):
    rows = (await datasette.client.get(f"/{DB}/near_a_place.json?_shape=array&place=al-ghab-plain&km=0")).json()
    places = {row["place"] for row in rows}
    inside = {name for (name,) in db.execute("select name from places where within_place_id = 'al-ghab-plain'")}
    # the plain's own events and those at a checkpoint in it, nothing else at 0 km
    assert "al-Ghab plain" in places and places & inside and places <= inside | {"al-Ghab plain"}


async def test_near_a_place_marks_distances_from_a_place_without_a_point_approximate(datasette, db):
    # from the al-Ghab plain, which has no point of its own: its representative town stands in, and every
    # distance from it is approximate, the plain's own events (0 km) included
    rows = (await datasette.client.get(f"/{DB}/near_a_place.json?_shape=array&place=al-ghab-plain&km=40")).json()
    assert {row["km_basis"] for row in rows} == {"approximate"}
    assert any(row["place"] == "al-Ghab plain" and row["km"] == 0 for row in rows)
    beyond = [row for row in rows if row["km"] > 0]
    assert beyond and all(row["km"] <= 40 for row in beyond)
    # to such places: from Jisr al-Shughur (a point of its own), a checkpoint known only to lie in the plain is
    # measured to the plain's representative point, approximately; a town with a point of its own is measured
    # between the two points
    rows = (await datasette.client.get(f"/{DB}/near_a_place.json?_shape=array&place=jisr-al-shughur&km=60")).json()
    basis = {(row["place"], row["km_basis"]) for row in rows}
    no_point = {name for (name,) in db.execute("select name from places where latitude is null")}
    assert {b for place, b in basis if place in no_point} == {"approximate"}
    assert ("Jisr al-Shughur", "points") in basis
    assert any(place == "al-Ghab plain" for place, _ in basis)


def test_a_region_has_no_plotted_point_in_the_published_tables(built):
    """A region, a governorate, the country and a place known only to lie in a region have no latitude or
    longitude in places.csv, events.csv or events_flat; their point says what stands in for them."""
    def read(name: str) -> list[dict[str, str]]:
        with (built / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    places = {row["place_id"]: row for row in read("places")}
    for place_id, representative in (("al-ghab-plain", "al-ziyarah"), ("idlib-governorate", "idlib-city"),
                                     ("syria", "damascus"), ("cairo-checkpoint", "al-ziyarah")):
        row = places[place_id]
        assert (row["latitude"], row["longitude"], row["point"]) == ("", "", "representative"), place_id
        assert row["representative_place_id"] == representative and places[representative]["latitude"], place_id
    assert places["iran"]["representative_place_id"] == "tehran" and places["tehran"]["point"] == "own"
    assert places["palau"]["point"] == "none" and not places["palau"]["representative_place_id"]  # no capital known
    assert places["jisr-al-shughur"]["point"] == "own" and places["qarmid-base"]["point"] == "approximate"
    no_point = {pid for pid, row in places.items() if not row["latitude"]}
    assert no_point == {pid for pid, row in places.items() if row["point"] in ("representative", "none")}
    events = read("events")
    assert any(row["place_id"] in no_point for row in events)
    assert all(not row["latitude"] and not row["longitude"] for row in events if row["place_id"] in no_point)
    assert any(row["latitude"] for row in events if row["place_id"] not in no_point)


def test_the_governorate_column_names_only_syrian_governorates(built, db):
    """Places abroad (Amman, Astana, Beirut, Moscow, Reyhanli) have no governorate: the facet of events_flat and
    places lists the governorates of Syria only."""
    syrian = {name for (name,) in db.execute("select distinct governorate from places where country = 'Syria'")}
    abroad = db.execute("select place_id, governorate from places where country != 'Syria'").fetchall()
    assert {"amman", "astana", "beirut", "moscow", "reyhanli"} <= {place_id for place_id, _ in abroad}
    assert all(governorate is None for _, governorate in abroad)
    assert {g for (g,) in db.execute("select distinct governorate from events_flat") if g} <= syrian - {None}


async def test_the_dashboard_chart_is_configured_and_its_page_renders(datasette):
    response = await datasette.client.get("/-/dashboards/overview")
    assert response.status_code == 200
    assert "vega-lite.min.js" in response.text and "events-by-month" in response.text
    chart = (await datasette.client.get("/-/dashboards/overview/events-by-month")).text
    assert "Events per month by type" in chart


async def test_robots_let_search_engines_see_only_the_home_page_and_downloads(datasette):
    rules = [line.strip() for line in (await datasette.client.get("/robots.txt")).text.splitlines()]
    assert f"Disallow: /{DB}" in rules  # tables, facets and queries: endless URLs
    assert "Disallow: /-/" in rules  # the search and dashboard pages: endless URLs too
    assert "Disallow: /" not in rules  # the home page (what the dataset is, how to cite it) and /downloads/


async def test_home_page_states_coverage_citation_and_downloads(datasette, db):
    page = (await datasette.client.get("/")).text
    events = db.execute("select count(*), min(event_date), max(event_date) from events").fetchone()
    assert f"{events[0]} events dated {events[1]} to {events[2]}" in page
    located = db.execute("select distinct p.governorate, p.country from events join places p using (place_id)").fetchall()
    governorates = sorted({g for g, country in located if g and country == "Syria"})
    abroad = sorted({country for _, country in located if country != "Syria"})
    assert "Idlib" in governorates
    coverage = ", ".join(governorates + ([f"and in {', '.join(abroad)}"] if abroad else []))
    assert f"(governorates {coverage})" in " ".join(page.split())  # places abroad are named by their country
    assert "How to cite" in page and "CC BY 4.0" in page
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert f"(version {version})" in page  # the dataset version of datapackage.json, cited on the site
    assert 'href="/downloads/idlib-events-datapackage.zip"' in page and 'href="/downloads/events.geojson"' in page


def test_the_zipped_package_holds_the_descriptor_and_every_csv(built):
    import zipfile

    with zipfile.ZipFile(built / "downloads" / "idlib-events-datapackage.zip") as archive:
        names = set(archive.namelist())
        csvs = {f"idlib-events/data/{p.name}" for p in (built / "data").glob("*.csv")}
        assert names == {"idlib-events/datapackage.json"} | csvs
        for name in csvs:
            assert archive.read(name) == (built / "data" / name.rsplit("/", 1)[1]).read_bytes(), name


def test_geojson_has_every_event_and_no_point_for_area_level_ones(built, db):
    import json

    collection = json.loads((built / "downloads" / "events.geojson").read_text(encoding="utf-8"))
    features = {f["id"]: f for f in collection["features"]}
    assert collection["type"] == "FeatureCollection"
    assert set(features) == {r[0] for r in db.execute("select event_id from events")}
    rows = db.execute("select e.event_id, e.geo_precision, e.latitude, e.longitude, p.latitude is null "
                      "from events e join places p using (place_id)")
    for event_id, precision, lat, lon, no_point in rows:
        geometry = features[event_id]["geometry"]
        if precision == 3 or no_point:  # an area, or a place with no point of its own
            assert geometry is None and lat is None and lon is None, event_id
        else:
            assert geometry == {"type": "Point", "coordinates": [lon, lat]}, event_id


async def test_canned_queries_take_a_name_as_people_type_it(datasette, db):
    """A place or an actor by any spelling the data hold, by its name or by its id: the same rows."""
    async def rows(query: str, **params) -> list[dict]:
        response = await datasette.client.get(f"/{DB}/{query}.json", params={"_shape": "array", **params})
        assert response.status_code == 200, response.text[:300]
        return response.json()

    by_id = await rows("near_a_place", place="qarmid-base", km="0")
    assert by_id
    for spelling in ("Qarmeed", "qarmid base", " Al-Qarmid "):
        assert await rows("near_a_place", place=spelling, km="0") == by_id, spelling
    # a spelling of an actor with events that is not its name and no other actor's
    actor_id, alias = db.execute(
        "select a.actor_id, aa.alias from actor_aliases aa join actors a using (actor_id) "
        "where lower(aa.alias) != lower(a.name) and a.actor_id in (select actor_id from event_actors) "
        "and lower(aa.alias) not in (select lower(alias) from actor_aliases where actor_id != a.actor_id) "
        "order by a.actor_id limit 1").fetchone()
    record = await rows("actor_record", actor=actor_id)
    assert record and await rows("actor_record", actor=alias.upper()) == record
    assert len(record) == db.execute("select count(*) from event_actors where actor_id = ?", [actor_id]).fetchone()[0]


async def test_canned_queries_hide_their_sql_and_link_their_rows(datasette, site_metadata):
    queries = site_metadata["databases"][DB]["queries"]
    assert all(query.get("hide_sql") for query in queries.values())
    page = (await datasette.client.get(f"/{DB}/actor_record", params={"actor": "jabhat-al-nusra"})).text
    assert 'id="sql-editor"' not in page and "_show_sql=1" in page
    # the ids of the results are links to their rows
    assert re.search(rf'<td class="col-event_id"><a href="/{DB}/events/[^"]+">', page)


async def test_a_row_page_links_its_foreign_keys_by_label(datasette, db):
    event_id, place_id, name = db.execute("select e.event_id, p.place_id, p.name from events e join places p "
                                          "using (place_id) order by e.event_id limit 1").fetchone()
    page = (await datasette.client.get(f"/{DB}/events/{event_id}")).text
    assert f'<a href="/{DB}/places/{place_id}">{html.escape(name, quote=False)}</a>' in page
    # the JSON keeps the id
    row = (await datasette.client.get(f"/{DB}/events/{event_id}.json", params={"_shape": "array"})).json()[0]
    assert row["place_id"] == place_id


def test_no_event_lists_its_own_attackers_as_target(db):
    """The suicide bombing at Qarmid listed its own perpetrators as target: an actor is never on both sides."""
    both = db.execute("select t.event_id, t.actor_id from event_actors t join event_actors a using (event_id, actor_id) "
                      "where t.role = 'target' and a.role in ('attacker', 'associated')").fetchall()
    assert not both, both
    bombing = db.execute("select event_id from events "
                         "where sub_event_type = 'Suicide bomb' and place_id = 'qarmid-base'").fetchone()[0]
    roles = dict(db.execute("select actor_id, role from event_actors where event_id = ?", [bombing]).fetchall())
    assert roles.get("syrian-government-forces") == "target" and roles.get("jabhat-al-nusra") != "target", roles


async def test_the_home_page_csv_link_returns_every_event_beyond_a_page(built, site_metadata, db):
    """The one-CSV link is the whole flat file (tests/test_downloads.py), so a site whose pages hold fewer rows
    than there are events (as a grown collection's will) still gives every event, not the first page without a word."""
    small_pages = site(built, site_metadata, max_returned_rows=5)
    home = (await small_pages.client.get("/")).text
    found = re.search(r'href="(/[^"]*events_flat\.csv[^"]*)"[^>]*>events with names, one CSV', home)
    response = await small_pages.client.get(html.unescape(found.group(1)))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    count = db.execute("select count(*) from events").fetchone()[0]
    assert count > 5 and sorted(r["event_id"] for r in rows) == sorted(
        r[0] for r in db.execute("select event_id from events"))

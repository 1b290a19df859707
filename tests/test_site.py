"""The Datasette site over the built database, exercised through Datasette's own test client."""

from __future__ import annotations

import csv
import io

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
    rows = list(csv.DictReader(io.StringIO(response.text)))
    expected = db.execute("select event_id from events order by event_id").fetchall()
    assert sorted(r["event_id"] for r in rows) == [r[0] for r in expected]


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
           "about", "about_url", "databases", "plugins"}
    table = {"title", "description", "description_html", "columns", "label_column", "facets", "sort", "sort_desc",
             "sortable_columns", "size", "hidden", "plugins", "fts_table", "fts_pk", "searchmode",
             "source", "source_url", "license", "license_url"}
    assert set(metadata) <= top
    for database in metadata["databases"].values():
        assert set(database) <= {"description", "description_html", "tables", "queries", "plugins", "source", "license"}
        for name, spec in database["tables"].items():
            assert set(spec or {}) <= table, name

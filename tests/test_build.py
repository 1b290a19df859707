"""The built tables: complete, keyed, sourced, valid against datapackage.json, and merged across articles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scripts.schema import load_descriptor, tables

from .conftest import DATAPACKAGE

TABLES = [t.name for t in tables(load_descriptor(DATAPACKAGE))]


def test_every_table_and_view_has_rows(db):
    # The review list of unknown names holds only the names of the seeds that the reference data does not
    # cover (the fixture build checks that it fills). The seeds carry no coding of their own:
    # collection annotations come with the FA-KES collection (tests/test_collections.py). id_redirects holds
    # rows only once a release has changed an id (seeds/id-map.csv; tests/test_id_map.py fills it).
    for name in [t for t in TABLES if t not in ("unresolved_mentions", "collection_annotations", "id_redirects")] \
            + ["events_flat"]:
        count = db.execute(f"select count(*) from [{name}]").fetchone()[0]
        assert count > 0, f"{name} is empty"


def test_a_name_known_only_with_its_list_head_goes_to_the_review_list(db):
    # "the Cairo, Tal Wasit, Tal Atram and Sawamaa checkpoints": "Cairo" alone is not an alias (Egypt), and the
    # rule that read it with the list's head fired in this one article only, so it was removed (issue 13)
    assert db.execute("select count(*) from mentions where surface = 'Cairo'").fetchone()[0] == 0
    rows = db.execute("select article_id, surface, looks_like from unresolved_mentions").fetchall()
    assert [tuple(r) for r in rows] == [("003_4fee710319d38640", "Cairo", "place")]


def test_csv_row_counts_match_the_database(built, db):
    for name in TABLES:
        lines = (built / "data" / f"{name}.csv").read_text(encoding="utf-8").count("\n")
        rows = db.execute(f"select count(*) from [{name}]").fetchone()[0]
        if name != "articles":  # article bodies contain newlines inside quoted cells
            assert lines - 1 == rows, name


def test_foreign_keys_resolve(db):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    declared = {(t, fk["table"]) for t in TABLES for fk in db.execute(f"PRAGMA foreign_key_list([{t}])")}
    assert ("events", "places") in declared and ("figures", "events") in declared
    dangling = db.execute("""
        select m.entity_type, m.entity_id from mentions m
        left join places p on m.entity_type = 'place' and p.place_id = m.entity_id
        left join actors a on m.entity_type = 'actor' and a.actor_id = m.entity_id
        where p.place_id is null and a.actor_id is null""").fetchall()
    assert dangling == []


def test_sqlite_keys_follow_the_schema(db):
    for table in tables(load_descriptor(DATAPACKAGE)):
        info = db.execute(f"PRAGMA table_info([{table.name}])").fetchall()
        pk = [row["name"] for row in sorted(info, key=lambda r: r["pk"]) if row["pk"]]
        assert tuple(pk) == table.primary_key, table.name
        assert [row["name"] for row in info] == table.columns
        fk_columns = {row["from"] for row in db.execute(f"PRAGMA foreign_key_list([{table.name}])")}
        assert fk_columns == {fk[0] for fk in table.foreign_keys}, table.name
        indexed = {col for idx in db.execute(f"PRAGMA index_list([{table.name}])")
                   for col in [r["name"] for r in db.execute(f"PRAGMA index_info([{idx['name']}])")]}
        assert fk_columns <= indexed | set(pk[:1]), f"{table.name}: unindexed foreign key"


def test_every_quote_matches_its_offsets(db):
    bodies = {row["article_id"]: row["body"] for row in db.execute("select article_id, body from articles")}
    checked = 0
    for table, text in (("event_mentions", "quote"), ("figures", "quote"), ("mentions", "surface")):
        for row in db.execute(f"select article_id, {text} as t, char_start, char_end from {table}"):
            assert bodies[row["article_id"]][row["char_start"]:row["char_end"]] == row["t"], (table, row["t"])
            checked += 1
    assert checked > 100


def test_article_bodies_are_the_seed_files(db):
    import hashlib

    from .conftest import SEEDS

    for row in db.execute("select seed_file, body, sha256 from articles"):
        raw = (SEEDS / row["seed_file"]).read_bytes()
        assert raw.decode("utf-8") == row["body"]
        assert hashlib.sha256(raw).hexdigest() == row["sha256"]


def test_full_text_search_covers_articles_events_and_figures(db):
    assert db.execute("select count(*) from articles_fts where articles_fts match 'Qarmeed'").fetchone()[0] == 1
    assert db.execute("select count(*) from events_fts where events_fts match 'airstrikes'").fetchone()[0] >= 1
    assert db.execute("select count(*) from figures_fts where figures_fts match 'civilians'").fetchone()[0] >= 1


def test_frictionless_validates_the_built_package(built):
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(frictionless), "validate", "--json", "datapackage.json"], cwd=built,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
    assert json.loads(result.stdout)["valid"] is True


def test_qarmid_base_capture_is_one_event_reported_by_two_articles(db):
    rows = db.execute("""
        select e.event_id, e.event_date, group_concat(distinct m.article_id) as articles
        from events e join event_mentions m using (event_id)
        where e.place_id = 'qarmid-base' and e.sub_event_type = 'Non-state actor overtakes territory'
        group by e.event_id""").fetchall()
    assert len(rows) == 1
    assert rows[0]["event_date"] == "2015-04-27"
    assert sorted(rows[0]["articles"].split(",")) == ["001_69ba249cb100d0c6", "003_4fee710319d38640"]


def test_jisr_al_shughur_capture_is_one_event_reported_by_two_articles(db):
    # "the Saturday capture of Jisr al-Shughur" (001) and "On Saturday, the fighters entered Jisr al-Shughur" (003)
    rows = db.execute("""
        select e.event_id, e.source_count from events e
        where e.place_id = 'jisr-al-shughur' and e.sub_event_type = 'Non-state actor overtakes territory'
          and e.event_date = '2015-04-25'""").fetchall()
    assert len(rows) == 1
    assert rows[0]["source_count"] == 2
    articles = {a for (a,) in db.execute("select article_id from event_mentions where event_id = ?", [rows[0]["event_id"]])}
    assert articles == {"001_69ba249cb100d0c6", "003_4fee710319d38640"}


def test_events_flat_has_one_row_per_event_with_names(db):
    events = db.execute("select count(*) from events").fetchone()[0]
    flat = db.execute("select * from events_flat").fetchall()
    assert len(flat) == events
    assert all(row["place"] and row["article_ids"] for row in flat)


def test_the_readme_example_query_runs_and_returns_rows(db):
    from scripts.build import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = readme.split("```sql", 1)[1].split("```", 1)[0]
    rows = db.execute(query).fetchall()
    assert rows and all(row["quote"] for row in rows)


def test_facet_and_sort_columns_lead_an_index(db, site_metadata):
    from scripts.summaries import configured_facets

    tables = site_metadata["databases"]["idlib-events"]["tables"]
    facets = configured_facets(site_metadata, "idlib-events")
    assert [column for _, column in facets["events"]][:2] == ["event_type", "sub_event_type"]
    for table, configured in facets.items():
        wanted = {column for _, column in configured} | {tables[table][k] for k in ("sort", "sort_desc") if k in tables[table]}
        leading = {db.execute(f"PRAGMA index_info([{index['name']}])").fetchone()["name"]
                   for index in db.execute(f"PRAGMA index_list([{table}])")}
        assert wanted <= leading, (table, wanted - leading)

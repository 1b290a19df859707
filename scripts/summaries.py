"""Tables the build derives in the database for the site at any size: the flat events table, summaries, facet counts.

- events_flat: one row per event with names instead of ids (scripts/sql/events_flat.sql), a table with its own
  indexes and full-text search rather than a view that joins and sub-queries on every page and every row;
- the summary tables of scripts/sql/summaries/ (the timeline, the dashboard's chart, the claims by claimant,
  the contested figures), which the canned queries and the dashboard read instead of the whole tables;
- facet_counts: the counts of every facet metadata.yml configures, over the whole table and over the rows of
  each value of each other facet, which plugins/counted_facets.py reads for a page that selects nothing or one
  facet value (the plugin's config names the table).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlite_utils import Database

from .serve import plugin_module

SQL_DIR = Path(__file__).parent / "sql"
SUMMARIES = SQL_DIR / "summaries"
FLAT = "events_flat"
FLAT_SEARCH = ["summary", "place", "actor1", "actor2", "associated_actors"]


@cache
def _facets_plugin():
    """plugins/counted_facets.py: one definition of what a facet counts, for the site and the build."""
    return plugin_module("counted_facets")


def facet_counts_table(site_metadata: dict) -> str | None:
    """The table the site's facets read their counts from (the plugin's config), if any."""
    return (site_metadata.get("plugins", {}).get(_facets_plugin().PLUGIN) or {}).get("table")


def configured_facets(site_metadata: dict, database: str) -> dict[str, list[tuple[str, str]]]:
    """(facet type, column) of every facet metadata.yml configures, per table; a plain name is a column facet."""
    tables = site_metadata.get("databases", {}).get(database, {}).get("tables", {})
    result = {}
    for name, spec in tables.items():
        facets = []
        for facet in (spec or {}).get("facets", []):
            kind, column = ("column", facet) if isinstance(facet, str) else next(iter(facet.items()))
            facets.append((kind, column if isinstance(column, str) else column["column"]))
        result[name] = facets
    return result


def write_flat_events(db: Database) -> None:
    """events_flat as a table keyed by event_id, in the order of its SQL (by date), searchable."""
    db.execute(f"CREATE TEMP VIEW flat_source AS {(SQL_DIR / f'{FLAT}.sql').read_text(encoding='utf-8')}")
    columns = [(row[1], row[2]) for row in db.execute("PRAGMA table_info(flat_source)")]
    types = {"INTEGER": int, "REAL": float, "TEXT": str}  # any other (ANY: the schema's numbers) stays as it is
    db[FLAT].create({name: types.get(kind.upper(), "ANY") for name, kind in columns}, pk="event_id")
    db.execute(f"INSERT INTO [{FLAT}] SELECT * FROM flat_source")
    db.execute("DROP VIEW flat_source")
    db[FLAT].enable_fts(FLAT_SEARCH, tokenize="porter", replace=True)


def write_summaries(db: Database) -> list[str]:
    """Every table of scripts/sql/summaries/ (named by its file); returns their names."""
    names = []
    for path in sorted(SUMMARIES.glob("*.sql")):
        db.execute(f"CREATE TABLE [{path.stem}] AS {path.read_text(encoding='utf-8')}")
        names.append(path.stem)
    return names


def write_facet_counts(db: Database, facets: dict[str, list[tuple[str, str]]], table: str) -> None:
    """`table`: the counts of every configured facet over its whole table (selected_* empty) and over the rows
    of each value of each other facet of the table (the page that selects that value; the value as text, as a
    query string gives it)."""
    classes = {klass.type: klass for klass in _facets_plugin().register_facet_classes()}
    db[table].create({"table_name": str, "selected_facet": str, "selected_column": str, "selected_value": str,
                      "facet": str, "column_name": str, "value": "ANY", "count": int},
                     pk=("table_name", "selected_facet", "selected_column", "selected_value", "facet", "column_name",
                         "value"))
    for name, configured in sorted(facets.items()):
        counted = [(kind, column, *classes[kind].value_sql(column)) for kind, column in configured if kind in classes]
        if name not in db.table_names():
            continue
        for kind, column, value, condition in counted:
            db.execute(f"INSERT INTO [{table}] SELECT ?, '', '', '', ?, ?, {value}, count(*) FROM [{name}] "
                       f"WHERE {condition} GROUP BY {value}", [name, kind, column])
            for chosen_kind, chosen_column, chosen, chosen_condition in counted:
                db.execute(f"INSERT INTO [{table}] SELECT ?, ?, ?, CAST({chosen} AS TEXT), ?, ?, {value}, count(*) "
                           f"FROM [{name}] WHERE {chosen_condition} AND {condition} GROUP BY {chosen}, {value}",
                           [name, chosen_kind, chosen_column, kind, column])

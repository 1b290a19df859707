"""Load the validated CSVs into SQLite with sqlite-utils: keys, indexes, full-text search and views."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlite_utils import Database

from .schema import SQLITE_TYPES, Table

SQL_DIR = Path(__file__).parent / "sql"
VIEWS = ("events_flat",)
# Searched from the site's one search box (datasette-search-all); the alias tables make every spelling
# of a place or actor find it ("Qarmeed" and "Qarmid").
FULL_TEXT = {"articles": ["title", "body"], "events": ["summary"], "figures": ["quote"],
             "place_aliases": ["alias"], "actor_aliases": ["alias"]}
# A search of the events (`_search`, and so the search page) reads a second index: their summary and every
# spelling of their place and actors, filled from sql/events_search.sql (metadata.yml names it as the events'
# fts_table). It keeps no text of its own (contentless FTS5): only its rowids, the events', are read back.
# events_fts above stays, so that Datasette and the search page know the events are searchable.
EVENTS_SEARCH_TABLE = "events_search_fts"
EVENTS_SEARCH = ("summary", "place_names", "actor_names")


def _typed(value: str, kind: str):
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return 1 if value == "true" else 0
    return value


def _read_csv(table: Table, path: Path) -> list[dict]:
    kinds = {f["name"]: f["type"] for f in table.fields}
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: _typed(v, kinds[k]) for k, v in row.items()} for row in csv.DictReader(handle)]


def facet_columns(site_metadata: dict, database: str) -> dict[str, list[str]]:
    """Columns the Datasette metadata facets or sorts on, per table: they get indexes."""
    result: dict[str, list[str]] = {}
    tables = site_metadata.get("databases", {}).get(database, {}).get("tables", {})
    for name, spec in tables.items():
        columns = []
        for facet in spec.get("facets", []):
            columns.append(facet if isinstance(facet, str) else next(iter(facet.values())))
        columns += [spec[k] for k in ("sort", "sort_desc") if k in spec]
        result[name] = list(dict.fromkeys(columns))
    return result


def load_database(db_path: Path, tables: list[Table], csv_dir: Path, indexed: dict[str, list[str]]) -> None:
    """Create `db_path` from the CSVs in `csv_dir`, typed and keyed by the data package schema."""
    db = Database(db_path, recreate=True)
    for table in tables:
        columns = {f["name"]: SQLITE_TYPES[f["type"]] for f in table.fields}
        required = {f["name"] for f in table.fields if f.get("constraints", {}).get("required")}
        outward = [fk for fk in table.foreign_keys if fk[1] != table.name]
        pk = table.primary_key[0] if len(table.primary_key) == 1 else list(table.primary_key)
        db[table.name].create(columns, pk=pk, not_null=required, foreign_keys=outward)
        for column, _, other_column in (fk for fk in table.foreign_keys if fk[1] == table.name):
            db[table.name].add_foreign_key(column, table.name, other_column)
        db[table.name].insert_all(_read_csv(table, csv_dir / f"{table.name}.csv"))
    db.index_foreign_keys()
    for name, columns in sorted(indexed.items()):
        for column in columns:
            if name in db.table_names() and column in db[name].columns_dict:
                db[name].create_index([column], if_not_exists=True)
    for name, columns in FULL_TEXT.items():
        db[name].enable_fts(columns, tokenize="porter", replace=True)
    _events_search(db)
    for view in VIEWS:
        db.create_view(view, (SQL_DIR / f"{view}.sql").read_text(encoding="utf-8"), replace=True)
    db.execute("ANALYZE")
    db.conn.commit()
    db.close()


def _events_search(db: Database) -> None:
    """The events' summaries with the spellings of their places and actors (see EVENTS_SEARCH_TABLE)."""
    columns = ", ".join(EVENTS_SEARCH)
    db.execute(f"CREATE VIRTUAL TABLE {EVENTS_SEARCH_TABLE} USING FTS5 ({columns}, tokenize='porter', content='')")
    rows = db.execute((SQL_DIR / "events_search.sql").read_text(encoding="utf-8")).fetchall()
    db.conn.executemany(f"INSERT INTO {EVENTS_SEARCH_TABLE} (rowid, {columns}) "
                        f"VALUES (?, {', '.join('?' * len(EVENTS_SEARCH))})", rows)

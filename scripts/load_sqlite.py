"""Load the validated CSVs into SQLite with sqlite-utils: keys, indexes, full-text search and derived tables."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from .schema import SQLITE_TYPES, Table
from .summaries import configured_facets, facet_counts_table, write_facet_counts, write_flat_events, write_summaries

SQL_DIR = Path(__file__).parent / "sql"
# A new file in a new build folder, abandoned whole if the build fails: no rollback journal, no waits for the
# disk, and a large page cache (256 MiB) for building the indexes.
BUILD_PRAGMAS = ("journal_mode = OFF", "synchronous = OFF", "cache_size = -262144")
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


def read_typed_csv(table: Table, path: Path) -> Iterator[dict]:
    """The rows of a table's CSV, typed by its schema, one at a time (a large table is never held whole)."""
    kinds = {f["name"]: f["type"] for f in table.fields}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield {k: _typed(v, kinds[k]) for k, v in row.items()}


def page_indexes(site_metadata: dict, database: str, keys: dict[str, list[str]]) -> dict[str, list[tuple[str, ...]]]:
    """The indexes a table's pages need, from its configured facets and sort (`keys`: each table's primary key).
    One led by the sort column, then the key; and for each faceted column one led by it, then the sort column,
    the key and the other faceted columns. A page finds its rows in an index in the page's order, and a page
    that selects a value counts every other facet from the index alone. The key right after the sort column
    orders rows of the same date by their key, as Datasette's next pages expect: its first page is ordered by
    the sort column alone, the next ones by the sort column and the key, so with rows of one date ordered
    otherwise a page boundary among them repeats some and skips others (100,000 events streamed as CSV gave 14
    rows twice and lost 2)."""
    result = {}
    tables = site_metadata.get("databases", {}).get(database, {}).get("tables", {})
    for name, facets in configured_facets(site_metadata, database).items():
        spec, key = tables.get(name) or {}, keys.get(name, [])
        sort = [spec[k] for k in ("sort", "sort_desc") if k in spec]
        faceted = list(dict.fromkeys(column for _, column in facets))
        wanted = [tuple(dict.fromkeys([column, *key, *faceted])) for column in sort]
        wanted += [tuple(dict.fromkeys([column, *sort, *key, *faceted])) for column in faceted]
        result[name] = [index for index in dict.fromkeys(wanted) if list(index) != key]
    return result


def load_database(db_path: Path, tables: list[Table], csv_dir: Path, site_metadata: dict, database: str) -> None:
    """Create `db_path` from the CSVs in `csv_dir`, typed and keyed by the data package schema, with the
    indexes, full-text search and derived tables the site of `site_metadata` reads (scripts/summaries.py)."""
    db = Database(db_path, recreate=True)
    for pragma in BUILD_PRAGMAS:
        db.execute(f"PRAGMA {pragma}")
    for table in tables:
        columns = {f["name"]: SQLITE_TYPES[f["type"]] for f in table.fields}
        required = {f["name"] for f in table.fields if f.get("constraints", {}).get("required")}
        outward = [fk for fk in table.foreign_keys if fk[1] != table.name]
        pk = table.primary_key[0] if len(table.primary_key) == 1 else list(table.primary_key)
        db[table.name].create(columns, pk=pk, not_null=required, foreign_keys=outward)
        for column, _, other_column in (fk for fk in table.foreign_keys if fk[1] == table.name):
            db[table.name].add_foreign_key(column, table.name, other_column)
        db[table.name].insert_all(read_typed_csv(table, csv_dir / f"{table.name}.csv"))
    db.index_foreign_keys()
    for name, columns in FULL_TEXT.items():
        db[name].enable_fts(columns, tokenize="porter", replace=True)
    _events_search(db)
    write_flat_events(db)
    write_summaries(db)
    keys = {name: db[name].pks for name in db.table_names()}
    _index(db, page_indexes(site_metadata, database, keys))
    counts_table = facet_counts_table(site_metadata)
    if counts_table:
        write_facet_counts(db, configured_facets(site_metadata, database), counts_table)
    db.execute("ANALYZE")
    db.conn.commit()
    db.close()


def _index(db: Database, indexes: dict[str, list[tuple[str, ...]]]) -> None:
    for name, wanted in sorted(indexes.items()):
        if name not in db.table_names():
            continue
        for columns in wanted:
            if set(columns) <= set(db[name].columns_dict):
                db[name].create_index(list(columns), if_not_exists=True)


def _events_search(db: Database) -> None:
    """The events' summaries with the spellings of their places and actors (see EVENTS_SEARCH_TABLE)."""
    columns = ", ".join(EVENTS_SEARCH)
    db.execute(f"CREATE VIRTUAL TABLE {EVENTS_SEARCH_TABLE} USING FTS5 ({columns}, tokenize='porter', content='')")
    rows = db.execute((SQL_DIR / "events_search.sql").read_text(encoding="utf-8")).fetchall()
    db.conn.executemany(f"INSERT INTO {EVENTS_SEARCH_TABLE} (rowid, {columns}) "
                        f"VALUES (?, {', '.join('?' * len(EVENTS_SEARCH))})", rows)

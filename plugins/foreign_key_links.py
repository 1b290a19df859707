"""Datasette plugin: ids are links to their rows, shown by the rows' labels, on row pages and in query results.

Datasette links foreign keys, with their labels, on table pages only; on a row page (an event's
`place_id`, `actor1_id`) it prints the bare id, and in a canned query's results (`event_id` of an
actor's record) too. Here a cell whose column is a foreign key of its table, and that Datasette has not
already expanded, or a query's column named as a table's one-column primary key (`event_id`,
`article_id`, `place_id`, `actor_id`, `figure_id`), becomes a link to that row with its table's label
("Qarmid base") and the id beside it. Only HTML pages change: JSON and CSV keep the ids.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import escape_sqlite, tilde_encode
from markupsafe import Markup

_FOREIGN: dict[tuple[int, str, str], dict[str, tuple[str, str]]] = {}  # (database, table) → column → its target
_KEYED: dict[tuple[int, str], dict[str, str]] = {}  # per database: one-column primary key → its table
_LABELS: dict[tuple[int, str, str], str | None] = {}  # per database: table → its label column
# The database is immutable: what its tables are is read once, so that a page of thousands of cells costs no
# look-up for a cell whose column is no key (the answer is known before any query).


async def _foreign_keys(db, table: str) -> dict[str, tuple[str, str]]:
    """column → (other table, other column) for every foreign key of `table`."""
    key = (id(db), db.name, table)
    if key not in _FOREIGN:
        _FOREIGN[key] = {fk["column"]: (fk["other_table"], fk["other_column"])
                         for fk in await db.foreign_keys_for_table(table)}
    return _FOREIGN[key]


async def _keyed_tables(db) -> dict[str, str]:
    """One-column primary key → the one table it keys. A key that two tables share (events and events_flat:
    event_id) is the one other tables refer to by it; if none or both are, it links nowhere."""
    if (id(db), db.name) not in _KEYED:
        hidden, tables, referenced = set(await db.hidden_table_names()), {}, set()
        for table in await db.table_names():
            primary = await db.primary_keys(table)
            if table not in hidden and len(primary) == 1:
                tables.setdefault(primary[0], []).append(table)
            referenced |= set((await _foreign_keys(db, table)).values())
        keyed = {}
        for key, found in tables.items():
            chosen = found if len(found) == 1 else [t for t in found if (t, key) in referenced]
            if len(chosen) == 1:
                keyed[key] = chosen[0]
        _KEYED[(id(db), db.name)] = keyed
    return _KEYED[(id(db), db.name)]


async def _label_column(db, table: str) -> str | None:
    key = (id(db), db.name, table)
    if key not in _LABELS:
        _LABELS[key] = await db.label_column_for_table(table)
    return _LABELS[key]


def _known_not_a_key(db, table: str | None, column: str) -> bool:
    """True when what is already read says this column links nowhere (no query needed)."""
    if table is not None:
        known = _FOREIGN.get((id(db), db.name, table))
        return known is not None and column not in known
    keyed = _KEYED.get((id(db), db.name))
    return not column.endswith("_id") or (keyed is not None and column not in keyed)


@hookimpl
def render_cell(value, column, table, database, datasette):
    if value is None or isinstance(value, dict):
        return None
    db = datasette.get_database(database)
    if _known_not_a_key(db, table, column):
        return None

    async def linked():
        if table is None:
            other = (await _keyed_tables(db)).get(column)
            target = (other, column) if other else None
        else:
            target = (await _foreign_keys(db, table)).get(column)
        if target is None:
            return None
        other, other_column = target
        label = None
        label_column = await _label_column(db, other)
        if label_column and label_column != other_column:
            found = (await db.execute(f"select {escape_sqlite(label_column)} from {escape_sqlite(other)} "
                                      f"where {escape_sqlite(other_column)} = ?", [value])).first()
            label = found[0] if found else None
        href = datasette.urls.row(database, other, tilde_encode(str(value)))
        if label is None or str(label) == str(value):
            return Markup('<a href="{}">{}</a>').format(href, value)
        return Markup('<a href="{}">{}</a> <span class="value-label">{}</span>').format(href, label, value)

    return linked

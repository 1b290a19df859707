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


async def _foreign_key(db, table: str, column: str) -> tuple[str, str] | None:
    """(other table, other column) when `column` is a foreign key of `table`."""
    key = next((fk for fk in await db.foreign_keys_for_table(table) if fk["column"] == column), None)
    return (key["other_table"], key["other_column"]) if key else None


_KEYED: dict[tuple[int, str], dict[str, str]] = {}  # per database: one-column primary key → its table


async def _keyed_table(db, column: str) -> tuple[str, str] | None:
    """(table, column) of the one table whose one-column primary key is named `column`, if there is one.
    The database is immutable, so the keys are read once."""
    if (id(db), db.name) not in _KEYED:
        hidden, tables, referenced = set(await db.hidden_table_names()), {}, set()
        for table in await db.table_names():
            primary = await db.primary_keys(table)
            if table not in hidden and len(primary) == 1:
                tables.setdefault(primary[0], []).append(table)
            referenced |= {(fk["other_table"], fk["other_column"]) for fk in await db.foreign_keys_for_table(table)}
        # a key that two tables share (events and events_flat: event_id) is the one other tables refer to by it;
        # if none or both are, it links nowhere
        keyed = {}
        for key, found in tables.items():
            chosen = found if len(found) == 1 else [t for t in found if (t, key) in referenced]
            if len(chosen) == 1:
                keyed[key] = chosen[0]
        _KEYED[(id(db), db.name)] = keyed
    table = _KEYED[(id(db), db.name)].get(column)
    return (table, column) if table else None


@hookimpl
def render_cell(value, column, table, database, datasette):
    if value is None or isinstance(value, dict) or (table is None and not column.endswith("_id")):
        return None

    async def linked():
        db = datasette.get_database(database)
        target = await (_keyed_table(db, column) if table is None else _foreign_key(db, table, column))
        if target is None:
            return None
        other, other_column = target
        label = None
        label_column = await db.label_column_for_table(other)
        if label_column:
            found = (await db.execute(f"select {escape_sqlite(label_column)} from {escape_sqlite(other)} "
                                      f"where {escape_sqlite(other_column)} = ?", [value])).first()
            label = found[0] if found else None
        href = datasette.urls.row(database, other, tilde_encode(str(value)))
        if label is None or str(label) == str(value):
            return Markup('<a href="{}">{}</a>').format(href, value)
        return Markup('<a href="{}">{}</a> <span class="value-label">{}</span>').format(href, label, value)

    return linked

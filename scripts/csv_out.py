"""Write table rows as deterministic CSV: schema column order, rows sorted by primary key, LF endings."""

from __future__ import annotations

import csv
from pathlib import Path

from .errors import BuildError
from .schema import Table


def format_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _sort_key(table: Table):
    def key(row: dict):
        return tuple((row[c] is None, row[c] if row[c] is not None else "") for c in table.primary_key)
    return key


def write_table(table: Table, rows: list[dict], path: Path) -> None:
    """Write `rows` to `path`; every row must have exactly the schema's columns."""
    columns = table.columns
    for row in rows:
        if set(row) != set(columns):
            extra, missing = sorted(set(row) - set(columns)), sorted(set(columns) - set(row))
            raise BuildError(f"datapackage.json: the {table.name} table's fields differ from the columns the build "
                             f"writes: {'lacks ' + ', '.join(extra) if extra else ''}"
                             f"{'; ' if extra and missing else ''}{'has no data for ' + ', '.join(missing) if missing else ''}")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in sorted(rows, key=_sort_key(table)):
            writer.writerow([format_value(row[c]) for c in columns])

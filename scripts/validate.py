"""Validate the written data package with Frictionless and turn its report into one build error.

Each problem is told by what it is about: the table and its file as published (data/events.csv), the
row's key, its article and the quote it comes from, then the field and Frictionless's message. The build
folder the CSVs sit in while they are checked is deleted when the build stops, so its paths and row
numbers would help nobody: a message naming a file there names it as published instead. A descriptor
Frictionless cannot read at all is one error naming the source datapackage.json.
"""

from __future__ import annotations

import csv
from pathlib import Path

from frictionless import Package

from .errors import BuildError

REPORT_COLUMNS = ["rowNumber", "fieldName", "type", "message"]
MAX_LINES = 20
QUOTE_CHARS = 120


def _rows_by_number(path: Path) -> dict[int, dict[str, str]]:
    """The CSV's rows by Frictionless's row number (the header is row 1)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return dict(enumerate(csv.DictReader(handle), start=2))
    except (OSError, UnicodeDecodeError):
        return {}


def _row_label(table: str, path: str, row: dict[str, str] | None, key: list[str]) -> str:
    if row is None:
        return f"{table} ({path})" if path else table
    label = f"{table} " + ", ".join(f"{column} {row.get(column, '')!r}" for column in key if column in row)
    about = [path] if path else []
    if row.get("article_id") and "article_id" not in key:
        about.append(f"article {row['article_id']}")
    label += f" ({', '.join(about)})" if about else ""
    quote = " ".join((row.get("quote") or row.get("summary") or "").split())  # an event's summary is its first quote
    if quote:
        label += f", quote “{quote[:QUOTE_CHARS]}{'…' if len(quote) > QUOTE_CHARS else ''}”"
    return label


def _as_published(message: str, folder: Path) -> str:
    """`message` with the build folder's paths written as the published files' (data/events.csv)."""
    for prefix in {str(folder.resolve()), str(folder)}:
        message = message.replace(prefix + "/", "")
    return message


def validate_package(descriptor_path: Path, source: Path | None = None) -> None:
    """Raise BuildError naming each offending row by its key, article and quote, if the package is invalid.
    `source` is the datapackage.json the schema was written in (named when the descriptor itself is bad)."""
    source = source or descriptor_path
    folder = descriptor_path.parent
    try:
        package = Package(str(descriptor_path))
        report = package.validate()
    except Exception as exc:  # noqa: BLE001 - Frictionless raises its own and Python's errors on a bad schema
        raise BuildError(f"{source}: Frictionless cannot check the data against this schema: "
                         f"{_as_published(str(exc), folder)}") from None
    if report.valid:
        return
    lines = []
    for task in report.tasks:
        resource = package.get_resource(task.name) if package.has_resource(task.name) else None
        key = resource.schema.primary_key if resource is not None else []
        path = resource.path if resource is not None else ""
        rows = _rows_by_number(folder / path) if resource is not None else {}
        for row_number, field, kind, message in task.flatten(REPORT_COLUMNS):
            where = f"{_row_label(task.name, path, rows.get(row_number), key)}" + (f": field {field}" if field else "")
            lines.append(f"  {where}: [{kind}] {_as_published(message, folder)}")
    for error in report.errors:
        lines.append(f"  {source.name}: [{error.type}] {_as_published(error.message, folder)}")
    shown = lines[:MAX_LINES] + ([f"  ... and {len(lines) - MAX_LINES} more"] if len(lines) > MAX_LINES else [])
    raise BuildError(f"the data break the schema of {source} (frictionless validate):\n" + "\n".join(shown))

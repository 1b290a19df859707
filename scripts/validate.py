"""Validate the written data package with Frictionless and turn its report into one build error.

Each problem is told by what it is about: the table, the row's key, its article and the quote it comes
from, then the field and Frictionless's message. The staging folder the CSVs sit in while they are
checked is deleted when the build stops, so its paths and row numbers would help nobody.
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


def _row_label(table: str, row: dict[str, str] | None, key: list[str]) -> str:
    if row is None:
        return f"{table}"
    label = f"{table} " + ", ".join(f"{column} {row.get(column, '')!r}" for column in key if column in row)
    if row.get("article_id") and "article_id" not in key:
        label += f" (article {row['article_id']})"
    quote = " ".join((row.get("quote") or row.get("summary") or "").split())  # an event's summary is its first quote
    if quote:
        label += f", quote “{quote[:QUOTE_CHARS]}{'…' if len(quote) > QUOTE_CHARS else ''}”"
    return label


def validate_package(descriptor_path: Path) -> None:
    """Raise BuildError naming each offending row by its key, article and quote, if the package is invalid."""
    package = Package(str(descriptor_path))
    report = package.validate()
    if report.valid:
        return
    lines = []
    for task in report.tasks:
        resource = package.get_resource(task.name) if package.has_resource(task.name) else None
        key = resource.schema.primary_key if resource is not None else []
        rows = _rows_by_number(descriptor_path.parent / resource.path) if resource is not None else {}
        for row_number, field, kind, message in task.flatten(REPORT_COLUMNS):
            lines.append(f"  {_row_label(task.name, rows.get(row_number), key)}: field {field}: [{kind}] {message}")
    for error in report.errors:
        lines.append(f"  datapackage.json: [{error.type}] {error.message}")
    shown = lines[:MAX_LINES] + ([f"  ... and {len(lines) - MAX_LINES} more"] if len(lines) > MAX_LINES else [])
    raise BuildError("the data break the schema of datapackage.json (frictionless validate):\n" + "\n".join(shown))

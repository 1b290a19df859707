"""Validate the written data package with Frictionless and turn its report into one build error."""

from __future__ import annotations

from pathlib import Path

from frictionless import Package

from .errors import BuildError

REPORT_COLUMNS = ["rowNumber", "fieldName", "type", "message"]
MAX_LINES = 20


def validate_package(descriptor_path: Path) -> None:
    """Raise BuildError carrying frictionless's own report (file, row, field) if the package is invalid."""
    report = Package(str(descriptor_path)).validate()
    if report.valid:
        return
    lines = []
    for task in report.tasks:
        for error in task.flatten(REPORT_COLUMNS):
            row, field, kind, message = error
            lines.append(f"  {task.place}: row {row}, field {field}: [{kind}] {message}")
    for error in report.errors:
        lines.append(f"  {descriptor_path}: [{error.type}] {error.message}")
    shown = lines[:MAX_LINES] + ([f"  ... and {len(lines) - MAX_LINES} more"] if len(lines) > MAX_LINES else [])
    raise BuildError(f"{descriptor_path}: the data break the schema (frictionless validate):\n" + "\n".join(shown))

"""Read the table schema from datapackage.json: the one place column names, types and keys are written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from frictionless import Package

from .errors import BuildError

# A number column is declared ANY, which SQLite gives NUMERIC affinity: a whole number is stored as an integer
# (2, 1100000, not 2.0, 1100000.0, on the site and in its JSON and CSV), a fraction as a real (2.5).
SQLITE_TYPES = {"string": str, "integer": int, "number": "ANY", "date": str, "boolean": int}


@dataclass(frozen=True)
class Table:
    """One resource of the data package."""

    name: str
    title: str
    description: str
    fields: tuple[dict, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...]  # (column, other table, other column)

    @property
    def columns(self) -> list[str]:
        return [f["name"] for f in self.fields]


def load_descriptor(path: Path) -> dict:
    """The descriptor, checked against the Data Package standard (Frictionless's own profiles): a resource
    without a name or a key naming a column the table lacks is one error line, not a traceback later."""
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"{path}: cannot read the data package descriptor ({exc})") from None
    report = Package.validate_descriptor(descriptor) if isinstance(descriptor, dict) else None
    if report is None or not report.valid:
        problem = report.errors[0].message if report is not None else "not a JSON object"
        raise BuildError(f"{path}: not a valid data package descriptor: {' '.join(problem.split())}")
    return descriptor


def tables(descriptor: dict) -> list[Table]:
    """Resources in descriptor order (parents before the tables that reference them)."""
    result = []
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        pk = schema.get("primaryKey", [])
        pk = (pk,) if isinstance(pk, str) else tuple(pk)
        fks = []
        for fk in schema.get("foreignKeys", []):
            column = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
            ref_fields = fk["reference"]["fields"]
            ref_column = ref_fields if isinstance(ref_fields, str) else ref_fields[0]
            fks.append((column, fk["reference"]["resource"] or resource["name"], ref_column))
        result.append(Table(resource["name"], resource.get("title", ""), resource.get("description", ""),
                            tuple(schema["fields"]), pk, tuple(fks)))
    return result

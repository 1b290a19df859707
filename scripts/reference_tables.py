"""Check the CSV files of seeds/reference/ against their Frictionless Table Schemas (schemas/reference/).

schemas/reference/datapackage.json lists the files; each one's columns, types, constraints, primary key
and foreign keys are written once, in the Table Schema it names there. The build checks a reference
folder with them before reading it (scripts/reference.py), and so do the tests. The first problem is one
BuildError naming the file, its line, the row's key, the column and what is wrong; what a schema cannot
say (a point inside its governorate's box, a place_id unique across two files) scripts/reference.py checks.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path

from frictionless import Package

from .csv_in import read_csv_rows
from .errors import BuildError
from .shapes import SCHEMAS

TABLES = SCHEMAS / "reference"
DESCRIPTOR = TABLES / "datapackage.json"
_WANTED = {"integer": "a whole number", "number": "a number"}
_CONSTRAINT = re.compile(r'constraint "(\w+)"')


@cache
def _descriptor_text() -> str:
    """The package descriptor with each resource's schema file read in, as JSON (a fresh copy per use)."""
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource["schema"] = json.loads((TABLES / resource["schema"]).read_text(encoding="utf-8"))
    return json.dumps(descriptor)


def resources() -> list[dict]:
    """The resources of the reference package: name, path (in the reference folder) and Table Schema."""
    return json.loads(_descriptor_text())["resources"]


def table_schema(path_name: str) -> dict:
    """The Table Schema of the reference file named `path_name` (places.csv)."""
    return next(r["schema"] for r in resources() if r["path"] == path_name)


def columns(path_name: str) -> tuple[str, ...]:
    """The columns of the reference file named `path_name`, in order."""
    return tuple(field["name"] for field in table_schema(path_name)["fields"])


def check_tables(ref_dir: Path) -> None:
    """Raise BuildError for the first problem of the reference CSVs in `ref_dir` (in the descriptor's order)."""
    for resource in resources():
        path = ref_dir / resource["path"]
        if not path.is_file():
            raise BuildError(f"{path}: reference file not found")
        read_csv_rows(path)  # not UTF-8, a control character, an unquoted comma: its own one-line error
    descriptor = json.loads(_descriptor_text())
    report = Package(descriptor, basepath=str(ref_dir.resolve())).validate()
    if report.valid:
        return
    for task, resource in zip(report.tasks, descriptor["resources"], strict=True):
        blank = {e.row_number for e in task.errors if e.type == "blank-row"}  # blank lines are skipped, as csv does
        found = [e for e in task.errors if getattr(e, "row_number", None) not in blank and _matters(e, resource)]
        if found:
            raise BuildError(_message(ref_dir / resource["path"], found[0], resource["schema"]))
    if report.errors:  # about the descriptor itself
        raise BuildError(f"{DESCRIPTOR.relative_to(SCHEMAS.parent)}: {report.errors[0].message}")


def _matters(error, resource: dict) -> bool:
    """Whether an error is a problem: a short row leaves its last columns empty, which only a required
    column minds."""
    if error.type != "missing-cell":
        return True
    return bool(_field(resource["schema"], error.field_name).get("constraints", {}).get("required"))


def _field(schema: dict, name: str) -> dict:
    return next((field for field in schema["fields"] if field["name"] == name), {})


def _record_lines(path: Path) -> list[int]:
    """The line each CSV record ends on, the header first (Frictionless numbers records from 1)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        return [reader.line_num for _ in reader]


def _message(path: Path, error, schema: dict) -> str:
    row_number = getattr(error, "row_number", None)
    if row_number is None:
        return f"{path}, line 1 (the header): {_header_problem(error)}"
    lines = _record_lines(path)
    line = lines[row_number - 1] if row_number <= len(lines) else row_number
    key = schema.get("primaryKey") or []
    cells = dict(zip([f["name"] for f in schema["fields"]], error.cells, strict=False))
    label = ", ".join(f"{column} {cells[column]!r}" for column in key if cells.get(column))
    return f"{path}, line {line}{f' ({label})' if label else ''}: {_problem(error, schema, lines, path.name)}"


def _header_problem(error) -> str:
    if error.type == "incorrect-label":
        return f"column {error.field_number} is {error.label!r}, the schema's is {error.field_name!r}"
    if error.type == "missing-label":
        return f"column {error.field_name!r} is missing"
    if error.type == "extra-label":
        return f"column {error.label!r} is not in the schema"
    return error.message


def _problem(error, schema: dict, lines: list[int], file_name: str) -> str:
    """What is wrong with the row of `file_name`, in the words of its schema."""
    if error.type == "type-error":
        field = _field(schema, error.field_name)
        return f"{error.field_name}: expected {_WANTED.get(field['type'], field['type'])}, got {error.cell!r}"
    if error.type in ("constraint-error", "missing-cell"):
        return f"{error.field_name}: {_broken(error, _field(schema, error.field_name))}"
    if error.type in ("primary-key", "unique-error"):
        key = [error.field_name] if error.type == "unique-error" else schema["primaryKey"]
        other = re.search(r"position (\d+)", error.note)
        where = f" (also on line {lines[int(other.group(1)) - 1]})" if other else ""
        return f"duplicate {', '.join(key)}{where}" if other else f"{', '.join(key)}: missing value (required)"
    if error.type == "foreign-key":
        values = ", ".join(f"{f} {c!r}" for f, c in zip(error.field_names, error.field_cells, strict=True))
        target = next((r["path"] for r in resources() if r["name"] == error.reference_name), file_name)
        return (f"{values} is not in {target} "
                f"(column{'s' if len(error.reference_field_names) > 1 else ''} {', '.join(error.reference_field_names)})")
    return error.message


def _broken(error, field: dict) -> str:
    """Which constraint of `field` the cell breaks, said plainly."""
    constraints = field.get("constraints", {})
    found = _CONSTRAINT.search(error.note or "")
    constraint = found.group(1) if found else "required"
    if constraint == "required":
        return "missing value (required)"
    if constraint in ("minimum", "maximum"):
        bounds = [str(constraints[k]) for k in ("minimum", "maximum") if k in constraints]
        return f"{error.cell!r} is not " + (f"between {bounds[0]} and {bounds[1]}" if len(bounds) == 2 else
                                            f"{'at least' if constraint == 'minimum' else 'at most'} {bounds[0]}")
    if constraint == "enum":
        return f"{error.cell!r} is not one of {', '.join(map(str, constraints['enum']))}"
    if constraint == "pattern":
        return f"{error.cell!r} is not {field.get('description') or 'of the form ' + constraints['pattern']}"
    return f"{error.cell!r} breaks the constraint {constraint} {constraints.get(constraint)!r}"

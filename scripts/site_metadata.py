"""Write the Datasette metadata the site serves: metadata.yml plus descriptions from datapackage.json."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from .errors import BuildError
from .schema import Table

DATABASE = "idlib-events"


def read_site_metadata(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot read the Datasette metadata ({exc})") from None


def with_descriptions(site: dict, tables: list[Table], views: dict[str, list[str]]) -> dict:
    """A copy of the hand-kept metadata with every table and column described from the schema."""
    merged = copy.deepcopy(site)
    db = merged.setdefault("databases", {}).setdefault(DATABASE, {})
    db_tables = db.setdefault("tables", {})
    by_name = {t.name: t for t in tables}
    for table in tables:
        spec = db_tables.setdefault(table.name, {}) or {}
        db_tables[table.name] = spec
        spec.setdefault("title", table.title)
        spec.setdefault("description", table.description)
        columns = spec.setdefault("columns", {})
        for field in table.fields:
            columns.setdefault(field["name"], field.get("description", ""))
    events = {f["name"]: f.get("description", "") for f in by_name["events"].fields}
    for name, view_columns in views.items():  # views borrow the descriptions of event columns
        columns = db_tables.setdefault(name, {}).setdefault("columns", {})
        for column in view_columns:
            if column in events:
                columns.setdefault(column, events[column])
        missing = [c for c in view_columns if not columns.get(c)]
        if missing:
            raise BuildError(f"metadata.yml: view {name} has undescribed column(s) {', '.join(missing)}")
    return merged


def write_site_metadata(metadata: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")

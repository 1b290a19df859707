"""The site's configuration in Datasette 1.0's form, split from the 0.65 metadata the build writes.

Datasette 1.0 reads two files: `datasette.yaml` (`-c`) configures the site (settings, plugins, canned
queries, table options such as facets and sort, extra CSS/JS) and the metadata file (`-m`) only describes it
(titles, descriptions, licence, source, column descriptions). The build writes both beside build/metadata.yml
(the 0.65 file the site serves), from that same dictionary and scripts/serve.py's SETTINGS, so nothing is kept
twice: every key of the 0.65 metadata lands in exactly one of the two (tests/test_datasette1.py).

Which keys configure, as Datasette 1.0a41 reads them (datasette/app.py and `move_plugins_and_allow`,
`move_table_config` in datasette/utils): `plugins` and `allow` at any level; `extra_css_urls`, `extra_js_urls`
and `settings` at the top; `queries` of a database; the table options below of a table.
"""

from __future__ import annotations

import copy
from pathlib import Path

from .serve import SETTINGS
from .site_metadata import write_site_metadata

CONFIG_FILE = "datasette.yaml"  # Datasette 1.0's configuration (`datasette serve -c`)
METADATA_FILE = "metadata-1.0.yml"  # Datasette 1.0's metadata (`datasette serve -m`): descriptions only
CONFIG_AT_ANY_LEVEL = ("plugins", "allow")
INSTANCE_CONFIG = ("extra_css_urls", "extra_js_urls")
DATABASE_CONFIG = ("queries",)
TABLE_CONFIG = ("hidden", "sort", "sort_desc", "size", "sortable_columns", "label_column", "facets", "fts_table",
                "fts_pk", "searchmode")


def _split_level(spec: dict, config_keys: tuple[str, ...]) -> tuple[dict, dict]:
    """(description, configuration) of one level of the metadata; `databases` and `tables` are left to the caller."""
    described, configured = {}, {}
    for key, value in spec.items():
        if key in CONFIG_AT_ANY_LEVEL or key in config_keys:
            configured[key] = copy.deepcopy(value)
        elif key not in ("databases", "tables"):
            described[key] = copy.deepcopy(value)
    return described, configured


def split_metadata(metadata: dict, settings: dict | None = None) -> tuple[dict, dict]:
    """(Datasette 1.0 metadata, Datasette 1.0 configuration) of the 0.65 `metadata`, with `settings`
    (scripts/serve.py's SETTINGS unless given) in the configuration. A level left with nothing is left out."""
    described, configured = _split_level(metadata, INSTANCE_CONFIG)
    configured = {"settings": dict(SETTINGS if settings is None else settings), **configured}
    for database_name, database in (metadata.get("databases") or {}).items():
        database_described, database_configured = _split_level(database, DATABASE_CONFIG)
        for table_name, table in (database.get("tables") or {}).items():
            table_described, table_configured = _split_level(table or {}, TABLE_CONFIG)
            if table_described or not table_configured:  # an empty table stays, in the metadata
                database_described.setdefault("tables", {})[table_name] = table_described
            if table_configured:
                database_configured.setdefault("tables", {})[table_name] = table_configured
        if database_described or not database_configured:
            described.setdefault("databases", {})[database_name] = database_described
        if database_configured:
            configured.setdefault("databases", {})[database_name] = database_configured
    return described, configured


def write_datasette1(metadata: dict, folder: Path) -> None:
    """Write the 1.0 form of the 0.65 `metadata` into `folder`: CONFIG_FILE and METADATA_FILE."""
    described, configured = split_metadata(metadata)
    write_site_metadata(described, folder / METADATA_FILE)
    write_site_metadata(configured, folder / CONFIG_FILE)

"""The build's Datasette 1.0 files (scripts/datasette1.py): the 0.65 metadata split into configuration and metadata."""

from __future__ import annotations

import yaml

from scripts.datasette1 import CONFIG_FILE, METADATA_FILE, TABLE_CONFIG, split_metadata
from scripts.serve import SETTINGS

DB = "idlib-events"


def _read(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _keys(tree: dict, path: tuple = ()) -> dict[tuple, object]:
    """Key path → value of every key of `tree` whose value is not a dictionary with keys of its own."""
    found = {}
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            found.update(_keys(value, (*path, key)))
        else:
            found[(*path, key)] = value
    return found


def test_every_key_of_the_metadata_lands_in_exactly_one_datasette1_file(built):
    # read from the file: the session's site_metadata is the dictionary the in-process site serves, and
    # Datasette writes inherited keys (licence, source) into it as it serves pages
    site_metadata = _read(built / "metadata.yml")
    metadata, config = _read(built / METADATA_FILE), _read(built / CONFIG_FILE)
    assert config.pop("settings") == SETTINGS  # the deployment's settings, from scripts/serve.py
    described, configured = _keys(metadata), _keys(config)
    assert not described.keys() & configured.keys()
    assert {**described, **configured} == _keys(site_metadata)


def test_the_configuration_holds_what_configures_and_the_metadata_what_describes(built):
    site_metadata = _read(built / "metadata.yml")
    metadata, config = _read(built / METADATA_FILE), _read(built / CONFIG_FILE)
    database = config["databases"][DB]
    assert database["queries"] == site_metadata["databases"][DB]["queries"]
    assert config["plugins"] == site_metadata["plugins"] and config["extra_js_urls"] == site_metadata["extra_js_urls"]
    events = site_metadata["databases"][DB]["tables"]["events"]
    assert database["tables"]["events"]["facets"] == events["facets"]
    assert database["tables"]["events"]["plugins"]["datasette-cluster-map"]["latitude_column"] == "latitude"
    assert {"title", "description_html", "license", "source"} <= set(metadata)
    assert not set(metadata) & {"plugins", "extra_css_urls", "extra_js_urls", "settings"}
    for name, table in metadata["databases"][DB]["tables"].items():
        assert table["description"] and table["columns"], name
        assert not set(table) & {*TABLE_CONFIG, "plugins"}, name
    assert "queries" not in metadata["databases"][DB] and "plugins" not in metadata["databases"][DB]


def test_a_table_with_nothing_to_describe_or_configure_is_kept():
    metadata, config = split_metadata({"databases": {DB: {"tables": {"kept": {}, "facets_only": {"facets": ["a"]}}}}}, {})
    assert metadata == {"databases": {DB: {"tables": {"kept": {}}}}}
    assert config == {"settings": {}, "databases": {DB: {"tables": {"facets_only": {"facets": ["a"]}}}}}

"""Shared fixtures: one build of the seed articles into a temporary folder, and a Datasette over it."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml

from scripts.build import DB_FILE, OUTPUTS, ROOT, build
from scripts.extraction.names import NameMatcher
from scripts.reference import Reference, load_reference

SEEDS = ROOT / "seeds"
REFERENCE = SEEDS / "reference"
DATAPACKAGE = ROOT / "datapackage.json"
SITE_METADATA = ROOT / "metadata.yml"


def run_build(seeds: Path, out: Path, datapackage: Path = DATAPACKAGE):
    """Build `seeds` into `out` with the project's reference data, schema and site metadata."""
    return build(seeds, out, REFERENCE, datapackage, SITE_METADATA)


def output_files(out: Path) -> dict[str, str]:
    """The SHA-256 of every file of the build in `out`, reached by the output names as users reach them."""
    files = sorted(p for name in OUTPUTS for p in ([out / name] if (out / name).is_file() else (out / name).rglob("*")))
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def seeds_without_collections(folder: Path) -> Path:
    """A copy of seeds/ without its imported collections: the five seed articles, their metadata and reviews."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in SEEDS.iterdir():
        if path.is_file():
            shutil.copy(path, folder)
    shutil.copytree(SEEDS / "reviews", folder / "reviews")
    return folder


@pytest.fixture(scope="session")
def reference() -> Reference:
    """The reference data of seeds/reference, loaded once."""
    return load_reference(REFERENCE)


@pytest.fixture(scope="session")
def matcher(reference) -> NameMatcher:
    """The name matcher of the reference data, built once."""
    return NameMatcher(reference)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Output folder of a build of the five seed articles (the tests of the site and of the extractor's
    behaviour on them; tests/test_collections.py builds the seeds with the FA-KES collection)."""
    out = tmp_path_factory.mktemp("build")
    run_build(seeds_without_collections(tmp_path_factory.mktemp("seeds") / "seeds"), out)
    return out


@pytest.fixture(scope="session")
def db(built) -> sqlite3.Connection:
    conn = sqlite3.connect(built / DB_FILE)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def site_metadata(built) -> dict:
    return yaml.safe_load((built / "metadata.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def datasette(built, site_metadata):
    from datasette.app import Datasette

    from scripts.serve import PLUGINS, TEMPLATES

    return Datasette(immutables=[str(built / DB_FILE)], metadata=site_metadata, template_dir=str(TEMPLATES),
                     plugins_dir=str(PLUGINS))


@pytest.fixture(scope="session")
def hostile_built(tmp_path_factory) -> Path:
    """Output folder of a build of hostile seeds and reference data (tests/hostile.py): script, link and formula
    payloads in every name, title, alias and quote; the site's safety tests serve and download it."""
    from .hostile import hostile_copy

    folder = tmp_path_factory.mktemp("hostile")
    seeds, reference = hostile_copy(folder)
    out = folder / "build"
    build(seeds, out, reference, DATAPACKAGE, SITE_METADATA)
    return out

"""Shared fixtures: one build of the seed articles into a temporary folder, and a Datasette over it.

The reference data of one content (seeds/reference, or a copy of it) are loaded once per session, and the
extractor built from them once: the builds and evaluations the tests run in this process read them from here
(`shared_reference`, `shared_extractor`). A build in a subprocess, or from a reference folder a test has changed,
loads its own.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

import scripts.build
import scripts.evaluate
import scripts.extraction_runs
from scripts.build import DB_FILE, OUTPUTS, ROOT, build, cores
from scripts.extract import Extractor
from scripts.extraction.names import NameMatcher
from scripts.extraction_runs import reference_key
from scripts.limits import LIMITS_FILE
from scripts.reference import Reference, load_reference

SEEDS = ROOT / "seeds"
REFERENCE = SEEDS / "reference"
DATAPACKAGE = ROOT / "datapackage.json"
SITE_METADATA = ROOT / "metadata.yml"


def run_build(seeds: Path, out: Path, datapackage: Path = DATAPACKAGE, cache: Path | None = None):
    """Build `seeds` into `out` with the project's reference data, schema and site metadata (extractions read
    from and written to `cache`, if given)."""
    return build(seeds, out, REFERENCE, datapackage, SITE_METADATA, cache=cache)


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


_loaded: dict[str, Reference] = {}  # hash of a reference folder's files → the reference data read from it
_references: dict[tuple[str, str], Reference] = {}  # (that hash, the folder's limits.yml) → the reference data
_extractors: dict[str, Extractor] = {}  # that hash → the extractor built from the reference data


def shared_reference(ref_dir: Path) -> Reference:
    """load_reference(ref_dir), loaded once per content of the folder's files (an edited copy is loaded anew; a
    folder that fails to load raises each time). A copy of the same files is read as the folder: only the
    limits file named in messages about publication dates is the copy's. Tests must not change what it returns."""
    try:
        content = reference_key(Path(ref_dir))
    except OSError:  # an unreadable folder: load_reference says what is wrong with it
        return load_reference(ref_dir)
    if content not in _loaded:
        _loaded[content] = load_reference(ref_dir)
    loaded, source = _loaded[content], str(Path(ref_dir) / LIMITS_FILE)
    if (content, source) not in _references:
        _references[(content, source)] = replace(loaded, published=replace(loaded.published, source=source))
    return _references[(content, source)]


def shared_extractor(reference: Reference) -> Extractor:
    """Extractor(reference), built once for the reference data of one content (shared_reference's); the extractor
    keeps no state from one article to the next (a build runs one over all its articles) and does not read the
    publication dates' limits file."""
    content = next((content for (content, _), shared in _references.items() if shared is reference), None)
    if content is None:
        return Extractor(reference)
    if content not in _extractors:
        _extractors[content] = Extractor(reference)
    return _extractors[content]


@pytest.fixture(scope="session", autouse=True)
def _builds_share_reference_and_extractor():
    """The builds and evaluations run in this process read the reference data and build the extractor
    through shared_reference and shared_extractor."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scripts.build, "load_reference", shared_reference)
        patch.setattr(scripts.evaluate, "load_reference", shared_reference)
        patch.setattr(scripts.extraction_runs, "Extractor", shared_extractor)
        yield


@pytest.fixture(scope="session")
def reference() -> Reference:
    """The reference data of seeds/reference, loaded once."""
    return shared_reference(REFERENCE)


@pytest.fixture(scope="session")
def matcher(reference) -> NameMatcher:
    """The name matcher of the reference data, built once (the shared extractor's)."""
    return shared_extractor(reference).matcher


@pytest.fixture(scope="session")
def extractor(reference) -> Extractor:
    """The extractor of the reference data, built once."""
    return shared_extractor(reference)


@pytest.fixture(scope="session")
def extraction_cache(tmp_path_factory) -> Path:
    """The extraction cache of `built` (its five seed articles): for the builds of tests whose claim is not about
    extraction (a review, a schema, what the build prints), which need not extract the same articles again."""
    return tmp_path_factory.mktemp("extraction-cache")


@pytest.fixture(scope="session")
def built(tmp_path_factory, extraction_cache) -> Path:
    """Output folder of a build of the five seed articles (the tests of the site and of the extractor's
    behaviour on them; tests/test_collections.py builds the seeds with the FA-KES collection). Its extractions
    are cached in `extraction_cache` as they are made (a warm build writes the same bytes: test_extraction_runs)."""
    out = tmp_path_factory.mktemp("build")
    run_build(seeds_without_collections(tmp_path_factory.mktemp("seeds") / "seeds"), out, cache=extraction_cache)
    return out


@pytest.fixture(scope="session")
def default_build(tmp_path_factory) -> Path:
    """The default build: the five seeds and the FA-KES articles coded in Idlib, Hama or Latakia (the tests of
    what the published collection holds)."""
    out = tmp_path_factory.mktemp("default")
    build(SEEDS, out, REFERENCE, ROOT / "datapackage.json", ROOT / "metadata.yml", jobs=cores())  # as `make` builds
    return out


def _rows_of(build_dir: Path) -> Iterator[sqlite3.Connection]:
    """The database of a build, its rows readable by column name; closed after the session."""
    conn = sqlite3.connect(build_dir / DB_FILE)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def default_db(default_build) -> Iterator[sqlite3.Connection]:
    yield from _rows_of(default_build)


@pytest.fixture(scope="session")
def db(built) -> Iterator[sqlite3.Connection]:
    yield from _rows_of(built)


@pytest.fixture(scope="session")
def site_metadata(built) -> dict:
    return yaml.safe_load((built / "metadata.yml").read_text(encoding="utf-8"))


def site(build_dir: Path, metadata: dict, **settings):
    """Datasette over a build, with the site's templates, plugins and static folders (the downloads) and any
    settings, for in-process requests."""
    from datasette.app import Datasette

    from scripts.serve import INSPECT_FILE, PLUGINS, TEMPLATES, static_mounts

    inspected = json.loads((build_dir / INSPECT_FILE).read_text(encoding="utf-8"))  # as scripts/serve.py serves it
    return Datasette(immutables=[str(build_dir / DB_FILE)], metadata=metadata, template_dir=str(TEMPLATES),
                     plugins_dir=str(PLUGINS), settings=settings or None, inspect_data=inspected,
                     static_mounts=[(mount, str(folder)) for mount, folder in static_mounts(build_dir)])


@pytest.fixture(scope="session")
def datasette(built, site_metadata):
    return site(built, site_metadata)


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

"""Bad input stops the build with one clear error naming the file, and leaves the previous output intact."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.build import ROOT
from scripts.errors import BuildError

from .conftest import DATAPACKAGE, SEEDS, output_files, run_build

FIRST = "000_51629ae7086d7ade.txt"


@pytest.fixture
def previous_build(built, tmp_path) -> Path:
    """An output folder holding a good build, to be kept intact by a failing one."""
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    return out


@pytest.fixture
def seeds(tmp_path) -> Path:
    """A writable copy of the seed articles and their metadata."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, folder)
    shutil.copy(SEEDS / "articles.csv", folder)
    return folder


def _metadata_rows(seeds: Path) -> list[dict]:
    with (seeds / "articles.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_metadata(seeds: Path, rows: list[dict]) -> None:
    with (seeds / "articles.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _fails(seeds: Path, out: Path, *expected: str, datapackage: Path = DATAPACKAGE, cache: Path | None = None) -> str:
    before = output_files(out)
    with pytest.raises(BuildError) as caught:
        run_build(seeds, out, datapackage, cache)
    message = str(caught.value)
    for fragment in expected:
        assert fragment in message, message
    assert output_files(out) == before, "the previous build was changed"
    assert not list(out.glob(".staging-*")), "a staging folder was left behind"
    assert len(list((out / ".builds").iterdir())) == 1, "a build folder was left behind"
    return message


def test_empty_seed(seeds, previous_build):
    (seeds / FIRST).write_bytes(b"")
    _fails(seeds, previous_build, FIRST, "empty")


def test_seed_that_is_not_utf8(seeds, previous_build):
    (seeds / FIRST).write_bytes("Idlib province, d\u00e9cembre".encode("latin-1"))
    _fails(seeds, previous_build, FIRST, "not UTF-8")


def test_seed_missing_from_metadata(seeds, previous_build):
    shutil.copy(seeds / FIRST, seeds / "005_unlisted.txt")
    _fails(seeds, previous_build, "005_unlisted.txt", "no row in", "articles.csv")


def test_metadata_row_naming_a_missing_file(seeds, previous_build):
    (seeds / FIRST).unlink()
    _fails(seeds, previous_build, "articles.csv, line 2", FIRST, "does not exist")


def test_duplicate_article_id(seeds, previous_build):
    """The same id in an imported collection and in the seeds."""
    rows = _metadata_rows(seeds)
    collection = seeds / "collections" / "copy"
    collection.mkdir(parents=True)
    shutil.copy(seeds / FIRST, collection / FIRST)
    _write_metadata(collection, rows[:1])
    _fails(seeds, previous_build, "copy/articles.csv, line 2", "duplicate article id", "000_51629ae7086d7ade")


@pytest.mark.parametrize("seed_file", ["../outside.txt", "sub/inner.txt", "/etc/hostname"])
def test_seed_file_outside_the_folder_is_refused(seeds, previous_build, seed_file):
    (seeds.parent / "outside.txt").write_text("Idlib, outside the seeds folder", encoding="utf-8")
    rows = _metadata_rows(seeds)
    _write_metadata(seeds, [dict(rows[0], seed_file=seed_file)] + rows[1:])
    _fails(seeds, previous_build, "articles.csv, line 2", repr(seed_file), "not a path")


def test_data_that_break_the_schema_stop_with_frictionless_report(seeds, previous_build, extraction_cache, tmp_path):
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    field = next(f for f in events["schema"]["fields"] if f["name"] == "event_type")
    field["constraints"]["enum"] = [v for v in field["constraints"]["enum"] if v != "Battles"]
    stricter = tmp_path / "datapackage.json"
    stricter.write_text(json.dumps(descriptor), encoding="utf-8")
    message = _fails(seeds, previous_build, "events event_id '", "field event_type", "constraint-error", "quote “",
                     datapackage=stricter, cache=extraction_cache)
    assert ".staging" not in message and ".builds" not in message, "the row is named by its evidence, not a build path"
    assert "events event_id '" in message and "(data/events.csv" in message and str(stricter) in message


def test_a_schema_error_naming_a_file_names_it_as_published(seeds, previous_build, extraction_cache, tmp_path):
    """Frictionless's own message names the CSV it could not read: as data/events.csv, not inside the build folder."""
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == "events")["scheme"] = "http"  # no such CSV over http
    wrong = tmp_path / "datapackage.json"
    wrong.write_text(json.dumps(descriptor), encoding="utf-8")
    message = _fails(seeds, previous_build, str(wrong), "events (data/events.csv): [scheme-error]", datapackage=wrong,
                     cache=extraction_cache)
    assert str(previous_build) not in message and ".builds" not in message, message


@pytest.mark.parametrize(("change", "stage", "problem"), [
    ({"type": "no-such-type"}, "not a valid data package descriptor", "field type \"no-such-type\" is not supported"),
    ({"constraints": {"pattern": "(["}}, "Frictionless cannot check the data against this schema",
     "unterminated character set")])
def test_a_schema_frictionless_cannot_read_is_one_error(seeds, previous_build, extraction_cache, tmp_path, change, stage,
                                                        problem):
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    next(f for f in events["schema"]["fields"] if f["name"] == "summary").update(change)
    wrong = tmp_path / "datapackage.json"
    wrong.write_text(json.dumps(descriptor), encoding="utf-8")
    _fails(seeds, previous_build, f"{wrong}: {stage}", problem, datapackage=wrong, cache=extraction_cache)


def test_command_line_prints_one_error_line_and_exits_1(seeds, previous_build):
    (seeds / FIRST).write_bytes(b"  \n")
    result = subprocess.run([sys.executable, "-m", "scripts.build", "--seeds", str(seeds), "--out", str(previous_build)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("build failed: ") and FIRST in result.stderr


def test_metadata_row_paired_with_the_wrong_file(seeds, previous_build):
    rows = _metadata_rows(seeds)
    rows[0]["title"], rows[1]["title"] = rows[1]["title"], rows[0]["title"]
    _write_metadata(seeds, rows)
    _fails(seeds, previous_build, "articles.csv, line 2", "does not occur in", FIRST)


def _descriptor_with(tmp_path, change) -> Path:
    descriptor = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    change(next(r for r in descriptor["resources"] if r["name"] == "events"))
    changed = tmp_path / "datapackage.json"
    changed.write_text(json.dumps(descriptor), encoding="utf-8")
    return changed


@pytest.mark.parametrize(("change", "problem"), [
    (lambda events: events.pop("name"), "'name' is a required property"),
    (lambda events: events["schema"].update(primaryKey=["no_such_column"]), "primary key"),
])
def test_a_descriptor_that_breaks_the_standard_is_one_error(seeds, previous_build, tmp_path, change, problem):
    wrong = _descriptor_with(tmp_path, change)
    _fails(seeds, previous_build, f"{wrong}: not a valid data package descriptor", problem, datapackage=wrong)


def test_a_descriptor_without_a_column_the_build_writes_is_one_error(seeds, previous_build, tmp_path):
    def drop_summary(events):
        events["schema"]["fields"] = [f for f in events["schema"]["fields"] if f["name"] != "summary"]
    _fails(seeds, previous_build, "the events table's fields differ from the columns the build writes: lacks summary",
           datapackage=_descriptor_with(tmp_path, drop_summary))

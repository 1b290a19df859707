"""The reference CSVs against their Frictionless schemas (schemas/reference/), as the build checks them: the
committed files fit, and a corrupted copy stops the build with one line naming file, line, row and problem."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml

from scripts.build import build
from scripts.errors import BuildError
from scripts.reference import load_reference
from scripts.reference_tables import check_tables, resources

from .conftest import DATAPACKAGE, REFERENCE, SITE_METADATA, output_files, seeds_without_collections

DUPLICATE = None  # the corruption that gives a row the key of the row before it


def test_every_reference_csv_has_a_schema_and_fits_it():
    assert {resource["path"] for resource in resources()} == {path.name for path in REFERENCE.glob("*.csv")}
    check_tables(REFERENCE)


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]], list[int]]:
    """The header, the rows and the line each record ends on (the header's first)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [reader.line_num for reader in [csv.reader(handle)] for _ in reader]
    return list(rows[0]), rows, lines


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def reference(tmp_path) -> Path:
    """A writable copy of the reference folder."""
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    return folder


def _loader_error(reference: Path) -> str:
    """The one line the loader stops with on the reference folder."""
    with pytest.raises(BuildError) as caught:
        load_reference(reference)
    return str(caught.value)


@pytest.fixture
def kept_build(built, tmp_path) -> Path:
    """An output folder holding a good build, to be kept intact by a failing one."""
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    return out


# (file, its key column, the row changed (its position), the change, the problem told)
CORRUPTIONS = [
    ("places.csv", "place_id", 3, {"latitude": "135.8"}, "latitude: '135.8' is not between -90 and 90"),
    ("places.csv", "place_id", 3, DUPLICATE, "duplicate place_id"),
    ("places.csv", "place_id", 3, {"within": "nowhere"}, "within 'nowhere' is not in places.csv (column place_id)"),
    ("places.csv", "place_id", 3, {"coord_source": ""}, "coord_source: missing value (required)"),
    ("places_geonames.csv", "place_id", 200, {"longitude": "-200"}, "longitude: '-200' is not between -180 and 180"),
    ("places_geonames.csv", "place_id", 200, DUPLICATE, "duplicate place_id"),
    ("places_geonames.csv", "place_id", 200, {"country": "Atlantis"},
     "country 'Atlantis' is not in countries.csv (column name)"),
    ("places_geonames.csv", "place_id", 200, {"name": ""}, "name: missing value (required)"),
    ("countries.csv", "name", 2, {"max_latitude": "91"}, "max_latitude: '91' is not between -90 and 90"),
    ("countries.csv", "name", 2, DUPLICATE, "duplicate name"),
    ("countries.csv", "name", 2, {"iso": ""}, "iso: missing value (required)"),
    ("governorates.csv", "name", 5, {"min_latitude": "north"}, "min_latitude: expected a number, got 'north'"),
    ("governorates.csv", "name", 5, DUPLICATE, "duplicate name"),
    ("governorates.csv", "name", 5, {"country": "Atlantis"}, "country 'Atlantis' is not in countries.csv (column name)"),
    ("governorates.csv", "name", 5, {"bounds_source": ""}, "bounds_source: missing value (required)"),
    ("place_ids.csv", "geonames_id", 4, {"geonames_id": "0"}, "geonames_id: '0' is not at least 1"),
    ("place_ids.csv", "geonames_id", 4, DUPLICATE, "duplicate geonames_id"),
    ("place_ids.csv", "geonames_id", 4, {"geonames_id": "999999", "place_id": "somewhere-else"},
     "geonames_id '999999', place_id 'somewhere-else' is not in places_geonames.csv (columns geonames_id, place_id)"),
    ("place_ids.csv", "geonames_id", 4, {"source": ""}, "source: missing value (required)"),
]


@pytest.mark.parametrize("file, key, position, change, problem", CORRUPTIONS)
def test_a_corrupted_reference_table_stops_the_build_in_one_line(built, kept_build, reference, tmp_path, file, key,
                                                                  position, change, problem):
    """One error naming the file, the line, the row's key and the problem; the previous build untouched."""
    path = reference / file
    header, rows, lines = _rows(path)
    if change is DUPLICATE:
        change = {key: rows[position - 1][key]}
        problem += f" (also on line {lines[position]})"
    rows[position].update(change)
    _write(path, header, rows)
    before = output_files(kept_build)
    with pytest.raises(BuildError) as caught:
        build(seeds_without_collections(tmp_path / "seeds"), kept_build, reference, DATAPACKAGE, SITE_METADATA)
    expected = f"{path}, line {lines[position + 1]} ({key} {rows[position][key]!r}): {problem}"
    assert str(caught.value) == expected
    assert output_files(kept_build) == before, "the previous build was changed"


def test_a_header_that_is_not_the_schemas_is_refused(reference):
    path = reference / "places.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("geo_precision", "precision", 1), encoding="utf-8")
    with pytest.raises(BuildError, match=r"places\.csv, line 1 \(the header\): column 11 is 'precision', the "
                                         r"schema's is 'geo_precision'$"):
        check_tables(reference)


def test_a_blank_line_and_a_short_row_are_read_as_the_csv_reader_reads_them(reference):
    """Blank lines are skipped (and counted in the line told) and a short row leaves its last columns
    empty, which only a required column minds."""
    path = reference / "place_ids.csv"
    header, *records = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, "", *records, ""]), encoding="utf-8")
    check_tables(reference)
    geonames_id, place_id = records[1].split(",")[:2]
    records[1] = f"{geonames_id},{place_id}"
    path.write_text("\n".join([header, "", *records, ""]), encoding="utf-8")
    with pytest.raises(BuildError, match=rf"place_ids\.csv, line 4 \(geonames_id '{geonames_id}'\): "
                                         r"source: missing value \(required\)$"):
        check_tables(reference)


# -- the YAML files: each checked against its JSON Schema (schemas/*.schema.json) by the loader -------------

YAML_FILES = sorted(str(path.relative_to(REFERENCE)) for path in REFERENCE.rglob("*.yml"))


@pytest.mark.parametrize("name", YAML_FILES)
def test_every_reference_yaml_file_is_checked_against_its_schema(reference, name):
    """Each YAML file of the reference folder (a new one too) is read through its schema: a value of the
    wrong shape at its top is one error naming the file."""
    path = reference / name
    top = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text("- a list\n" if isinstance(top, dict) else "a: mapping\n", encoding="utf-8")
    wanted = "a mapping, got a list ['a list']" if isinstance(top, dict) else "a list, got a mapping {'a': 'mapping'}"
    assert _loader_error(reference) == f"{path}: expected {wanted}"


def test_an_extraction_file_without_a_definition_is_refused(reference):
    (reference / "extraction" / "weapons.yml").write_text("words: [rocket]\n", encoding="utf-8")
    assert _loader_error(reference).endswith("weapons.yml: no definition of its keys in "
                                             "schemas/extraction.schema.json (add one as $defs/weapons)")


@pytest.mark.parametrize("file, old, new, problem", [
    ("extraction/names.yml", "PERSON: person", "PERSON: human",
     "unknown_name_kinds.labels.PERSON: 'human' is not one of place, organisation, person"),
    ("extraction/modality.yml", "seen_in: [fakes-1923848146, fakes-1965495362, fakes-1926479389]",
     "seen_in: [fakes-1923848146, fakes-1965495362]", "rules[0].seen_in: lists 2, at least 3 wanted"),
    ("extraction/furniture.yml", "head_window: 500", "head_window: wide",
     "head_window: expected a whole number, got a string 'wide'"),
])
def test_a_value_against_an_extraction_files_definition_is_one_line(reference, file, old, new, problem):
    path = reference / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert _loader_error(reference) == f"{path}: {problem}"


def test_a_place_id_of_both_places_files_is_refused_naming_the_generated_row(reference):
    """A place_id unique in each file but shared by the two is a check of the loader, not of one file's schema."""
    path = reference / "places_geonames.csv"
    header, rows, lines = _rows(path)
    curated = _rows(reference / "places.csv")[1][0]["place_id"]
    rows[10]["place_id"] = curated
    _write(path, header, rows)
    check_tables(reference)
    assert _loader_error(reference) == (f"{path}, line {lines[11]} (place_id {curated!r}): the id is a curated "
                                        "place's too: run python -m scripts.derive_places")

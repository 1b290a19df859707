"""Input from careless maintainers and attackers: one error line naming file, row (or key) and field, and
the previous build untouched; values read as typed (make, CSV quirks); nothing written outside its folder."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from scripts.build import ROOT, build
from scripts.control_chars import escaped
from scripts.errors import BuildError
from scripts.import_collection import REPORT_FILE
from scripts.import_collection import main as import_main
from scripts.reference import load_places
from scripts.seeds import read_articles, read_collection

from .conftest import DATAPACKAGE, REFERENCE, SITE_METADATA, output_files, seeds_without_collections
from .test_bad_input import FIRST

REVIEWED = "002_aa788a606ac512d4"  # a seed article with a review file


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A writable copy of the five seed articles, their metadata and their review files."""
    return seeds_without_collections(tmp_path / "seeds")


@pytest.fixture
def reference_copy(tmp_path) -> Path:
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    return folder


@pytest.fixture
def kept_build(built, tmp_path) -> Path:
    """An output folder holding a good build, to be kept intact by a failing one."""
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    return out


def _refused(seeds: Path, out: Path, reference: Path, *expected: str) -> str:
    before = output_files(out)
    with pytest.raises(BuildError) as caught:
        build(seeds, out, reference, DATAPACKAGE, SITE_METADATA)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message, message
    for fragment in expected:
        assert fragment in message, message
    assert output_files(out) == before, "the previous build was changed"
    assert not list(out.glob(".staging-*")), "a staging folder was left behind"
    return message


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _actor(actors: list[dict], actor_id: str) -> dict:
    return next(a for a in actors if a["actor_id"] == actor_id)


# -- tracebacks before: now one line ------------------------------------------------------------------


@pytest.mark.parametrize("published", ["0001-01-01", "2010-12-31", "2999-01-01"])
def test_an_implausible_publication_date_is_refused(seed_copy, reference_copy, kept_build, published):
    _replace(seed_copy / "articles.csv", "2014-12-16", published)
    _refused(seed_copy, kept_build, reference_copy, "articles.csv, line 2:", f"published_date {published}",
             "limits.yml")


def test_the_publication_date_range_is_data(seed_copy, reference_copy, kept_build):
    _edit_yaml(reference_copy / "limits.yml", lambda limits: limits["published_date"].update(earliest="2015-01-01"))
    _refused(seed_copy, kept_build, reference_copy, "articles.csv, line 2:", "published_date 2014-12-16",
             "not between 2015-01-01")


@pytest.mark.parametrize("file, change, expected", [
    ("actors.yml", lambda a: _actor(a, "afp").update(actor_id=123),
     "[3].actor_id: expected a string (quote it), got a number 123"),
    ("actors.yml", lambda a: _actor(a, "afp").update(name=1234), "[3].name (actor_id 'afp'): expected a string"),
    ("actors.yml", lambda a: _actor(a, "afp").update(aliases="AFP"), "[3].aliases (actor_id 'afp'): expected a list"),
    ("actors.yml", lambda a: _actor(a, "afp").update(aliases=["AFP", None]),
     "[3].aliases[1] (actor_id 'afp'): expected a string"),
    ("actors.yml", lambda a: _actor(a, "afp").update(generic="yes"), "[3].generic (actor_id 'afp'): expected true or false"),
    ("actors.yml", lambda a: _actor(a, "afp").update(relations=[{"related": "sohr"}]),
     "[3].relations[0] (actor_id 'afp'): missing field(s) relation"),
    ("actors.yml", lambda a: _actor(a, "afp").update(description="AFP\x1b[2J"),
     "[3].description (actor_id 'afp'): holds a control character"),
    ("actors.yml", lambda a: _actor(a, "afp").update(valid_from="July 2016"),
     "[3].valid_from (actor_id 'afp'): "),
    ("extraction/dates.yml", lambda d: d["reporting"].update(span_days="seven"),
     "reporting.span_days: expected a whole number"),
    ("extraction/triggers.yml", lambda d: d.pop("triggers"), "missing field(s) triggers"),
    ("extraction/figures.yml", lambda d: d["figures"]["person_nouns"].update(lemmas="civilian"),
     "figures.person_nouns.lemmas: expected a list"),
    ("limits.yml", lambda d: d.update(bounds_margin_degrees="wide"), "bounds_margin_degrees: expected a number"),
    ("limits.yml", lambda d: d["published_date"].update(earliest="soon"), "published_date.earliest: not an ISO date"),
])
def test_a_reference_value_of_the_wrong_type_is_one_line(seed_copy, reference_copy, kept_build, file, change, expected):
    _edit_yaml(reference_copy / file, change)
    _refused(seed_copy, kept_build, reference_copy, f"{reference_copy / file}: {expected}")


@pytest.mark.parametrize("name", ["lexicon/names", "extraction/dates", "extraction/triggers", "extraction/figures"])
def test_an_empty_lexicon_file_is_one_line(seed_copy, reference_copy, kept_build, name):
    (reference_copy / f"{name}.yml").write_text("# emptied by mistake\n", encoding="utf-8")
    _refused(seed_copy, kept_build, reference_copy, f"{name}.yml: expected a mapping, got nothing (empty)")


@pytest.mark.parametrize("file", ["actors.yml", "extraction/dates.yml", "limits.yml"])
def test_a_reference_file_that_is_not_utf8_is_one_line(seed_copy, reference_copy, kept_build, file):
    path = reference_copy / file
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n# Fran\xe7e\n", 1))  # a Latin-1 byte on line 2
    _refused(seed_copy, kept_build, reference_copy, f"{path}: not UTF-8 (byte 0xe7 on line 2)")


# Nine nested levels of nine aliases: a few hundred bytes that stand for 9**9 values.
ALIAS_BOMB = "a: &a [x]\n" + "".join(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
                                     for prev, name in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize("file", ["actors.yml", "reviews"])
def test_yaml_aliases_are_refused_in_one_line(seed_copy, reference_copy, kept_build, file):
    """An alias bomb spun in the type checks for ever: hand-written data may not use aliases at all."""
    path = reference_copy / "actors.yml" if file == "actors.yml" else seed_copy / "reviews" / f"{REVIEWED}.yml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    _refused(seed_copy, kept_build, reference_copy,
             f"{path}: not valid YAML: aliases (*name) are not allowed in this file at line 2, column 8")


def test_an_empty_actors_file_is_one_line(seed_copy, reference_copy, kept_build):
    (reference_copy / "actors.yml").write_text("", encoding="utf-8")
    _refused(seed_copy, kept_build, reference_copy, "actors.yml: expected a list, got nothing (empty)")


@pytest.mark.parametrize("entry, expected", [
    ({"quote": 12, "value": 3, "category": "other", "subject": "x", "reason": "r"},
     "figures.add[0].quote: expected a string (quote it), got a number 12"),
    ({"quote": "Regime forces", "occurrence": "two", "value": 3, "category": "other", "subject": "x", "reason": "r"},
     "figures.add[0].occurrence: expected a whole number, got a string 'two'"),
    ({"quote": "Regime forces", "occurrence": 0, "value": 3, "category": "other", "subject": "x", "reason": "r"},
     "figures.add[0].occurrence: 0 is below 1"),
    ({"quote": "Regime forces", "value": "three", "category": "other", "subject": "x", "reason": "r"},
     "figures.add[0].value: expected a number, got a string 'three'"),
    ({"quote": ["Regime forces"], "value": 3, "category": "other", "subject": "x", "reason": "r"},
     "figures.add[0].quote: expected a string (quote it), got a list"),
])
def test_a_review_entry_of_the_wrong_type_is_one_line(seed_copy, reference_copy, kept_build, entry, expected):
    review = seed_copy / "reviews" / f"{FIRST[:-4]}.yml"
    review.write_text(yaml.safe_dump({"reviewer": "t", "figures": {"add": [entry]}}), encoding="utf-8")
    _refused(seed_copy, kept_build, reference_copy, f"{FIRST[:-4]}.yml: {expected}")


@pytest.mark.parametrize("fixed, expected", [
    ("[1]", "expected a date (YYYY-MM-DD), got a list [1]"),
    ("true", "expected a date (YYYY-MM-DD), got a boolean True"),
    ("20150324", "expected a date (YYYY-MM-DD), got a number 20150324"),
    ("soon", "not an ISO date (YYYY-MM-DD): 'soon'"),
])
def test_a_fixed_date_that_is_not_a_date_is_one_line(seed_copy, reference_copy, kept_build, fixed, expected):
    _replace(seed_copy / "reviews" / f"{REVIEWED}.yml", "event_date: 2015-03-24", f"event_date: {fixed}")
    _refused(seed_copy, kept_build, reference_copy, f"{REVIEWED}.yml: events.fix[1].event_date: {expected}")


@pytest.mark.parametrize("fixed", ["0001-01-01", "2999-03-24"])
def test_a_fixed_date_outside_the_limits_is_one_line(seed_copy, reference_copy, kept_build, fixed):
    _replace(seed_copy / "reviews" / f"{REVIEWED}.yml", "event_date: 2015-03-24", f"event_date: {fixed}")
    _refused(seed_copy, kept_build, reference_copy, f"{REVIEWED}.yml: events.fix[1].event_date: {fixed} is not between "
                                                    "2011-01-01 and ")


def test_the_reviewer_and_fatalities_have_their_types(seed_copy, reference_copy, kept_build):
    review = seed_copy / "reviews" / f"{REVIEWED}.yml"
    _replace(review, "reviewer: idlib-events maintainers", "reviewer: 12")
    _refused(seed_copy, kept_build, reference_copy, f"{REVIEWED}.yml: reviewer: expected a string")
    _replace(review, "reviewer: 12", "reviewer: t")
    _replace(review, "      fatalities: 0", "      fatalities: many")
    _refused(seed_copy, kept_build, reference_copy, f"{REVIEWED}.yml: events.fix[0].fatalities: expected a whole number")


# -- accepted silently before: now refused, or read right ---------------------------------------------------


def _place_line(reference: Path, place_id: str) -> int:
    with (reference / "places.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return next(reader.line_num for row in reader if row["place_id"] == place_id)


def _edit_place(reference: Path, place_id: str, **values: str) -> None:
    with (reference / "places.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["place_id"] == place_id:
            row.update(values)
    with (reference / "places.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("values, expected", [
    ({"latitude": "48.85341", "longitude": "2.3488"}, "latitude, longitude 48.85341, 2.3488 lie outside Syria"),
    ({"latitude": "33.5102", "longitude": "36.29128"}, "latitude, longitude 33.5102, 36.29128 lie outside governorate Idlib"),
    ({"latitude": "nan"}, "latitude: 'nan' is not between -90 and 90"),  # the schema's range (schemas/reference/)
    ({"country": "Atlantis", "governorate": "", "latitude": "48.85341", "longitude": "2.3488"},
     "country 'Atlantis' is not in countries.csv"),
    ({"governorate": "Paris"}, "governorate 'Paris' is not in governorates.csv"),
    ({"governorate": "Hatay"}, "governorate 'Hatay' of Syria is not in governorates.csv"),  # the pair: not a schema's
    ({"geo_precision": "two"}, "geo_precision: expected a whole number, got 'two'"),  # a value of the wrong type
    ({"longitude": "36,6"}, "longitude: expected a number, got '36,6'"),  # names its column
])
def test_a_place_in_the_wrong_place_or_of_the_wrong_type_is_refused(seed_copy, reference_copy, kept_build, values,
                                                                    expected):
    line = _place_line(reference_copy, "ariha")
    _edit_place(reference_copy, "ariha", **values)
    _refused(seed_copy, kept_build, reference_copy, f"places.csv, line {line} (place_id 'ariha'): {expected}")


@pytest.mark.parametrize("change, expected", [
    ({"credit": ["FA-KES", "2019"]}, "credit: expected a string (quote it), got a list"),
    ({"collection_id": 2019}, "collection_id: expected a string (quote it), got a number 2019"),
])
def test_a_collection_description_of_the_wrong_type_is_one_line(seed_copy, reference_copy, kept_build, change,
                                                                 expected):
    folder = _collection(seed_copy, "more", "005_more.txt")
    shutil.copy(seed_copy / FIRST, folder / "005_more.txt")
    (folder / "collection.yml").write_text(yaml.safe_dump({"collection_id": "more", "title": "More", **change}),
                                           encoding="utf-8")
    _refused(seed_copy, kept_build, reference_copy, f"more/collection.yml: {expected}")


@pytest.mark.parametrize("old, new, line", [
    ("Rebels press Idlib victories", "Rebels press, Idlib victories", 5),  # a title
    ("© NOW; included only", "© NOW, included only", 5),  # rights, the last column
])
def test_an_unquoted_comma_is_one_line_naming_the_row(seed_copy, reference_copy, kept_build, old, new, line):
    _replace(seed_copy / "articles.csv", old, new)
    _refused(seed_copy, kept_build, reference_copy, f"articles.csv, line {line}: 11 fields, but the header has 10",
             "must be quoted")


def test_a_byte_order_mark_is_read_as_one(seed_copy, reference_copy, tmp_path):
    for path in (seed_copy / "articles.csv", reference_copy / "places.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    articles = read_articles(seed_copy)
    assert [a.seed_file for a in articles][0] == FIRST and len(articles) == 5
    assert "ariha" in load_places(reference_copy / "places.csv")
    collection = tmp_path / "collection"
    collection.mkdir()
    (collection / "annotations.csv").write_bytes(b"\xef\xbb\xbfarticle_id,annotation_no\nx-1,1\n")
    assert read_collection(collection, "collection").annotations == ({"article_id": "x-1", "annotation_no": "1"},)


@pytest.mark.parametrize("control", ["\x00", "\x1b[2J\x1b[31m", "\x85", "\x0c", "\x7f"])
def test_a_control_character_in_an_article_is_refused(seed_copy, reference_copy, kept_build, control):
    text = (seed_copy / FIRST).read_text(encoding="utf-8")
    (seed_copy / FIRST).write_text(text.replace("\n", f"\nIdlib{control} ", 1), encoding="utf-8")
    message = _refused(seed_copy, kept_build, reference_copy, f"{FIRST}: control character {escaped(control[0])} at "
                                                              "line 2, column 6")
    assert control[0] not in message


def test_a_control_character_in_metadata_is_refused(seed_copy, reference_copy, kept_build):
    _replace(seed_copy / "articles.csv", "Rebels press Idlib victories", "Rebels press Idlib victories\x1b]0;x\x07")
    _refused(seed_copy, kept_build, reference_copy, "articles.csv, line 5: title: control character \\x1b")


def test_the_build_prints_control_characters_escaped(seed_copy, tmp_path):
    """A file name is the one text of bad input not refused before it is printed: the line shows it escaped."""
    shutil.copy(seed_copy / FIRST, seed_copy / "005_\x1b[2J.txt")
    result = subprocess.run([sys.executable, "-m", "scripts.build", "--seeds", str(seed_copy), "--out",
                             str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "\x1b" not in result.stderr and "005_\\x1b[2J.txt" in result.stderr
    assert escaped("a\x1b[31mb\tc\nd\x00") == "a\\x1b[31mb\tc\nd\\x00"


@pytest.mark.parametrize("name, expected", [
    ("005_new.TXT", "005_new.TXT: a seed file's name ends in lower-case .txt"),
    ("005_new.Txt", "005_new.Txt: a seed file's name ends in lower-case .txt"),
    ("notes.md", "notes.md: unexpected file in a seeds folder"),
    ("drafts", "drafts: unexpected folder in a seeds folder"),
])
def test_a_file_the_build_would_skip_is_reported(seed_copy, reference_copy, kept_build, name, expected):
    if "." in name:
        shutil.copy(seed_copy / FIRST, seed_copy / name)
    else:
        (seed_copy / name).mkdir()
        shutil.copy(seed_copy / FIRST, seed_copy / name / "005_new.txt")
    _refused(seed_copy, kept_build, reference_copy, expected)


@pytest.mark.parametrize("name", [f"{REVIEWED}.YML", f"{REVIEWED}.yaml"])
def test_a_review_file_the_build_would_skip_is_reported(seed_copy, reference_copy, kept_build, name):
    (seed_copy / "reviews" / f"{REVIEWED}.yml").rename(seed_copy / "reviews" / name)
    _refused(seed_copy, kept_build, reference_copy, f"reviews/{name}: unexpected in")


def test_hidden_files_are_left_alone(seed_copy):
    (seed_copy / ".DS_Store").write_bytes(b"\x00\x01")
    assert len(read_articles(seed_copy)) == 5


# -- paths outside the folder ------------------------------------------------------------------------------


def test_a_seed_file_linking_outside_the_folder_is_refused(seed_copy, reference_copy, kept_build, tmp_path):
    outside = tmp_path / "outside.txt"
    shutil.copy(seed_copy / FIRST, outside)
    (seed_copy / FIRST).unlink()
    (seed_copy / FIRST).symlink_to(outside)
    _refused(seed_copy, kept_build, reference_copy, "articles.csv, line 2:", f"seed_file '{FIRST}' is a link to a file "
                                                                             "outside")


def test_a_review_file_linking_outside_the_folder_is_refused(seed_copy, reference_copy, kept_build, tmp_path):
    """A review file linked to /etc/hostname was read, and its text shown in the error line."""
    review = seed_copy / "reviews" / f"{REVIEWED}.yml"
    outside = tmp_path / "outside.yml"
    shutil.copy(review, outside)
    review.unlink()
    review.symlink_to(outside)
    _refused(seed_copy, kept_build, reference_copy, f"{review}: a link to a file outside {seed_copy}")


def _collection(seeds: Path, name: str, seed_file: str) -> Path:
    folder = seeds / "collections" / name
    folder.mkdir(parents=True)
    with (seeds / "articles.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, row = reader.fieldnames, next(reader)
    with (folder / "articles.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerow(dict(row, seed_file=seed_file))
    return folder


@pytest.mark.parametrize("seed_file", ["../../000_51629ae7086d7ade.txt", "/etc/hostname", "sub/x.txt"])
def test_a_collection_row_naming_a_path_is_refused(seed_copy, reference_copy, kept_build, seed_file):
    _collection(seed_copy, "more", seed_file)
    _refused(seed_copy, kept_build, reference_copy, "more/articles.csv, line 2:", repr(seed_file), "not a path")


def test_a_collection_folder_linking_outside_is_refused(seed_copy, reference_copy, kept_build, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (seed_copy / "collections").mkdir()
    (seed_copy / "collections" / "linked").symlink_to(elsewhere)
    _refused(seed_copy, kept_build, reference_copy, "linked: a collection folder is a link to a folder outside")


def test_the_importer_writes_nothing_outside_its_folder(tmp_path):
    """Ids from the input file that would name a path are refused, row by row, and the rest imported."""
    body = "Idlib, 3 March 2015: shelling hit the town of Saraqib."
    hostile = ["../escape", "/abs", "a/b", "a\\b", "..", "a\x00b", ".", "ok\n"]
    rows = [{"id": key, "title": "Shelling", "text": body + f" ({n})", "date": "2015-03-03"}
            for n, key in enumerate(hostile + ["fine"])]
    source = tmp_path / "in" / "wire.jsonl"
    source.parent.mkdir()
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "work" / "out"
    out.parent.mkdir()
    assert import_main([str(source), "--format", "jsonl", "--out", str(out), "--collection-id", "wire",
                        "--publisher", "Wire"]) == 0
    assert sorted(p.name for p in tmp_path.rglob("*") if out not in p.parents and p != out) == \
        ["in", "wire.jsonl", "work"]
    assert sorted(p.name for p in out.glob("*.txt")) == ["wire-fine.txt", "wire-ok.txt"]
    report = (out / REPORT_FILE).read_text(encoding="utf-8")
    for number in range(1, 8):
        assert f"row {number}: not usable: article id" in report, report
    assert "\x00" not in report


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_the_importer_reads_a_byte_order_mark_as_one(tmp_path, suffix):
    row = {"id": "1", "title": "Shelling", "date": "2015-03-03", "text": "Shelling\nIdlib was shelled."}
    source = tmp_path / f"wire{suffix}"
    if suffix == ".csv":
        source.write_text(",".join(row) + "\n" + ",".join(f'"{v}"' for v in row.values()) + "\n", encoding="utf-8-sig")
    else:
        source.write_text(json.dumps(row) + "\n", encoding="utf-8-sig")
    out = tmp_path / "out"
    assert import_main([str(source), "--format", suffix[1:], "--out", str(out), "--collection-id", "wire",
                        "--publisher", "Wire"]) == 0
    assert [a.article_id for a in read_articles(out)] == ["wire-1"]


def test_the_importer_makes_control_characters_spaces(tmp_path):
    source = tmp_path / "wire.jsonl"
    source.write_text(json.dumps({"id": "1", "title": "Shelling\x1b[2J", "date": "2015-03-03",
                                  "text": "Shelling\x1b[2J\nIdlib\x00 was shelled."}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert import_main([str(source), "--format", "jsonl", "--out", str(out), "--collection-id", "wire",
                        "--publisher", "Wire"]) == 0
    assert (out / "wire-1.txt").read_text(encoding="utf-8") == "Shelling [2J\nIdlib  was shelled."
    report = (out / REPORT_FILE).read_text(encoding="utf-8")
    assert "row 1 (wire-1): repaired text: 2 control character(s) made spaces" in report, report
    assert "row 1 (wire-1): repaired title: 1 control character(s) made spaces" in report, report
    assert len(read_articles(out)) == 1


# -- make add-article ----------------------------------------------------------------------------------------

ARTICLE = "{title}\n\nIdlib, 21 August 2019: government forces shelled the town of Saraqib, the Syrian Observatory said.\n"
HOSTILE_TITLE = "Saraqib $10 $(shell touch PWNED) `touch PWNED2` $$HOME \"q\" 'a'"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path, dict[int, subprocess.CompletedProcess]]:
    """Two `make add-article` started at once in a copy of the project (its files, the five seed articles,
    the shared venv): the first with values make would expand, the second a plain one."""
    tmp_path = tmp_path_factory.mktemp("add-article")
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("Makefile", "requirements.txt", "datapackage.json", "metadata.yml"):
        shutil.copy2(ROOT / name, copy / name)
    for name in ("scripts", "schemas", "importers", "templates", "plugins", "static"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    seeds_without_collections(copy / "seeds")
    shutil.copytree(REFERENCE, copy / "seeds" / "reference")
    (copy / ".venv").symlink_to((ROOT / ".venv").resolve())
    titles = {1: HOSTILE_TITLE, 2: "Saraqib shelled, a plain report"}
    results: dict[int, subprocess.CompletedProcess] = {}

    def add(n: int) -> None:
        article = tmp_path / f"article{n}.txt"
        article.write_text(ARTICLE.format(title=titles[n]), encoding="utf-8")
        # -o: the shared venv is up to date; never reinstall it from a copy of requirements.txt.
        results[n] = subprocess.run(
            ["make", "-C", str(copy), "-o", ".venv/.requirements-installed", "add-article", f"FILE={article}",
             f"TITLE={titles[n]}", "PUBLISHER=Wire $(shell touch PWNED3)", "DATE=2019-08-21", "RIGHTS=$1 `touch PWNED4`"],
            capture_output=True, text=True, env={**os.environ, "MAKEFLAGS": ""})

    runs = [threading.Thread(target=add, args=(n,)) for n in titles]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    return tmp_path, copy / "seeds", results


def _metadata(seeds: Path) -> list[dict[str, str]]:
    with (seeds / "articles.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_make_add_article_takes_values_as_typed(two_runs):
    tmp_path, seeds, results = two_runs
    assert results[1].returncode == 0, results[1].stderr
    [added] = [row for row in _metadata(seeds) if row["title"].startswith("Saraqib $")]
    assert (added["title"], added["publisher"], added["rights"]) == \
        (HOSTILE_TITLE, "Wire $(shell touch PWNED3)", "$1 `touch PWNED4`")
    assert not list(tmp_path.rglob("PWNED*")) and not (ROOT / "PWNED").exists()


def test_two_make_add_article_at_once_both_land(two_runs):
    _, seeds, results = two_runs
    assert all(r.returncode == 0 for r in results.values()), [r.stderr for r in results.values()]
    rows = _metadata(seeds)
    assert sorted(r["title"] for r in rows[5:]) == sorted([HOSTILE_TITLE, "Saraqib shelled, a plain report"])
    assert sorted(r["seed_file"][:4] for r in rows[5:]) == ["005_", "006_"]
    assert all((seeds / r["seed_file"]).is_file() for r in rows)
    assert len(read_articles(seeds)) == 7


def test_make_import_takes_its_options_as_typed(two_runs):
    """IMPORT_OPTIONS is split as a shell splits words, quotes kept, nothing expanded or globbed."""
    tmp_path, seeds, _ = two_runs
    source = tmp_path / "wire.jsonl"
    source.write_text(json.dumps({"key": "1", "headline": "Shelling", "day": "2015-03-03",
                                  "text": "Shelling\nIdlib was shelled."}) + "\n", encoding="utf-8")
    out = tmp_path / "imported"
    options = "--id-column key --title-column headline --date-column day --publisher 'Wire * $(shell touch PWNED5) `x`'"
    result = subprocess.run(["make", "-C", str(seeds.parent), "-o", ".venv/.requirements-installed", "import",
                             f"FILE={source}", "FORMAT=jsonl", f"OUT={out}", "COLLECTION=wire", f"IMPORT_OPTIONS={options}"],
                            capture_output=True, text=True, env={**os.environ, "MAKEFLAGS": ""})
    assert result.returncode == 0, result.stderr
    [article] = read_articles(out)
    assert article.publisher == "Wire * $(shell touch PWNED5) `x`"
    assert not list(tmp_path.rglob("PWNED*"))


def test_the_importer_marks_what_the_build_would_refuse_not_usable(tmp_path):
    """A row published before the limits, or dated in the future, or too large for an article is reported
    not usable; the folder it writes builds."""
    body = "Shelling\nIdlib, 3 March 2015: shelling hit the town of Saraqib."
    rows = [{"id": "early", "title": "Shelling", "text": body, "date": "1999-03-03"},
            {"id": "future", "title": "Shelling", "text": body + " (2)", "date": "2999-03-03"},
            {"id": "huge", "title": "Shelling", "text": body + " x" * 600_000, "date": "2015-03-03"},
            {"id": "fine", "title": "Shelling", "text": body + " (3)", "date": "2015-03-03"}]
    source = tmp_path / "wire.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "out"
    assert import_main([str(source), "--format", "jsonl", "--out", str(out), "--collection-id", "wire",
                        "--publisher", "Wire"]) == 0
    assert [a.article_id for a in read_articles(out)] == ["wire-fine"]
    report = (out / REPORT_FILE).read_text(encoding="utf-8")
    assert "row 1 (wire-early): not usable: published_date 1999-03-03 is not between 2011-01-01" in report
    assert "row 2 (wire-future): not usable: published_date 2999-03-03 is not between" in report
    assert "row 3 (wire-huge): not usable: the text has 1,200,063 bytes, more than max_article_bytes" in report
    build(out, tmp_path / "built", REFERENCE, DATAPACKAGE, SITE_METADATA)


@pytest.mark.parametrize("kept", ["thesis.docx", "articles.csv"])
def test_the_importer_replaces_only_a_folder_an_import_wrote(tmp_path, kept):
    """The import replaces its folder whole: a folder of other files (a thesis, a seeds folder) is refused,
    not emptied; an import's own folder is replaced."""
    source = tmp_path / "wire.jsonl"
    source.write_text(json.dumps({"id": "1", "title": "Shelling", "date": "2015-03-03",
                                  "text": "Shelling\nIdlib was shelled."}) + "\n", encoding="utf-8")
    command = [str(source), "--format", "jsonl", "--collection-id", "wire", "--publisher", "Wire", "--out"]
    out = tmp_path / "out"
    out.mkdir()
    (out / kept).write_bytes(b"mine")
    assert import_main([*command, str(out)]) == 1
    assert sorted(p.name for p in out.iterdir()) == [kept] and (out / kept).read_bytes() == b"mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert import_main([*command, str(empty)]) == 0
    assert import_main([*command, str(empty)]) == 0  # again: the folder is the import's own
    assert [a.article_id for a in read_articles(empty)] == ["wire-1"]


def test_what_the_build_prints_shows_line_breaks_and_bidi_overrides_escaped(seed_copy, reference_copy, extraction_cache,
                                                                           tmp_path):
    """A line break in a metadata value split the one error line in two; a right-to-left override (U+202E)
    in a title reordered what the terminal showed of the review report."""
    rows = list(csv.DictReader((seed_copy / "articles.csv").open(encoding="utf-8", newline="")))
    fields = list(rows[0])
    title = rows[0]["title"]
    rows[0]["title"] = title.replace(" ", " \u202e", 1)
    body = (seed_copy / FIRST).read_text(encoding="utf-8")
    (seed_copy / FIRST).write_text(body.replace(title, rows[0]["title"], 1), encoding="utf-8")

    def write(rows):
        with (seed_copy / "articles.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)

    write(rows)
    command = [sys.executable, "-m", "scripts.build", "--seeds", str(seed_copy), "--out", str(tmp_path / "out"),
               "--reference", str(reference_copy), "--jobs", "1", "--cache", str(extraction_cache)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    report = (tmp_path / "out" / "review" / f"{FIRST[:-4]}.txt").read_text(encoding="utf-8")
    assert "\u202e" not in report and title.replace(" ", " \\u202e", 1) in report
    write([dict(rows[0], seed_file=FIRST[:-4] + "\n.txt"), *rows[1:]])
    failed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert failed.returncode == 1 and failed.stderr.count("\n") == 1, failed.stderr
    assert failed.stderr.startswith("build failed: ") and FIRST[:-4] + "\\n.txt" in failed.stderr

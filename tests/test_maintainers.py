"""The maintainers' path: add an article and get its review report; reviewers' corrections kept as data."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scripts.add_article import add_article
from scripts.build import ROOT
from scripts.errors import BuildError
from scripts.reviews import read_reviews

from .conftest import DATAPACKAGE, REFERENCE, SEEDS, SITE_METADATA, run_build, seeds_without_collections

FIXTURES = ROOT / "tests" / "fixtures"


def _fixture_row(seed_file: str) -> dict[str, str]:
    with (FIXTURES / "articles.csv").open(encoding="utf-8", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["seed_file"] == seed_file)


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def seeds(tmp_path) -> Path:
    return seeds_without_collections(tmp_path / "seeds")


def _add(seeds: Path, out: Path, seed_file: str = "f02_kafr_nubl_market.txt") -> str:
    row = _fixture_row(seed_file)
    return add_article(FIXTURES / seed_file, {k: v for k, v in row.items() if k != "seed_file"}, seeds, out,
                       REFERENCE, DATAPACKAGE, SITE_METADATA)


# Adding an article ---------------------------------------------------------------------------------

def test_adding_a_fixture_article_yields_its_review_report(seeds, built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    article_id = _add(seeds, out)
    raw = (FIXTURES / "f02_kafr_nubl_market.txt").read_bytes()
    assert article_id == f"005_{hashlib.sha256(raw).hexdigest()[:16]}"  # the next number after the five seeds
    assert (seeds / f"{article_id}.txt").read_bytes() == raw
    assert _csv(seeds / "articles.csv")[-1]["seed_file"] == f"{article_id}.txt"
    report = (out / "review" / f"{article_id}.txt").read_text(encoding="utf-8")
    events = [e for e in _csv(out / "data" / "events.csv")
              if e["event_id"] in {m["event_id"] for m in _csv(out / "data" / "event_mentions.csv")
                                   if m["article_id"] == article_id}]
    figures = [f for f in _csv(out / "data" / "figures.csv") if f["article_id"] == article_id]
    assert events and figures
    assert f"Review of {article_id}: Barrel bombs hit Kafr Nubl market" in report
    assert f"Extracted: {len(events)} events, {len(figures)} figures" in report
    for event in events:
        assert event["event_id"] in report
    assert "Not resolved" in report and f"seeds/reviews/{article_id}.yml" in report
    for table, key in (("events", "event_id"), ("figures", "figure_id"), ("articles", "article_id")):
        before = {r[key] for r in _csv(built / "data" / f"{table}.csv")}
        assert before < {r[key] for r in _csv(out / "data" / f"{table}.csv")}, f"{table}: an id changed"


def test_the_build_prints_the_report_of_a_new_article_only(seeds, built, extraction_cache, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    fixture = FIXTURES / "f03_northern_hama.txt"
    shutil.copy(fixture, seeds / fixture.name)
    with (seeds / "articles.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(_fixture_row(fixture.name)), lineterminator="\n").writerow(
            _fixture_row(fixture.name))
    command = [sys.executable, "-m", "scripts.build", "--seeds", str(seeds), "--out", str(out), "--cache",
               str(extraction_cache)]  # the five seeds' extractions of `built`: only the new article is extracted
    printed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "Review of f03_northern_hama: Rebel offensive in northern Hama reaches Souran" in printed
    assert "Unknown names (1)" in printed and "Maardes at characters" in printed  # not in the reference files
    assert "seeds/reference/places.csv or actors.yml" in printed
    found = next(line for line in printed.splitlines() if "Maardes at characters" in line)
    assert "(looks like a place: seeds/reference/places.csv)" in found  # the file to add it to, by its kind
    assert "Review of 000_" not in printed  # the articles already built are not reported again
    again = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "Review of" not in again


def test_a_bad_article_changes_nothing(seeds, built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    before = {p.name: p.read_bytes() for p in seeds.iterdir() if p.is_file()}
    built_db = (out / "idlib-events.db").read_bytes()
    wrong = tmp_path / "wrong-title.txt"
    wrong.write_bytes((FIXTURES / "f02_kafr_nubl_market.txt").read_bytes())
    row = {k: v for k, v in _fixture_row("f02_kafr_nubl_market.txt").items() if k != "seed_file"}
    with pytest.raises(BuildError, match=r"wrong-title\.txt|title .* does not occur"):
        add_article(wrong, {**row, "title": "A headline that is not in the text"}, seeds, out, REFERENCE,
                    DATAPACKAGE, SITE_METADATA)
    assert {p.name: p.read_bytes() for p in seeds.iterdir() if p.is_file()} == before
    assert (out / "idlib-events.db").read_bytes() == built_db
    with pytest.raises(BuildError, match="in the seeds already"):
        add_article(SEEDS / "000_51629ae7086d7ade.txt", row, seeds, out, REFERENCE, DATAPACKAGE, SITE_METADATA)
    with pytest.raises(BuildError, match=r"/dev/zero: not a file"):  # a device would be read for ever
        add_article(Path("/dev/zero"), row, seeds, out, REFERENCE, DATAPACKAGE, SITE_METADATA)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: only what the limit allows is read
    with pytest.raises(BuildError, match=r"huge\.txt: more than max_article_bytes \(1,000,000\) in limits\.yml"):
        add_article(huge, row, seeds, out, REFERENCE, DATAPACKAGE, SITE_METADATA)
    assert {p.name: p.read_bytes() for p in seeds.iterdir() if p.is_file()} == before


# Reviews -------------------------------------------------------------------------------------------

def test_the_seed_reviews_are_applied_and_marked(db):
    reviews = db.execute("select * from reviews").fetchall()
    files = sorted((SEEDS / "reviews").glob("*.yml"))
    expected = sum(len(entries or []) for f in files for section in ("events", "figures")
                   for entries in (yaml.safe_load(f.read_text(encoding="utf-8")).get(section) or {}).values())
    assert files and len(reviews) == expected
    for review in reviews:
        table, key = review["target_table"], {"events": "event_id", "figures": "figure_id"}[review["target_table"]]
        row = db.execute(f"select * from {table} where {key} = ?", [review["target_id"]]).fetchone()
        if review["action"] == "reject":
            assert row is None
        else:
            assert row["review_status"] == "reviewed", review["target_id"]
    reviewed = ("select {} from events where review_status = 'reviewed' and event_id in "
                "(select event_id from event_mentions where quote like ?)")
    moved = db.execute(reviewed.format("place_id, geo_precision, latitude"),
                       ["%a Syrian missile hit the border area%"]).fetchone()
    assert tuple(moved) == ("bab-al-hawa-crossing", 2, 36.234)
    fixed = db.execute(reviewed.format("event_date, event_date_end, date_basis"),
                       ["%they were continuing attacks on regime checkpoints%"]).fetchone()
    assert tuple(fixed) == ("2015-03-24", "2015-03-26", "review")
    added = db.execute("select * from figures where review_status = 'reviewed' and quote like '%three other bases%'").fetchone()
    body = db.execute("select body from articles where article_id = ?", [added["article_id"]]).fetchone()[0]
    assert body[added["char_start"]:added["char_end"]] == added["quote"] and added["unit"] == "bases"
    untouched = db.execute("select count(*) from events where review_status = 'machine'").fetchone()[0]
    fixed_events = {r["target_id"] for r in reviews if r["target_table"] == "events" and r["action"] in ("fix", "confirm")}
    assert untouched == db.execute("select count(*) from events").fetchone()[0] - len(fixed_events)
    seed_rows = ("select review_status from events join event_mentions using (event_id) where article_id in ({0}) "
                 "union all select review_status from figures where article_id in ({0})")
    articles = ", ".join(f"'{path.stem}'" for path in files)  # a careful review leaves none of its article's rows machine
    assert {status for (status,) in db.execute(seed_rows.format(articles))} == {"reviewed"}


def test_the_extractor_is_measured_without_the_reviews(seeds):
    from scripts.evaluate import evaluate

    gold = ROOT / "tests" / "gold"
    before = evaluate(seeds, gold)
    assert not any("wadi-deif-base" in miss and "Air/drone strike" in miss for miss in before.scores["events"].misses)
    # a review rejecting an event the gold has would lose it, if reviews were applied before measuring
    _review(seeds, "000_51629ae7086d7ade", {"reviewer": "test", "events": {
        "reject": [{"quote": "launching at least 42 airstrikes on Wadi Deif", "reason": "a test rejection"}]}})
    after = evaluate(seeds, gold)
    assert {name: (s.true_positives, s.gold, s.predicted) for name, s in after.scores.items()} == \
        {name: (s.true_positives, s.gold, s.predicted) for name, s in before.scores.items()}


def _review(seeds: Path, article_id: str, content: dict) -> None:
    (seeds / "reviews").mkdir(exist_ok=True)
    (seeds / "reviews" / f"{article_id}.yml").write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")


def test_rejecting_an_event_removes_it_with_its_evidence(seeds, extraction_cache, tmp_path):
    event_id = "000_51629ae7086d7ade-e1551-1724"  # the air strikes on Wadi Deif
    _review(seeds, "000_51629ae7086d7ade", {"reviewer": "test", "events": {
        "reject": [{"quote": "launching at least 42 airstrikes on Wadi Deif", "reason": "a test rejection"}]}})
    out = tmp_path / "out"
    run_build(seeds, out, cache=extraction_cache)
    assert event_id not in {e["event_id"] for e in _csv(out / "data" / "events.csv")}
    assert event_id not in {m["event_id"] for m in _csv(out / "data" / "event_mentions.csv")}
    assert event_id not in {a["event_id"] for a in _csv(out / "data" / "event_actors.csv")}
    unlinked = [f for f in _csv(out / "data" / "figures.csv") if f["review_status"] == "reviewed" and not f["event_id"]]
    assert unlinked  # its figures stay, linked to no event, and say so
    [record] = [r for r in _csv(out / "data" / "reviews.csv") if r["target_id"] == event_id]
    assert (record["action"], record["reason"], record["reviewer"]) == ("reject", "a test rejection", "test")


@pytest.mark.parametrize("content, problem", [
    ({"reviewer": "t", "events": {"fix": [{"quote": "Not a sentence of this article.", "event_date": "2015-01-01",
                                           "reason": "x"}]}},
     r"events\.fix\[0\]: the quote is not in the article"),
    ({"reviewer": "t", "events": {"fix": [{"event_id": "2014-12-15-air-drone-strike-wadi-deif-base",
                                           "event_date": "2014-12-14", "reason": "an entry keyed by an old id"}]}},
     r"events\.fix\[0\]: unknown field\(s\) event_id"),
    ({"reviewer": "t", "events": {"fix": [{"quote": "42 airstrikes on Wadi Deif", "reason": "x",
                                           "event_date": "15 Dec"}]}},
     r"events\.fix\[0\]\.event_date: not an ISO date"),
    ({"reviewer": "t", "events": {"reject": [{"quote": "42 airstrikes on Wadi Deif"}]}},
     r"events\.reject\[0\]: every correction needs a reason"),
    ({"reviewer": "t", "figures": {"add": [{"quote": "Not a sentence of this article.", "value": 1,
                                            "category": "killed", "subject": "people", "reason": "x"}]}},
     r"figures\.add\[0\]: the quote is not in the article"),
    ({"reviewer": "t", "figures": {"add": [{"quote": "x", "value": 1, "colour": "red", "reason": "x"}]}},
     r"figures\.add\[0\]: unknown field\(s\) colour"),
    ({"events": {}}, r"reviewer: say who reviewed"),
])
def test_a_review_that_does_not_apply_stops_the_build_naming_file_and_entry(seeds, built, extraction_cache, tmp_path,
                                                                           content, problem):
    _review(seeds, "000_51629ae7086d7ade", content)
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    before = (out / "data" / "events.csv").read_bytes()
    with pytest.raises(BuildError, match=rf"000_51629ae7086d7ade\.yml: {problem}"):
        run_build(seeds, out, cache=extraction_cache)
    assert (out / "data" / "events.csv").read_bytes() == before


def test_a_review_file_must_name_an_article(seeds):
    _review(seeds, "999_missing", {"reviewer": "t"})
    with pytest.raises(BuildError, match=r"999_missing\.yml: no article '999_missing'"):
        read_reviews(seeds, {p.stem for p in seeds.glob("*.txt")})

"""Ids made from evidence (scripts/ids.py): refining what is read, adding an article or reviewing leaves them as they were."""

from __future__ import annotations

import copy
import csv
import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from scripts.extraction_runs import run_extractions
from scripts.reference import load_reference
from scripts.reviews import Review, apply_reviews
from scripts.seeds import read_articles
from scripts.tables import merged_tables

from .conftest import REFERENCE, seeds_without_collections

ARTICLE = "002_aa788a606ac512d4"
CLASH = "said on Thursday they were continuing attacks on regime checkpoints"  # Idlib city, 26 March 2015


@pytest.fixture(scope="module")
def reference():
    return load_reference(REFERENCE)


@pytest.fixture(scope="module")
def extractions(reference, tmp_path_factory):
    seeds = seeds_without_collections(tmp_path_factory.mktemp("ids") / "seeds")
    return run_extractions(read_articles(seeds, None, reference.published), reference).extractions


def _ids(tables) -> set[str]:
    return {row["event_id"] for row in tables["events"]} | {row["figure_id"] for row in tables["figures"]}


def _clash(tables) -> dict:
    mention = next(m for m in tables["event_mentions"] if m["article_id"] == ARTICLE and CLASH in m["quote"])
    return next(e for e in tables["events"] if e["event_id"] == mention["event_id"])


def test_refining_what_is_read_of_an_event_keeps_its_id(extractions, reference):
    before = merged_tables(extractions, reference)
    clash = _clash(before)
    refined = copy.deepcopy(extractions)
    reports = {(m["article_id"], m["char_start"]) for m in before["event_mentions"] if m["event_id"] == clash["event_id"]}
    mentions = [m for x in refined for m in x.events if (m.article_id, m.sentence.start) in reports
                and (m.sub_event_type, m.place_id) == (clash["sub_event_type"], clash["place_id"])]
    assert len(mentions) == len(reports) > 1
    for mention in mentions:
        mention.when = dataclasses.replace(mention.when, first=mention.when.first - timedelta(days=2),
                                           last=mention.when.last - timedelta(days=2), precision="day")
        mention.place_id = "qarmid-base"
        mention.sub_event_type = "Attack"
        mention.attackers, mention.targets = ["syrian-government-forces"], ["jaysh-al-fath"]
    after = merged_tables(refined, reference)
    moved = next(e for e in after["events"] if e["event_id"] == clash["event_id"])
    assert (moved["event_date"], moved["place_id"], moved["sub_event_type"], moved["actor1_id"]) == (
        "2015-03-24", "qarmid-base", "Attack", "syrian-government-forces")
    assert _ids(after) == _ids(before)


def _add_article(seeds: Path, name: str, title: str, body: str) -> None:
    """A new article as `make add-article` writes it: the next number, its text and its metadata row."""
    (seeds / f"{name}.txt").write_text(body, encoding="utf-8")
    with (seeds / "articles.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [f"{name}.txt", title, "Test Wire", "2015-03-27", "stated", "", "", "", "en", "test text"])


def test_an_unrelated_article_leaves_every_id_as_it_was(extractions, reference, tmp_path):
    before = merged_tables(extractions, reference)
    seeds = seeds_without_collections(tmp_path / "seeds")
    # The old ids were date-type-place: this day's shelling of the province took the id of the week's shelling
    # of 002 (which starts that day), and that event became "-2".
    _add_article(seeds, "005_0000000000000000", "Activists report on the province",
                 "Activists report on the province\n\nOn Friday, 20 March 2015, government artillery shelled villages "
                 "in Idlib province, local activists said.\n")
    added = run_extractions(read_articles(seeds, None, reference.published), reference).extractions
    after = merged_tables(added, reference)
    new = [e for e in after["events"] if e["event_id"] not in _ids(before)]
    assert [(e["event_date"], e["sub_event_type"], e["place_id"]) for e in new] == [
        ("2015-03-20", "Shelling/artillery/missile attack", "idlib-governorate")]
    assert _ids(before) <= _ids(after)
    old = {e["event_id"]: e["summary"] for e in before["events"]}
    assert {e["event_id"]: e["summary"] for e in after["events"] if e["event_id"] in old} == old


def test_a_review_adding_a_figure_the_extractor_found_does_not_double_it(extractions, reference):
    rows = merged_tables(extractions, reference)
    found = next(f for f in rows["figures"] if f["article_id"] == ARTICLE and f["category"] == "killed")
    entry = {"quote": found["quote"], "value": found["value"], "category": "executed", "subject": "prisoners",
             "reason": "test: the extractor reads this figure already"}
    review = Review(ARTICLE, Path(f"{ARTICLE}.yml"), "test", {"reject": [], "fix": []}, {"reject": [], "add": [entry]})
    reviewed = apply_reviews(rows, [review], reference.lexicon["figures"]["units"]["by_category"])
    assert len(reviewed["figures"]) == len(rows["figures"])
    same = next(f for f in reviewed["figures"] if f["figure_id"] == found["figure_id"])
    assert (same["category"], same["subject"], same["review_status"]) == ("executed", "prisoners", "reviewed")
    assert [(r["target_id"], r["action"]) for r in reviewed["reviews"]] == [(found["figure_id"], "fix")]

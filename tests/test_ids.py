"""Ids made from evidence (scripts/ids.py): refining what is read, adding an article or reviewing leaves them as they
were; and reviews that name their rows by a quote (scripts/reviews.py) keep applying when the extractor reads differently."""

from __future__ import annotations

import copy
import csv
import dataclasses
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from scripts.errors import BuildError
from scripts.extraction import dates
from scripts.extraction_runs import run_extractions
from scripts.review_report import article_report
from scripts.reviews import Review, apply_reviews, read_review, role_names
from scripts.schema import load_descriptor, tables
from scripts.seeds import read_articles
from scripts.tables import merged_tables

from .conftest import DATAPACKAGE, run_build, seeds_without_collections

ARTICLE = "002_aa788a606ac512d4"
CLASH = "said on Thursday they were continuing attacks on regime checkpoints"  # Idlib city, 26 March 2015


@pytest.fixture(scope="module")
def extractions(reference, tmp_path_factory):
    seeds = seeds_without_collections(tmp_path_factory.mktemp("ids") / "seeds")
    return run_extractions(read_articles(seeds, None, reference.published), reference).extractions


def _ids(tables) -> set[str]:
    return {row["event_id"] for row in tables["events"]} | {row["figure_id"] for row in tables["figures"]}


def _clash(tables) -> dict:
    mention = next(m for m in tables["event_mentions"] if m["article_id"] == ARTICLE and CLASH in m["quote"])
    return next(e for e in tables["events"] if e["event_id"] == mention["event_id"])


def _reported_twice(tables) -> dict:
    """The first event that two or more sentences report."""
    reports = Counter(m["event_id"] for m in tables["event_mentions"])
    event_id = min(e for e, n in reports.items() if n > 1)
    return next(e for e in tables["events"] if e["event_id"] == event_id)


def test_refining_what_is_read_of_an_event_keeps_its_id(extractions, reference):
    before = merged_tables(extractions, reference)
    clash = _reported_twice(before)
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
    earlier = (date.fromisoformat(clash["event_date"]) - timedelta(days=2)).isoformat()
    assert (moved["event_date"], moved["place_id"], moved["sub_event_type"], moved["actor1_id"]) == (
        earlier, "qarmid-base", "Attack", "syrian-government-forces")
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
    value = found["value"] if found["value"] is not None else found["value_low"]  # a vague word: its low bound
    entry = {"quote": found["quote"], "value": value, "category": "executed", "subject": "prisoners",
             "reason": "test: the extractor reads this figure already"}
    review = Review(ARTICLE, Path(f"{ARTICLE}.yml"), "test", {"reject": [], "fix": []}, {"reject": [], "add": [entry]})
    reviewed = apply_reviews(rows, [review], reference.extraction["figures"]["figures"]["units"]["by_category"])
    assert len(reviewed["figures"]) == len(rows["figures"])
    same = next(f for f in reviewed["figures"] if f["figure_id"] == found["figure_id"])
    assert (same["category"], same["subject"], same["review_status"]) == ("executed", "prisoners", "reviewed")
    assert [(r["target_id"], r["action"]) for r in reviewed["reviews"]] == [(found["figure_id"], "fix")]


def _read_review(folder: Path, article_id: str, content: dict) -> Review:
    path = folder / f"{article_id}.yml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return read_review(path, {article_id})


def test_a_review_keyed_by_its_quote_applies_when_the_extractor_moves_the_date(reference, tmp_path, monkeypatch):
    seeds = seeds_without_collections(tmp_path / "seeds")
    articles = read_articles(seeds, None, reference.published)
    review = _read_review(tmp_path, ARTICLE, {"reviewer": "test", "events": {"fix": [
        {"quote": CLASH, "place_id": "qarmid-base", "reason": "test: the checkpoints are the base's"}]}})
    units = reference.extraction["figures"]["figures"]["units"]["by_category"]

    def reviewed_clash() -> tuple[dict, dict]:
        rows = merged_tables(run_extractions(articles, reference).extractions, reference)
        return _clash(rows), _clash(apply_reviews(rows, [review], units))

    machine, fixed = reviewed_clash()
    place = machine["place_id"]  # "on Idlib's outskirts": the extractor's reading, which the review corrects
    assert machine["event_date"] == "2015-03-26" and place in {"idlib-city", "idlib-governorate"}
    assert (fixed["place_id"], fixed["review_status"]) == ("qarmid-base", "reviewed")

    # The extractor reads every date a week earlier: the event moves, and the review still finds it by its quote.
    find = dates.DateFinder.find
    monkeypatch.setattr(dates.DateFinder, "find", lambda self, sentence: [
        dataclasses.replace(d, first=d.first - timedelta(days=7), last=d.last - timedelta(days=7))
        for d in find(self, sentence)])
    machine, fixed = reviewed_clash()
    assert machine["event_date"] == "2015-03-19" and machine["place_id"] == place
    assert (fixed["event_date"], fixed["place_id"], fixed["review_status"]) == ("2015-03-19", "qarmid-base", "reviewed")


def test_a_stale_review_is_reported_and_the_build_goes_on(extraction_cache, tmp_path):
    seeds = seeds_without_collections(tmp_path / "seeds")
    stale = {"quote": "denied that its forces were on the retreat in Idlib", "event_date": "2015-03-28",
             "reason": "test: a sentence that reports no event"}
    kept = {"quote": CLASH, "place_id": "qarmid-base", "reason": "test: still applies"}
    (seeds / "reviews" / f"{ARTICLE}.yml").write_text(
        yaml.safe_dump({"reviewer": "test", "events": {"fix": [stale, kept]}}, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    rows = run_build(seeds, out, cache=extraction_cache)
    assert [(r["review_id"], r["action"]) for r in rows["reviews"] if r["article_id"] == ARTICLE] == [(f"{ARTICLE}-2", "fix")]
    report = (out / "build-report.txt").read_text(encoding="utf-8")
    assert "Stale reviewer corrections: 1" in report
    assert f"{ARTICLE}.yml events.fix[0]: no event of this article is reported there any more" in report
    article = " ".join((out / "review" / f"{ARTICLE}.txt").read_text(encoding="utf-8").split())
    assert "Stale reviewer corrections (1)" in article
    assert "events.fix[0] (event_date: 2015-03-28) at “denied that its forces were on the retreat in Idlib”" in article
    assert "Reason given: test: a sentence that reports no event" in article


def test_a_quote_picks_one_row_or_the_correction_is_stale(extractions, reference, tmp_path):
    rows = merged_tables(extractions, reference)
    units = reference.extraction["figures"]["figures"]["units"]["by_category"]
    review = _read_review(tmp_path, ARTICLE, {"reviewer": "test", "events": {"reject": [
        {"quote": "a Syrian missile hit the border area", "reason": "test: two events are reported there"},
        {"quote": "near the Bab al-Hawa border crossing", "reason": "test: the quote names the place of one"}]}})
    reviewed = apply_reviews(rows, [review], units)
    [stale] = reviewed["stale_reviews"]
    assert (stale["where"], stale["problem"]) == (
        "events.reject[0]", "2 events of this article are reported there (quote the words that name the event's place, "
                            "or give reported_as)")
    [record] = reviewed["reviews"]
    assert record["review_id"] == f"{ARTICLE}-2"
    assert next(e for e in rows["events"] if e["event_id"] == record["target_id"])["place_id"] == "bab-al-hawa-crossing"
    assert record["target_id"] not in {e["event_id"] for e in reviewed["events"]}


def test_a_figure_is_rejected_by_the_quote_of_its_number(extractions, reference, tmp_path):
    rows = merged_tables(extractions, reference)
    article = "001_69ba249cb100d0c6"
    review = _read_review(tmp_path, article, {"reviewer": "test", "figures": {"reject": [
        {"quote": "government raids killed 73 civilians", "reason": "test"},
        {"quote": "government raids killed 73 civilians", "value": 74, "reason": "test: no such number there"}]}})
    reviewed = apply_reviews(rows, [review], reference.extraction["figures"]["figures"]["units"]["by_category"])
    assert [(r["target_id"], r["action"]) for r in reviewed["reviews"]] == [(f"{article}-f514-516", "reject")]
    assert f"{article}-f514-516" not in {f["figure_id"] for f in reviewed["figures"]}
    assert [s["problem"] for s in reviewed["stale_reviews"]] == [
        "no figure of this article has its number there any more"]


SEED_ROLES = role_names(tables(load_descriptor(DATAPACKAGE)))  # those of event_actors.role
BOMBERS = "at least two suicide bombers in cars laden with explosives targeted entrances to the base"  # 001, Qarmid
LEAD = "Al-Qaeda's Syria affiliate and rebel allies overran a regime military base in Idlib on Monday"  # 001


def _event_told(tables, article_id: str, words: str, sub_event_type: str | None = None) -> dict:
    told = {m["event_id"] for m in tables["event_mentions"] if m["article_id"] == article_id and words in m["quote"]}
    [event] = [e for e in tables["events"] if e["event_id"] in told and sub_event_type in (None, e["sub_event_type"])]
    return event


def test_a_review_sets_an_events_actors_by_role(extractions, reference, tmp_path):
    rows = merged_tables(extractions, reference)
    article = "001_69ba249cb100d0c6"
    bombing = _event_told(rows, article, BOMBERS)
    assert {(r["actor_id"], r["role"]) for r in rows["event_actors"] if r["event_id"] == bombing["event_id"]} == {
        ("syrian-rebels", "attacker")}  # the extractor's reading: no target
    review = _read_review(tmp_path, article, {"reviewer": "test", "events": {"fix": [{
        "quote": BOMBERS, "actors": {"attacker": ["jaysh-al-fath"], "associated": ["jabhat-al-nusra"],
                                     "target": ["syrian-government-forces"]}, "reason": "test: the regime's base was hit"}]}})
    units = reference.extraction["figures"]["figures"]["units"]["by_category"]
    reviewed = apply_reviews(rows, [review], units, roles=SEED_ROLES)
    fixed = next(e for e in reviewed["events"] if e["event_id"] == bombing["event_id"])
    assert (fixed["actor1_id"], fixed["actor2_id"], fixed["review_status"]) == (
        "jaysh-al-fath", "syrian-government-forces", "reviewed")
    assert {(r["actor_id"], r["role"]) for r in reviewed["event_actors"] if r["event_id"] == bombing["event_id"]} == {
        ("jaysh-al-fath", "attacker"), ("jabhat-al-nusra", "associated"), ("syrian-government-forces", "target")}
    others = [r for r in rows["event_actors"] if r["event_id"] != bombing["event_id"]]
    assert [r for r in reviewed["event_actors"] if r["event_id"] != bombing["event_id"]] == others
    [record] = reviewed["reviews"]
    assert "actors: attacker syrian-rebels → associated jabhat-al-nusra; attacker jaysh-al-fath; target " \
           "syrian-government-forces" in record["changes"]


@pytest.mark.parametrize("actors, problem", [
    ({"perpetrator": ["jaysh-al-fath"]}, "events.fix[0].actors: unknown role 'perpetrator' (roles: attacker, target, "),
    ({"attacker": ["army-of-conquest"]}, "events.fix[0].actors.attacker: no actor 'army-of-conquest' in actors.yml"),
    ({"attacker": ["jaysh-al-fath"], "target": ["jaysh-al-fath"]}, "events.fix[0].actors.target: jaysh-al-fath has two roles"),
])
def test_a_wrong_role_or_actor_in_a_review_is_one_line(extractions, reference, tmp_path, actors, problem):
    rows = merged_tables(extractions, reference)
    article = "001_69ba249cb100d0c6"
    review = _read_review(tmp_path, article, {"reviewer": "test", "events": {"fix": [
        {"quote": BOMBERS, "actors": actors, "reason": "test"}]}})
    units = reference.extraction["figures"]["figures"]["units"]["by_category"]
    with pytest.raises(BuildError) as raised:
        apply_reviews(rows, [review], units, roles=SEED_ROLES)
    assert str(raised.value).startswith(f"{tmp_path / article}.yml: {problem}")


def test_reported_as_tells_apart_the_events_of_one_passage(extractions, reference, tmp_path):
    """The lead reports Monday's capture and Sunday's raids, both placed at the province: the quote alone cannot
    say which to reject; the type the extractor gave one of them can."""
    rows = merged_tables(extractions, reference)
    article = "001_69ba249cb100d0c6"
    capture = _event_told(rows, article, LEAD, "Non-state actor overtakes territory")
    raids = _event_told(rows, article, LEAD, "Air/drone strike")
    assert capture["place_id"] == raids["place_id"] == "idlib-governorate"
    review = _read_review(tmp_path, article, {"reviewer": "test", "events": {"reject": [
        {"quote": LEAD, "reason": "test: two events are reported there"},
        {"quote": LEAD, "reported_as": "Government regains territory", "reason": "test: no such event there"},
        {"quote": LEAD, "reported_as": "Non-state actor overtakes territory", "reason": "test: the capture"}]}})
    reviewed = apply_reviews(rows, [review], reference.extraction["figures"]["figures"]["units"]["by_category"])
    assert [(s["where"], s["problem"]) for s in reviewed["stale_reviews"]] == [
        ("events.reject[0]", "2 events of this article are reported there (quote the words that name the event's "
                             "place, or give reported_as)"),
        ("events.reject[1]", "no event of this article is reported there any more as Government regains territory")]
    assert [(r["target_id"], r["action"]) for r in reviewed["reviews"]] == [(capture["event_id"], "reject")]
    assert raids["event_id"] in {e["event_id"] for e in reviewed["events"]}


def test_a_review_unlinks_a_figure_from_the_wrong_event(extractions, reference, tmp_path):
    """Rami Abdel Rahman's 19 children are among the province's 73 dead, not Darkush's: the review moves them, and
    null takes a link away."""
    rows = merged_tables(extractions, reference)
    article = "001_69ba249cb100d0c6"
    raids = _event_told(rows, article, LEAD, "Air/drone strike")
    children = next(f for f in rows["figures"] if f["article_id"] == article and f["subject"] == "children"
                    and "19 children" in f["quote"])
    assert children["event_id"] != raids["event_id"]
    quote = "19 children and 11 women were among the dead"
    review = _read_review(tmp_path, article, {"reviewer": "test", "figures": {"add": [
        {"quote": quote, "value": 19, "category": "killed", "subject": "children", "event_id": raids["event_id"],
         "reason": "test: among the 73"},
        {"quote": quote, "value": 11, "category": "killed", "subject": "women", "event_id": None,
         "claimed_by_actor_id": None, "reason": "test: unlinked"}]}})
    reviewed = apply_reviews(rows, [review], reference.extraction["figures"]["figures"]["units"]["by_category"])
    moved = next(f for f in reviewed["figures"] if f["figure_id"] == children["figure_id"])
    women = next(f for f in reviewed["figures"] if f["article_id"] == article and f["subject"] == "women"
                 and "11 women" in f["quote"])
    assert (moved["event_id"], moved["review_status"]) == (raids["event_id"], "reviewed")
    assert (women["event_id"], women["claimed_by_actor_id"], women["review_status"]) == (None, None, "reviewed")


def test_a_figure_added_without_a_unit_is_one_line(extractions, reference, tmp_path):
    """A distance has no unit of its own category: a new one without `unit` would publish an empty unit."""
    rows = merged_tables(extractions, reference)
    article = "003_4fee710319d38640"
    review = _read_review(tmp_path, article, {"reviewer": "test", "figures": {"add": [
        {"quote": "the road leading eastward to Ariha", "value": 12, "category": "distance", "subject": "road",
         "reason": "test: no number, no unit"}]}})
    with pytest.raises(BuildError) as raised:
        apply_reviews(rows, [review], reference.extraction["figures"]["figures"]["units"]["by_category"])
    assert str(raised.value) == (f"{tmp_path / article}.yml: figures.add[0]: missing unit (category distance has no "
                                 "unit of its own)")


DARKUSH = "Raids there on Sunday hit a marketplace, killing 53 people"  # 001


def test_the_seed_review_confirms_darkush_as_read_changing_no_value(extractions, reference):
    """001's review confirms the Darkush raids and their 53 dead: both say reviewed, every value as the extractor read
    it, and each confirmation is a row of `reviews` with its reason, listed in the article's review report."""
    article = "001_69ba249cb100d0c6"
    units = reference.extraction["figures"]["figures"]["units"]["by_category"]
    rows = apply_reviews(merged_tables(extractions, reference), [], units)  # as the extractor read them: machine
    review = read_review(Path("seeds") / "reviews" / f"{article}.yml", {article})
    reviewed = apply_reviews(rows, [review], units, roles=SEED_ROLES)
    raids = _event_told(rows, article, DARKUSH)
    toll = next(f for f in rows["figures"] if f["article_id"] == article and "killing 53 people" in f["quote"]
                and f["value"] == 53)
    for table, key, row in (("events", "event_id", raids), ("figures", "figure_id", toll)):
        confirmed = next(r for r in reviewed[table] if r[key] == row[key])
        assert (row["review_status"], confirmed["review_status"]) == ("machine", "reviewed")
        assert {k: v for k, v in confirmed.items() if k != "review_status"} == {
            k: v for k, v in row.items() if k != "review_status"}
        [record] = [r for r in reviewed["reviews"] if r["target_id"] == row[key]]
        assert (record["action"], record["target_table"]) == ("confirm", table) and record["reason"]
    assert sorted(r["role"] + " " + r["actor_id"] for r in reviewed["event_actors"] if r["event_id"] == raids["event_id"]) \
        == ["attacker syrian-government-forces", "target civilians"]
    assert reviewed["stale_reviews"] == []
    report = " ".join(article_report(article, reviewed).split())
    assert (f"confirm {raids['event_id']} (event_date: 2015-04-26; sub_event_type: Air/drone strike; place_id: "
            "darkush; actors: attacker syrian-government-forces; target civilians): The deadliest") in report


def test_a_confirmation_whose_row_is_gone_or_reads_otherwise_is_stale(extractions, reference, tmp_path):
    """A confirmation finds its row as a fix does; gone, or reading otherwise than it says, it is listed as stale,
    and the row stays machine."""
    article = "001_69ba249cb100d0c6"
    rows = merged_tables(extractions, reference)
    review = _read_review(tmp_path, article, {"reviewer": "test", "events": {"confirm": [
        {"quote": "He had no immediate information on rebel casualties.", "reason": "test: no event there"},
        {"quote": DARKUSH, "place_id": "idlib-governorate", "actors": {"attacker": ["syrian-government-forces"]},
         "reason": "test: another reading"}]},
        "figures": {"confirm": [
            {"quote": "He had no immediate information", "reason": "test: no number there"},
            {"quote": "killing 53 people", "category": "wounded", "reason": "test: another reading"}]}})
    units = reference.extraction["figures"]["figures"]["units"]["by_category"]
    reviewed = apply_reviews(rows, [review], units, roles=SEED_ROLES)
    assert [(s["where"], s["asked"], s["problem"]) for s in reviewed["stale_reviews"]] == [
        ("events.confirm[0]", "confirm", "no event of this article is reported there any more"),
        ("events.confirm[1]", "place_id: idlib-governorate; actors: {'attacker': ['syrian-government-forces']}",
         "the row reads place_id: darkush, not idlib-governorate; actors: attacker syrian-government-forces; target "
         "civilians, not attacker syrian-government-forces"),
        ("figures.confirm[0]", "confirm", "no figure of this article has its number there any more"),
        ("figures.confirm[1]", "category: wounded", "the row reads category: killed, not wounded")]
    assert reviewed["reviews"] == []
    assert _event_told(reviewed, article, DARKUSH)["review_status"] == "machine"
    report = " ".join(article_report(article, reviewed).split())
    assert "events.confirm[0] (confirm) at “He had no immediate information on rebel casualties.”" in report

"""Numbers a reader can quote, on the built seeds: fatalities low / best / high from an event's own tolls, vague
words kept as words, whole numbers as integers, totals that count each death once, contested figures that are
contests."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from scripts.extraction_runs import run_extractions
from scripts.reviews import Review, apply_reviews
from scripts.seeds import read_articles
from scripts.tables import FATALITY_CATEGORIES, link_parts, merged_tables, read_sides, subject_side

from .conftest import REFERENCE, SEEDS

ARTICLE = "001_69ba249cb100d0c6"  # AFP: the 73 killed across Idlib province, Darkush's 53, the Qarmid base
VAGUE = yaml.safe_load((REFERENCE / "extraction" / "figures.yml").read_text(encoding="utf-8"))["numbers"]["vague"]
BOUNDS = ("low", "best", "high")


def _figure_at(db, article_id: str, words: str) -> dict:
    """The figure of the article whose number starts the first occurrence of `words` in its body."""
    body = db.execute("select body from articles where article_id = ?", (article_id,)).fetchone()[0]
    start = body.index(words)
    rows = [dict(r) for r in db.execute("select * from figures where article_id = ?", (article_id,))]
    return next(r for r in rows if f"-f{start}-" in r["figure_id"])


def _query(site_metadata, name: str) -> str:
    return site_metadata["databases"]["idlib-events"]["queries"][name]["sql"]


# -- vague words and integers -------------------------------------------------------------------------------

def test_a_vague_word_keeps_its_word_and_its_low_bound_and_is_no_exact_value(db):
    terrorists = _figure_at(db, ARTICLE, "a number of")
    assert (terrorists["value"], terrorists["value_word"], terrorists["value_low"], terrorists["qualifier"]) == (
        None, "a number of", 2, "vague")
    vague = [dict(r) for r in db.execute("select * from figures where qualifier = 'vague'")]
    assert vague, "the seeds have vague figures"
    for row in vague:
        assert row["value"] is None and row["value_word"] in VAGUE, row
        assert row["value_low"] == VAGUE[row["value_word"]]["low"], row
    assert db.execute("select count(*) from figures where value is null and qualifier != 'vague'").fetchone()[0] == 0


def test_scores_of_people_is_scores_with_its_low_bound_not_40(db):
    scores = _figure_at(db, "004_6c79dcc6d6c20d5a", "scores")
    assert (scores["value"], scores["value_word"], scores["value_low"]) == (None, "scores", 40)


def test_every_vague_word_published_is_in_the_one_list(db):
    words = {r[0] for r in db.execute("select distinct value_word from figures where value_word is not null")}
    assert words and words <= set(VAGUE)


def test_whole_numbers_are_integers_in_the_database_and_the_csvs(db, built):
    for column in ("value", "value_low", "value_high"):
        kinds = dict(db.execute(f"select typeof({column}), count(*) from figures group by 1").fetchall())
        assert "real" not in kinds or db.execute(
            f"select count(*) from figures where typeof({column}) = 'real' and {column} = cast({column} as integer)"
        ).fetchone()[0] == 0, column
        assert kinds.get("integer"), column
    assert db.execute("select typeof(value) from figures where value = 73 limit 1").fetchone()[0] == "integer"
    for name in ("figures", "events"):
        with (built / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                numbers = {k: v for k, v in row.items() if k.startswith(("value", "fatalities"))}
                assert not [v for v in numbers.values() if re.fullmatch(r"-?\d+\.0", v)], (name, row)


# -- fatalities: low / best / high from the event's own tolls -------------------------------------------------

def _events(db) -> list[dict]:
    return [dict(r) for r in db.execute("select * from events")]


def _figures(db) -> dict[str, dict]:
    return {r["figure_id"]: dict(r) for r in db.execute("select * from figures")}


def test_fatality_bounds_come_from_the_events_own_tolls_and_are_ordered(db):
    figures = _figures(db)
    tolled = [e for e in _events(db) if e["fatalities_low"] is not None]
    assert tolled
    for event in tolled:
        assert event["fatalities_low"] <= event["fatalities_best"] <= event["fatalities_high"], event
        if event["review_status"] == "machine":
            assert event["fatalities"] == event["fatalities_low"], event
        for bound in BOUNDS:
            ids = event[f"fatalities_{bound}_figures"].split("; ")
            used = [figures[i] for i in ids]
            for figure in used:  # its own figures, never a sub-count, never another event's count
                assert figure["event_id"] == event["event_id"], (event["event_id"], figure)
                assert figure["category"] in FATALITY_CATEGORIES and figure["part_of_figure_id"] is None, figure
            assert sum(f["value"] if f["value"] is not None else f["value_low"] for f in used) == \
                event[f"fatalities_{bound}"], (event["event_id"], bound)
    untolled = [e for e in _events(db) if e["fatalities_low"] is None]
    assert all(e[f"fatalities_{b}_figures"] is None for e in untolled for b in BOUNDS)


def test_the_qarmid_capture_counts_the_15_soldiers_and_the_vague_terrorists_only_as_their_low_bound(db, rows_001, reference):
    # As the extractor reads 001, both tolls are the capture's: two sides add up, 15 soldiers and "a number of"
    # terrorists with its low bound (2), never more.
    read = apply_reviews(rows_001, [], reference.extraction["figures"]["figures"]["units"]["by_category"])
    body = next(a["body"] for a in read["articles"] if a["article_id"] == ARTICLE)
    soldiers, terrorists = (next(f for f in read["figures"] if f"-f{body.index(words)}-" in f["figure_id"])
                            for words in ("15 soldiers", "a number of"))
    assert soldiers["event_id"] == terrorists["event_id"]
    assert (soldiers["subject_side"], terrorists["subject_side"]) == ("government", "opposition")
    event = next(e for e in read["events"] if e["event_id"] == soldiers["event_id"])
    assert event["place_id"] == "qarmid-base"
    assert (event["fatalities_low"], event["fatalities_best"], event["fatalities_high"]) == (17, 17, 17)
    assert event["fatalities_low_figures"] == "; ".join(sorted([soldiers["figure_id"], terrorists["figure_id"]]))
    # As reviewed, the 15 are the dead of the car bombs that opened the assault (003), counted once, on the
    # bombing; the capture keeps the terrorists' low bound.
    soldiers, terrorists = _figure_at(db, ARTICLE, "15 soldiers"), _figure_at(db, ARTICLE, "a number of")
    bombing, capture = (dict(db.execute("select * from events where event_id = ?", (f["event_id"],)).fetchone())
                        for f in (soldiers, terrorists))
    assert (bombing["sub_event_type"], bombing["place_id"], bombing["fatalities_low"]) == ("Suicide bomb", "qarmid-base", 15)
    assert (capture["fatalities_low"], capture["fatalities_high"], capture["fatalities_low_figures"]) == (
        2, 2, terrorists["figure_id"])


def test_two_sources_for_one_side_give_the_low_and_the_high_with_their_claimants(default_db):
    """Where sources differ on one count (FA-KES outlets citing different tolls for the same strike; in the
    reviewed seeds no two sources differ), the low is the lowest source's number and the high the highest's,
    each with the figures that give it."""
    checked = 0
    for event in default_db.execute("select * from events where fatalities_low < fatalities_high"):
        tolls = [dict(f) for f in default_db.execute(
            "select * from figures where event_id = ? and category in ('killed', 'executed') "
            "and part_of_figure_id is null and value is not null", (event["event_id"],))]
        if len({t["subject_side"] for t in tolls}) != 1 or event["review_status"] == "reviewed":
            continue  # one count: the same side (or none) throughout
        largest: dict[tuple, int] = {}
        for toll in tolls:
            source = (toll["article_id"], toll["claimed_by_actor_id"])
            largest[source] = max(largest.get(source, 0), toll["value"])
        assert (event["fatalities_low"], event["fatalities_high"]) == (min(largest.values()), max(largest.values()))
        by_id = {t["figure_id"]: t for t in tolls}
        for bound in ("low", "high"):
            given = [by_id[f] for f in event[f"fatalities_{bound}_figures"].split("; ")]
            assert sum(f["value"] for f in given) == event[f"fatalities_{bound}"], (event["event_id"], bound)
        checked += 1
    assert checked  # the default build: an air raid on an Aleppo school, 2 May 2014 (SOHR 15, state media 18)


def test_a_sub_count_belongs_to_the_event_of_its_whole_and_adds_nothing(db):
    for words in ("19 children", "11 women"):
        part = _figure_at(db, ARTICLE, words)
        whole = _figures(db)[part["part_of_figure_id"]]
        assert (whole["value"], whole["subject"]) == (73, "civilians")
        assert part["event_id"] == whole["event_id"], f"{words} is attached to another event than its 73"
    event = dict(db.execute("select * from events where event_id = ?", (whole["event_id"],)).fetchone())
    assert event["fatalities"] == 73


def test_sides_are_read_from_the_words_of_the_subject(reference):
    sides = read_sides(reference.extraction["figures"])
    assert [subject_side(s, sides) for s in ("pro - regime soldiers", "regime troops", "terrorists",
                                             "anti - government gunmen", "Syrian rebel fighters", "children",
                                             "people", "fighters")] == [
        "government", "government", "opposition", "opposition", "opposition", "civilians", None, None]


# -- totals count each death once -------------------------------------------------------------------------

def test_darkush_lies_inside_the_same_days_strikes_across_idlib_province(db):
    darkush = dict(db.execute("select * from events where place_id = 'darkush'").fetchone())
    province = dict(db.execute("select * from events where event_id = ?", (darkush["part_of_event_id"],)).fetchone())
    assert (province["place_id"], province["event_date"], province["sub_event_type"]) == (
        "idlib-governorate", darkush["event_date"], darkush["sub_event_type"])
    assert (darkush["fatalities"], province["fatalities"]) == (53, 73)
    assert darkush["fatalities_in_totals"] is None and province["fatalities_in_totals"] == 73


def test_every_part_is_inside_its_event_by_place_date_and_type(db, reference):
    from scripts.extraction.places import inside
    events = {e["event_id"]: e for e in _events(db)}
    places = {**reference.places}
    parts = [e for e in events.values() if e["part_of_event_id"]]
    assert parts
    for part in parts:
        whole = events[part["part_of_event_id"]]
        assert whole["part_of_event_id"] is None or whole["part_of_event_id"] != part["event_id"]
        for key in ("event_type", "sub_event_type", "event_date", "event_date_end"):
            assert part[key] == whole[key], (part["event_id"], key)
        if part["place_id"] in places and whole["place_id"] in places:
            assert inside(places, part["place_id"], whole["place_id"]), part["event_id"]


def _groups(events: list[dict]) -> dict[str, list[dict]]:
    """Events by the outermost event they lie in (themselves when they lie in none)."""
    by_id = {e["event_id"]: e for e in events}
    groups = defaultdict(list)
    for event in events:
        top = event
        while top["part_of_event_id"]:
            top = by_id[top["part_of_event_id"]]
        groups[top["event_id"]].append(event)
    return groups


def test_the_timeline_counts_each_death_once(db, site_metadata):
    rows = [dict(r) for r in db.execute(_query(site_metadata, "timeline_by_month"))]
    events = _events(db)
    expected: dict[str, int] = defaultdict(int)
    for members in _groups(events).values():
        tolls = [e["fatalities"] for e in members if e["fatalities"] is not None]
        expected[members[0]["event_date"][:7]] += max(tolls, default=0)
    for month in {r["month"] for r in rows}:
        assert sum(r["fatalities"] for r in rows if r["month"] == month) == expected[month], month
    naive = sum(e["fatalities"] or 0 for e in events if e["event_date"].startswith("2015-04"))
    april = sum(r["fatalities"] for r in rows if r["month"] == "2015-04")
    assert april <= naive - 53, "Darkush's 53 are counted again beside the province's 73"
    assert "each death is counted once" in site_metadata["databases"]["idlib-events"]["queries"][
        "timeline_by_month"]["description"].lower()


def test_the_chart_counts_an_event_inside_another_once(db, site_metadata):
    chart = site_metadata["plugins"]["datasette-dashboards"]["overview"]["charts"]["events-by-month"]
    rows = [dict(r) for r in db.execute(chart["query"])]
    tops = sum(1 for e in _events(db) if e["part_of_event_id"] is None)
    assert sum(r["events"] for r in rows) == tops < len(_events(db))


# -- contested figures ------------------------------------------------------------------------------------

def test_contested_figures_are_one_count_claimed_differently_by_different_sources(default_db, db, site_metadata):
    rows = [dict(r) for r in default_db.execute("select * from contested_figures")]
    groups = defaultdict(list)
    for row in rows:
        groups[(row["event_id"], row["category"], row["counted"])].append(row)
    assert len(groups) >= 2
    for key, claims in groups.items():
        assert len({c["value"] for c in claims}) > 1, key
        assert len({(c["article_id"], c["claimed_by"]) for c in claims}) > 1, key
    # the seeds: the rebels killed and the soldiers lost at Qarmid are different counts, no contest
    seeds = {(r["event_id"], r["category"]) for r in db.execute("select * from contested_figures")}
    qarmid = _figure_at(db, ARTICLE, "15 soldiers")["event_id"]
    assert not [key for key in seeds if key[0] == qarmid], "rebels killed and soldiers lost are no contest"


# -- reviews, downloads ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rows_001(reference) -> dict[str, list[dict]]:
    articles = [a for a in read_articles(SEEDS) if a.article_id == ARTICLE]
    return merged_tables(run_extractions(articles, reference).extractions, reference)


def test_a_reviewed_fatalities_value_stays_and_the_bounds_stay_the_figures(rows_001, reference):
    darkush = next(e for e in rows_001["events"] if e["place_id"] == "darkush")
    entry = {"quote": "the deadliest strike coming in the town of Darkush", "fatalities": 50,
             "reason": "test: a reviewer's count"}
    review = Review(ARTICLE, Path(f"{ARTICLE}.yml"), "test", {"reject": [], "fix": [entry]}, {"reject": [], "add": []})
    reviewed = apply_reviews(rows_001, [review], reference.extraction["figures"]["figures"]["units"]["by_category"])
    event = next(e for e in reviewed["events"] if e["event_id"] == darkush["event_id"])
    assert (event["fatalities"], event["fatalities_low"], event["review_status"]) == (50, 53, "reviewed")
    assert event["part_of_event_id"] == darkush["part_of_event_id"] is not None


def test_the_flat_view_and_the_geojson_carry_the_bounds_and_the_links(db, built):
    columns = {r[1] for r in db.execute("pragma table_info(events_flat)")}
    wanted = {"fatalities_low", "fatalities_best", "fatalities_high", "part_of_event_id", "fatalities_in_totals"}
    assert wanted <= columns
    geojson = json.loads((built / "downloads" / "events.geojson").read_text(encoding="utf-8"))
    assert wanted <= set(geojson["features"][0]["properties"])


def test_an_event_on_a_day_of_a_span_and_a_second_reading_of_one_event_lie_inside_it(db):
    places = [dict(r) for r in db.execute("select * from places")]
    province = dict(db.execute("select * from events where place_id = 'darkush'").fetchone())
    darkush = {**province, "event_id": "b-darkush", "fatalities": 53}
    since_saturday = {**province, "event_id": "a-province", "place_id": "idlib-governorate", "fatalities": 73,
                      "event_date": "2015-04-25", "event_date_end": "2015-04-26", "date_precision": "day"}
    retold = {**since_saturday, "event_id": "c-province", "fatalities": 70}
    elsewhere = {**darkush, "event_id": "d-darkush", "event_date": "2015-04-20", "event_date_end": None}
    events = [darkush, since_saturday, retold, elsewhere]
    link_parts(events, places)
    assert [e["part_of_event_id"] for e in events] == ["a-province", None, "a-province", None]
    assert [e["fatalities_in_totals"] for e in events] == [None, 73, None, 53]

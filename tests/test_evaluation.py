"""The extractor measured three ways (`make evaluate`), each held above a floor.

1. The seeds' gold: the rules were written with these five articles in view, so their floors only
   guard against regressions; they sit below today's figures with a margin and are not raised to each
   new score.
2. The development gold: 44 FA-KES development articles coded by hand before the extractor's output
   on them was looked at (tests/gold/fakes/). Its floors are what a change must not make worse on
   articles the rules were not written for.
3. Agreement with the FA-KES crowd coding over all 401 development articles.
Floors are set below the figures measured when the development gold was added, with a margin.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
import yaml

from scripts.build import ROOT
from scripts.evaluate import DEV_CORPUS, evaluate, evaluate_corpus
from scripts.import_collection import import_collection, load_format

GOLD = ROOT / "tests" / "gold"

# Issue 13 replaced the seed-specific event rules (events precision 0.98, recall 0.94, roles 0.62) by
# triggers, modality, roles and places read off the parse: measured 0.667, 0.566 and 0.522 on the seeds. An
# event no path places then went to the article's governorate or country (ACLED's practice for reports that
# name only those): seeds precision 0.500, recall 0.585, while the crowd agreement on dates rose from 0.49 to
# 0.75 and on causes from 0.65 to 0.94 (the seeds' gold codes fewer such events).
# Session 3 of issue 13 (in-article coreference, one event per sentence and place, dates of other clauses
# left out): precision 0.582, recall 0.604.
SEED_FLOORS = {
    ("events", "precision"): 0.50,
    ("events", "recall"): 0.55,
    ("figures", "f1"): 0.87,
    ("places", "f1"): 0.92,
    ("actors", "f1"): 0.91,
    ("event_actors", "f1"): 0.50,  # 0.583
}
# 0.853 with the seed-specific dating (a date carried from sentence to sentence, the story told before, the
# start of an offensive, weeks after a named event); 0.839 with dates attached by the parse and explicit links
# only (issue 13): the seeds' gold dates undated reports from their story.
SEED_DATES_EXACT_FLOOR = 0.75
SEED_CLAIMANTS_FLOOR = 0.85  # measured 0.926 when claimant accuracy was added
# measured 0.734 of 233 matched figures; 0.721 of 251 once the figures rules of issue 13 matched 18 more figures
# (no matched figure changed claimant: the new ones mostly cite sources actors.yml lacks, e.g. a police command)
DEV_CLAIMANTS_FLOOR = 0.78  # 0.813 once actors.yml adopted the gold's proposed sources (SNHR, UNICEF, police ...)
# measured: events 0.285 (0.107 before issue 13's events and dates, 0.207 before the gazetteer and the
# coreference of issue 13's third session), figures 0.858 (0.632 before the parse, 0.802 before the rules for
# suffering verbs, shares, comma-less attributions and fractions), places 0.710 (0.600 before the gazetteer
# generated from GeoNames), actors 0.782, roles 0.723 (0.411 before protesters and the adopted actors); 45 of
# the 169 gold events are at places the reference still lacks (neighbourhoods, villages GeoNames cities500 omits):
# events 0.336 and places 0.774 once such places are read as places not in the gazetteer (6 of the 45 match).
DEV_FLOORS = {
    ("events", "f1"): 0.24,
    ("figures", "f1"): 0.82,
    ("places", "f1"): 0.64,
    ("event_actors", "f1"): 0.64,  # 0.723 once victims told as people are civilians and a report's attacker wins
    ("actors", "f1"): 0.74,  # 0.781 once actors.yml adopted the gold's proposed actors (Islamic State, SDF ...)
}
AGREEMENT_FLOORS = {  # measured before issue 13's events: 0.590, 0.573, 0.822, 0.754, 0.458; after: below
    "governorate": 0.80,  # 0.642; 0.874 with the gazetteer generated from GeoNames
    "date within a day": 0.70,  # 0.751 with dates read off the parse (0.701 before)
    # 0.846 before page furniture was recognised: the counts that only a headline or standfirst gave ("Death
    # toll … rises to 76") are no longer figures (issue 13); numbers in words are read from the body.
    "counts": 0.82,  # 0.824; 0.854 with the figures rules (suffering verbs, shares, martyrs, comma-less lists)
    "cause of death": 0.88,  # 0.939: nearly every article has an event now
    "actor side": 0.78,  # 0.565; 0.834 with the Islamic State, SDF/YPG and US-led coalition in actors.yml
}
NAMES_FLOORS = {  # issue 14's yardstick: the share of names the reference data resolve (target 0.80)
    "place_names": 0.85,  # 0.709; 0.897 with the countries, capitals and neighbours' cities of GeoNames
    "armed_actor_names": 0.85,  # 0.644; 0.896 with the states that countries and capitals name where they act
}


@pytest.fixture(scope="module")
def measured():
    return evaluate(ROOT / "seeds", GOLD)


@pytest.fixture(scope="module")
def development():
    assert DEV_CORPUS.is_file(), f"the FA-KES development corpus is expected at {DEV_CORPUS} (../shared beside the repository)"
    return evaluate_corpus(DEV_CORPUS, GOLD / "fakes")


def test_the_seed_gold_is_consistent_with_the_articles_and_reference_data():
    result = subprocess.run([sys.executable, str(GOLD / "check_gold.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_development_gold_is_consistent_with_the_imported_corpus(tmp_path):
    corpus = tmp_path / "fakes-dev"
    import_collection(DEV_CORPUS, load_format("fakes"), corpus)
    files = sorted(str(p) for p in (GOLD / "fakes").glob("*.yml"))
    result = subprocess.run([sys.executable, str(GOLD / "check_gold.py"), "--seeds", str(corpus), *files],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(files) >= 40


def _seen_in(data, path=""):
    """(entry path, seen_in list) of every entry of an extraction pattern file."""
    if isinstance(data, dict):
        if "seen_in" in data:
            yield path, data["seen_in"]
        for key, value in data.items():
            if key != "seen_in":
                yield from _seen_in(value, f"{path}.{key}")
    elif isinstance(data, list):
        for number, value in enumerate(data):
            yield from _seen_in(value, f"{path}[{number}]")


def test_every_extraction_pattern_is_seen_in_three_outlets(tmp_path):
    # each entry of seeds/reference/extraction/ names development articles (or seeds) from three outlets or more
    corpus = tmp_path / "fakes-dev"
    import_collection(DEV_CORPUS, load_format("fakes"), corpus)
    publisher = {}
    for folder in (corpus, ROOT / "seeds"):
        with (folder / "articles.csv").open(encoding="utf-8") as rows:
            publisher |= {row["seed_file"].removesuffix(".txt"): row["publisher"] for row in csv.DictReader(rows)}
    for path in sorted((ROOT / "seeds" / "reference" / "extraction").glob("*.yml")):
        entries = list(_seen_in(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert entries, path
        for entry, articles in entries:
            unknown = [a for a in articles if a not in publisher]
            assert not unknown, f"{path.name}{entry}: no such article {unknown}"
            assert len({publisher[a] for a in articles}) >= 3, f"{path.name}{entry}: fewer than three outlets"


def test_the_development_gold_is_large_and_varied(development):
    assert development.gold_articles >= 40 and development.gold_outlets >= 8
    assert development.articles >= 400


@pytest.mark.parametrize(("table", "measure"), sorted(SEED_FLOORS))
def test_extraction_on_the_seeds_clears_its_floor(measured, table, measure):
    value = getattr(measured.scores[table], measure)
    assert value >= SEED_FLOORS[(table, measure)], f"{table} {measure} fell to {value:.3f}"


def test_matched_seed_events_are_dated_exactly(measured):
    assert measured.dates_checked >= 25  # matched seed events: 50 with the seed-specific rules, 29 on the parse
    assert measured.dates_exact >= SEED_DATES_EXACT_FLOOR


def test_matched_figures_keep_their_claimant(measured, development):
    assert measured.claimants_checked >= 40 and development.gold.claimants_checked >= 200
    assert measured.claimants_agree >= SEED_CLAIMANTS_FLOOR, f"seeds: {measured.claimants_agree:.3f}"
    assert development.gold.claimants_agree >= DEV_CLAIMANTS_FLOOR, f"development: {development.gold.claimants_agree:.3f}"


@pytest.mark.parametrize(("table", "measure"), sorted(DEV_FLOORS))
def test_extraction_on_the_development_gold_clears_its_floor(development, table, measure):
    value = getattr(development.gold.scores[table], measure)
    assert value >= DEV_FLOORS[(table, measure)], f"{table} {measure} fell to {value:.3f}"


@pytest.mark.parametrize("measure", sorted(AGREEMENT_FLOORS))
def test_agreement_with_the_crowd_coding_clears_its_floor(development, measure):
    assert development.agreement.compared[measure] >= 250
    share = development.agreement.share(measure)
    assert share >= AGREEMENT_FLOORS[measure], f"{measure} fell to {share:.3f}"


@pytest.mark.parametrize("measure", sorted(NAMES_FLOORS))
def test_the_reference_data_resolve_the_names_of_places_and_armed_actors(development, measure):
    coverage = getattr(development, measure)
    assert coverage.names >= 400 and len(coverage.unresolved) >= 10  # many names, and the misses are listed
    assert coverage.share >= NAMES_FLOORS[measure], f"{measure} fell to {coverage.share:.3f}"

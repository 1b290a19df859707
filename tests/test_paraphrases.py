"""Meaning-preserving rewrites of corpus sentences give the same event and figures as the sentence itself
(issue 13's paraphrase set, tests/paraphrases/paraphrases.yml: active and passive, synonyms of the trigger,
reordered clauses, numbers in words and digits)."""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

import pytest
import yaml

from scripts.import_collection import FAKES_DEV_CORPUS
from scripts.seeds import Article
from scripts.tables import extract_tables

SET = yaml.safe_load((Path(__file__).parent / "paraphrases" / "paraphrases.yml").read_text(encoding="utf-8"))["groups"]
CASES = [(group, text) for group in SET for text in [group["source"]["quote"], *group["rewrites"]]]


def _extracted(text: str, published: date, reference) -> dict[str, list[dict]]:
    """The tables of a one-sentence article (its title is not the sentence: the sentence is the body's news)."""
    article = Article("p00_paraphrase", "p00_paraphrase.txt", "Wire report", "Test wire", published, "stated", "", "",
                      "", "en", "", text, hashlib.sha256(text.encode()).hexdigest())
    return extract_tables([article], reference)


def test_the_set_is_large_and_its_sources_are_quoted_from_the_corpus():
    assert sum(len(group["rewrites"]) for group in SET) >= 30
    with FAKES_DEV_CORPUS.open(encoding="utf-8", errors="replace", newline="") as handle:
        texts = {f"fakes-{row['unit_id']}": row["article_content"] for row in csv.DictReader(handle)}
    for group in SET:
        assert group["source"]["quote"] in texts[group["source"]["article"]], group["source"]


@pytest.mark.parametrize(("group", "text"), CASES, ids=[text[:60] for _, text in CASES])
def test_a_rewrite_gives_the_same_event_and_figures(group, text, reference):
    tables = _extracted(text, group["published"], reference)
    if "event" in group:
        found = {(e["sub_event_type"], e["place_id"]) for e in tables["events"]}
        assert (group["event"]["sub_event_type"], group["event"]["place_id"]) in found
    figures = {(float(f["value"]), f["category"], f["qualifier"]) for f in tables["figures"]}
    for expected in group.get("figures") or []:
        qualifier = expected.get("qualifier", "exact")
        assert (float(expected["value"]), expected["category"], qualifier) in figures

"""Events read off the parse: the trigger words of issue 13's paraphrases, modality (negation, threats,
generic statements), the place attached to the trigger (not a reference point or an origin) and the
roles the sentence gives (and none it does not)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from scripts.reference import load_reference
from scripts.seeds import Article
from scripts.tables import extract_tables

from .conftest import REFERENCE

REF = load_reference(REFERENCE)
MONDAY = date(2015, 4, 27)


def _tables(sentence: str) -> dict[str, list[dict]]:
    body = "Report\n\n" + sentence
    article = Article("t00_parse", "t00_parse.txt", "Report", "Test wire", MONDAY, "stated", "", "", "", "en", "",
                      body, hashlib.sha256(body.encode()).hexdigest())
    return extract_tables([article], REF)


def events_of(sentence: str) -> list[tuple[str, str]]:
    return sorted((r["sub_event_type"], r["place_id"]) for r in _tables(sentence)["events"])


def roles_of(sentence: str) -> set[tuple[str, str]]:
    return {(r["actor_id"], r["role"]) for r in _tables(sentence)["event_actors"]}


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Rebels took over the town of Jisr al-Shughur on Saturday.", ("Non-state actor overtakes territory", "jisr-al-shughur")),
    ("The Qarmid base was taken by Jabhat al-Nusra fighters on Monday.", ("Non-state actor overtakes territory", "qarmid-base")),
    ("The town of Saraqib came under rebel control on Saturday.", ("Non-state actor overtakes territory", "saraqib")),
    ("An explosion hit the town of Saraqib on Sunday.", ("Remote explosive/landmine/IED", "saraqib")),
    ("Government forces shot dead two men in Saraqib on Sunday.", ("Attack", "saraqib")),
    ("Syrian warplanes carried out 20 sorties over Ariha on Sunday.", ("Air/drone strike", "ariha")),
    ("Government forces bombarded Khan Shaykhun on Sunday.", ("Shelling/artillery/missile attack", "khan-shaykhun")),
])
def test_the_paraphrased_triggers_are_found(sentence, expected):
    assert expected in events_of(sentence)


@pytest.mark.parametrize("sentence", [
    "Rebels did not capture the town of Saraqib on Sunday.",
    "The regime threatened to bomb Saraqib.",
    "The town remains vulnerable to air strikes, residents in Saraqib said on Sunday.",
    "Rebels are seeking to capture Saraqib.",
    "Will the army retake Saraqib?",
])
def test_what_did_not_happen_is_no_event(sentence):
    assert events_of(sentence) == []


def test_a_reference_point_is_not_the_place_of_the_event():
    # "south of Saraqib" locates the town, which the gazetteer does not name: no event at Saraqib; the
    # unnamed town is in the governorate the article is about (the gold rule for unnamed places)
    events = events_of("The army captured a town south of Saraqib on Sunday.")
    assert not [e for e in events if e[1] == "saraqib"]
    assert events == [("Government regains territory", "idlib-governorate")]


def test_the_captor_of_a_fall_is_the_object_of_to():
    assert ("jabhat-al-nusra", "attacker") in roles_of("The Qarmid base fell to Jabhat al-Nusra on Monday.")


def test_unattributed_air_strikes_are_the_governments_and_nobody_else_is_guessed():
    roles = roles_of("Air strikes hit Ariha on Sunday, a day after Jabhat al-Nusra fighters entered Saraqib.")
    assert ("syrian-government-forces", "attacker") in roles
    assert ("jabhat-al-nusra", "target") not in roles

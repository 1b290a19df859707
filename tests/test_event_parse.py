"""Events read off the parse: the trigger words of issue 13's paraphrases, modality (negation, threats,
generic statements), the place attached to the trigger (not a reference point or an origin) and the
roles the sentence gives (and none it does not)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from scripts.seeds import Article
from scripts.tables import extract_tables

from .conftest import REFERENCE, shared_reference

REF = shared_reference(REFERENCE)  # the reference data and extractor of the whole session
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
    # the verb of an aircraft (triggers.yml aircraft_verb subject_lemmas), through a word modifying the subject
    ("Regime jet fighters attacked the town of Saraqib on Sunday.", ("Air/drone strike", "saraqib")),
    ("Russian warplanes targeted the town of Ariha with cluster bombs on Sunday.", ("Air/drone strike", "ariha")),
])
def test_the_paraphrased_triggers_are_found(sentence, expected):
    assert expected in events_of(sentence)


def test_suicide_bombers_attacking_is_no_air_strike():
    assert ("Air/drone strike", "saraqib") not in events_of("Three suicide bombers attacked a checkpoint in Saraqib on Sunday.")


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


@pytest.mark.parametrize(("sentence", "place"), [
    # fakes-1918150044 (Asharq Al-Awsat): the helicopter's barrel bomb carried the gas
    ("A helicopter belonging to the regime dropped a barrel bomb containing toxic gasses on the town of Saraqib "
     "on Wednesday night.", "saraqib"),
    # fakes-1919191754 (TRT World): the load hangs, in the parse, from the sentence's verb
    ("Last Monday regime forces attacked Saraqeb another opposition-held city in Idlib province with barrel bombs "
     "laced with chlorine gas.", "saraqib"),
])
def test_a_strike_that_delivered_a_chemical_is_the_chemical_attack(sentence, place):
    assert events_of(sentence) == [("Chemical weapon", place)]


def test_a_blast_the_article_says_a_suicide_bomber_set_off_is_the_suicide_bombing():
    # fakes-1923102825 (The New Arab): "a suicide bomb blast" is one event, not a suicide bombing and an IED
    sentence = ("Fourteen members of the Jaish al-Islam rebel group were killed when a suicide bomb blast targeted "
                "their positions in Ariha on Sunday.")
    assert events_of(sentence) == [("Suicide bomb", "ariha")]
    # and an explosion with no bomber named is still an explosion
    assert events_of("An explosion hit the town of Saraqib on Sunday.") == [("Remote explosive/landmine/IED", "saraqib")]


@pytest.mark.parametrize("sentence", [
    # fakes-1926479037 (Reuters), fakes-1924058109 (TRT World): who the rebels or the forces are, not a battle
    "Saudi Arabia has been a major supporter of rebels fighting to topple Assad in Idlib.",
    "Russia intensified its air raids in support of Syrian regime forces battling militants in Idlib province.",
])
def test_a_participle_that_describes_an_actor_is_no_battle(sentence):
    assert "Armed clash" not in {t for t, _ in events_of(sentence)}


@pytest.mark.parametrize(("sentence", "place"), [
    # fakes-1924058039 (The Jordan Times), fakes-1923102842 (The New Arab): the halves of the city
    ("Nine other civilians were killed in rebel shelling of regime-held western Aleppo on Saturday.", "aleppo-city"),
    ("At least 26 people including 11 children have been killed in strikes on eastern Aleppo on Sunday.", "aleppo-city"),
    # fakes-1923102909 (The New Arab): the province's north
    ("The strike hit the countryside of northern Aleppo province on Sunday.", "aleppo-governorate"),
    # fakes-1923102976 (The New Arab), fakes-1924058039 (The Jordan Times): Raqqa and Deir ez-Zor bare are the cities
    ("Russian air strikes hit Raqqa on Sunday.", "raqqa-city"),
    ("Russian air strikes hit the outskirts of Deir Ezzor on Sunday.", "deir-ez-zor-city"),
    ("Air strikes hit villages in Raqqa province on Sunday.", "raqqa-governorate"),
    # fakes-1924058075 (National News Agency): "the city of X" is the city
    ("Twin car bomb explosions in the central Syrian city of Homs on Wednesday killed at least 18 people.", "homs-city"),
])
def test_a_province_s_bare_name_is_its_city_where_the_reports_mean_it(sentence, place):
    assert {p for _, p in events_of(sentence)} == {place}


def test_the_protests_a_crackdown_was_on_are_the_crackdown_s():
    # fakes-1924058192 (Daily Sabah), fakes-1924058083 (TRT World): one background event, by its wording
    sentence = ("Syria has been locked in a vicious civil war since early 2011 when the Assad regime cracked down on "
                "pro-democracy protests with unexpected ferocity.")
    assert events_of(sentence) == [("Excessive force against protesters", "syria")]


@pytest.mark.parametrize("sentence", [
    # fakes-1924058039 (The Jordan Times), fakes-1923848173 (Ahram Online)
    "Russia began air strikes last September in support of Assad helping the regime to consolidate its hold.",
    "Moscow stepped up its support for President Bashar al-Assad on September 30 when it began an air campaign.",
])
def test_the_start_of_an_air_war_is_a_strategic_development_not_a_strike(sentence):
    assert events_of(sentence) == [("Change to group/activity", "syria")]


@pytest.mark.parametrize(("sentence", "expected"), [
    # fakes-1962495700 (Al-Alam), fakes-1965511139 (Al-Manar): armed men who kill fighters fought them
    ("The Syrian army has killed at least 100 ISIS terrorists in Saraqib during the past 24 hours.",
     [("Armed clash", "saraqib")]),
    ("The Syrian army units killed a number of terrorists in Saraqeb.", [("Armed clash", "saraqib")]),
    # no armed subject, or civilians killed: no battle
    ("At least 20 terrorists were killed in Saraqib on Sunday.", []),
    ("Jabhat al-Nusra killed two civilians in Saraqib on Sunday.", []),
    # the sentence's strike did the killing: fakes-1965495355 (Sputnik)
    ("The Syrian army killed more than 100 militants in a series of airstrikes on Saraqib.",
     [("Air/drone strike", "saraqib")]),
])
def test_killing_fighters_is_a_battle_only_when_armed_men_do_it(sentence, expected):
    assert events_of(sentence) == expected


def test_protesters_take_part_in_protests_whoever_they_were_against():
    # fakes-1923848121 (Ahram Online), fakes-1924058083 (TRT World)
    assert roles_of("The war started with peaceful protests against President Bashar al-Assad in March 2011.") == \
        {("protesters", "participant")}
    assert roles_of("Syria has been locked in a civil war since early 2011 when the Assad regime cracked down on "
                    "pro-democracy protests.") == {("protesters", "participant"), ("syrian-government-forces", "participant")}


def test_a_massacre_the_article_tells_the_means_of_is_that_event():
    # fakes-1924058083 (TRT World), fakes-1926479088 (Etilaf): the strike, not a second event
    text = ("A Syrian regime warplane launched an air strike on a market in Ariha on Sunday killing 36 people.\n\n"
            "Local officials described the attack as a massacre committed by the regime.")
    assert events_of(text) == [("Air/drone strike", "ariha")]


def test_people_killed_in_a_strike_are_its_civilian_target():
    # fakes-1923848200 (Ahram Online), fakes-1924058218 (TASS): victims told as people, children, women
    assert ("civilians", "target") in roles_of("Air strikes killed 23 people in Ariha on Sunday.")
    assert ("civilians", "target") not in roles_of("The army shelled rebel positions in Ariha on Sunday.")


def test_the_rule_s_attacker_yields_to_a_report_that_names_who_struck():
    # fakes-1924058046 (The Jordan Times): unattributed strikes are the government's only when no report says whose
    text = ("Air strikes hit Ariha on Sunday killing 12 people.\n\n"
            "Air strikes by the US-led coalition hit Ariha on Sunday, the monitor said.")
    roles = roles_of(text)
    assert ("us-led-coalition", "attacker") in roles
    assert ("syrian-government-forces", "attacker") not in roles

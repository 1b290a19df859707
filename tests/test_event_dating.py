"""How events are placed and dated from the sentences around them, on short wire-style texts written for
each rule (the places and actors are in the reference data; the texts are not seeds)."""

from __future__ import annotations

import hashlib
from datetime import date

from scripts.reference import load_reference
from scripts.seeds import Article
from scripts.tables import extract_tables

from .conftest import REFERENCE

REF = load_reference(REFERENCE)


def events_of(body: str, published: date) -> list[tuple[str, str, str, str]]:
    """(sub-event type, place, first day, precision) of every event the extractor finds in `body`."""
    title = body.split("\n", 1)[0]
    article = Article("t00_rule", "t00_rule.txt", title, "Test wire", published, "stated", "", "", "", "en", "",
                      body, hashlib.sha256(body.encode()).hexdigest())
    rows = extract_tables([article], REF)["events"]
    return sorted((r["sub_event_type"], r["place_id"], r["event_date"], r["date_precision"]) for r in rows)


def test_a_relative_clause_keeps_its_date_and_place_from_the_main_verb():
    body = ("Rebels mass for new push\n\n"
            "Last week, Islamist units in the coalition that seized Idlib in a late March offensive, "
            "mustered 5,000 fighters for an offensive against regime positions.")
    found = events_of(body, date(2015, 4, 27))
    assert ("Change to group/activity", "idlib-governorate", "2015-04-20", "week") in found
    assert ("Non-state actor overtakes territory", "idlib-city", "2015-03-01", "month") in found


def test_a_report_date_covers_the_week_before_it_unless_the_fighting_was_going_on():
    body = ("Fighting north of Hama\n\n"
            "Rebel shells hit the town of Mhardeh, a pro-government militia commander told AFP on Monday.\n\n"
            "A rebel spokesman told Reuters on Monday that heavy clashes were raging in Souran.")
    found = events_of(body, date(2017, 3, 21))  # a Tuesday
    assert ("Shelling/artillery/missile attack", "mhardeh", "2017-03-14", "week") in found
    assert ("Armed clash", "souran", "2017-03-20", "day") in found


def test_the_two_bases_and_their_surrounding_vicinity():
    body = ("Bases fall in Idlib\n\n"
            "Regime forces fled the fallen military bases of Wadi Deif and Hamadiya.\n\n"
            "Rebels stormed the two regime bases on Monday, one day after they captured a number of checkpoints "
            "in the surrounding vicinity.")
    found = events_of(body, date(2014, 12, 16))
    captures = [e for e in found if e[0] == "Non-state actor overtakes territory"]
    assert ("Non-state actor overtakes territory", "hamadiya-base", "2014-12-15", "day") in captures
    assert ("Non-state actor overtakes territory", "wadi-deif-base", "2014-12-15", "day") in captures
    assert ("Non-state actor overtakes territory", "wadi-deif-base", "2014-12-14", "day") in captures


def test_over_a_whole_province_a_day_of_strikes_and_the_week_of_strikes_are_two_events():
    body = ("Raids across Idlib\n\n"
            "Dozens of airstrikes killed at least 14 people in towns throughout Idlib province on Monday alone.\n\n"
            "Heavy aerial bombardments by pro-government forces have killed scores of people in southern Idlib.")
    strikes = [e for e in events_of(body, date(2018, 1, 8)) if e[0] == "Air/drone strike"]
    assert strikes == [("Air/drone strike", "idlib-governorate", "2018-01-02", "week"),
                       ("Air/drone strike", "idlib-governorate", "2018-01-08", "day")]


def test_an_event_following_another_runs_from_that_day():
    body = ("Saraqib falls\n\n"
            "Rebels captured the town of Saraqib on Saturday.\n\n"
            "Following the fall of Saraqib, Syrian jets conducted over 20 bombing raids on the town.")
    found = events_of(body, date(2015, 4, 27))  # a Monday
    assert ("Air/drone strike", "saraqib", "2015-04-25", "week") in found
    assert ("Non-state actor overtakes territory", "saraqib", "2015-04-25", "day") in found


def test_weeks_after_a_named_event_are_counted_from_its_days():
    body = ("An airbase and an intervention\n\n"
            "Jabhat al-Nusra captured the Abu al-Duhur airbase in September 2015.\n\n"
            "Three weeks after Abu al-Duhur fell in 2015, Russia began its intervention in Syria.")
    found = events_of(body, date(2018, 1, 8))
    assert ("Change to group/activity", "syria", "2015-09-22", "month") in found


def test_the_start_of_an_offensive_bounds_the_undated_events_of_it():
    body = ("Push in al-Ghab\n\n"
            "Rebel groups announced Wednesday they were starting the battle in the al-Ghab plain.\n\n"
            "Rebels have seized the Tal Wasit checkpoint, the Observatory said.")
    found = events_of(body, date(2015, 4, 27))  # a Monday; Wednesday is 22 April
    assert ("Non-state actor overtakes territory", "tal-wasit-checkpoint", "2015-04-22", "week") in found


def test_an_undated_account_continues_the_story_told_just_before():
    body = ("Qarmid stormed\n\n"
            "Rebels stormed the Qarmid base on Monday.\n\n"
            "“Our artillery has been directed at Mastouma,” a commander in the Army of Conquest said.")
    found = events_of(body, date(2015, 4, 28))
    assert ("Shelling/artillery/missile attack", "mastouma-base", "2015-04-27", "day") in found


def test_infighting_between_rebels_is_not_the_fight_for_ground_the_army_took():
    body = ("Army advances in Idlib\n\n"
            "Government forces have captured dozens of villages in Idlib province over the past week.\n\n"
            "Ahrar al-Sham released a statement on Sunday decrying its losses following recent infighting "
            "with Jabhat al-Nusra in Idlib province.")
    found = events_of(body, date(2018, 1, 8))
    assert ("Armed clash", "idlib-governorate", "2018-01-02", "week") in found
    assert ("Government regains territory", "idlib-governorate", "2018-01-02", "week") in found

"""Renamed and merged actors resolve by date (scripts/extraction/renames.py, actors.yml valid_from / valid_to),
on sentences of the FA-KES development corpus (their article ids, outlets and publication dates are named)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from scripts.errors import BuildError
from scripts.extraction.renames import Renames
from scripts.reference import load_actors
from scripts.tables import build_tables

from .conftest import DATAPACKAGE

NUSRA, JFS, HTS = "jabhat-al-nusra", "jabhat-fatah-al-sham", "hayat-tahrir-al-sham"
RENAMED_JFS, FORMED_HTS = date(2016, 7, 28), date(2017, 1, 28)


@pytest.fixture(scope="module")
def renames(reference):
    return Renames(reference)


def _actors(matcher, renames, sentence: str, day: date) -> list[tuple[str, str]]:
    """(actor_id, surface) of the al-Qaeda lineage's names in one sentence, resolved on `day`."""
    resolved = renames.resolve(matcher.find(sentence), day)
    return [(m.entity_id, m.surface) for m in resolved if m.entity_id in renames.lineage]


@pytest.mark.parametrize(("sentence", "day", "expected"), [
    # fakes-1926479283 (SANA, 2016-11-27): the old name, four months after the rename, names JFS
    ("The source added that two sites and a number of vehicles belonging to Jabhat al-Nusra were destroyed and "
     "a number of its members were killed", date(2016, 11, 27), [(JFS, "Jabhat al-Nusra")]),
    # fakes-1924058217 (TASS, 2016-08-12)
    ("Thus according to the bulletin Jabhat al-Nusra terrorists executed 40 gunmen and members of their families "
     "for an attempt to surrender arms", date(2016, 8, 12), [(JFS, "Jabhat al-Nusra")]),
    # fakes-1962495739 (Al-Alam, 2017-10-05): after HTS was formed, through the rename and the merger
    ("A Russian air strike killed 49 Nusra Front militants including seven of its field commanders in Syrias "
     "Idlib province", date(2017, 10, 5), [(HTS, "Nusra Front")]),
    # fakes-1965495379 (Sputnik, 2017-04-09): JFS's own name after the merger names HTS
    ("DAMASCUS (Sputnik) The Syrian government forces eliminated over 75 militants of the Jabhat Fatah al Sham "
     "terrorist group in Syrias southern city of Daraa a military source told Sputnik Sunday",
     date(2017, 4, 9), [(HTS, "Jabhat Fatah al Sham")]),
    # a generic name: fakes-1923102842 (The New Arab, 2016-08-05) is JFS, fakes-1923848258 (Ahram Online,
    # 2017-10-07) and fakes-1924058070 (The Jordan Times, 2017-10-08) HTS
    ("government forces backed by Russian airstrikes have pushed back opposition fighters which include "
     "extremists from al-Qaedas former Syrian affiliate", date(2016, 8, 5), [(JFS, "al-Qaedas former Syrian affiliate")]),
    ("targeting both IS in Deir Ezzor province and rival jihadists led by Al-Qaedas former Syria affiliate in "
     "Idlib province in the northwest", date(2017, 10, 7), [(HTS, "Al-Qaedas former Syria affiliate")]),
    ("targeting both Daesh in Deir Ezzor province and rival extremists led by Al Qaedas former Syria affiliate "
     "in Idlib province", date(2017, 10, 8), [(HTS, "Al Qaedas former Syria affiliate")]),
    # a sentence that names two names of the group speaks of the names: each keeps its own actor
    # fakes-1923848278 (Ahram Online, 2016-10-31)
    ("The Nusra Front broke allegiance with al Qaeda and changed its name to Jabhat Fateh al-Sham in July",
     date(2016, 10, 31), [(NUSRA, "Nusra Front"), (JFS, "Jabhat Fateh al-Sham")]),
    # fakes-1923848251 (Ahram Online, 2017-11-14)
    ("Tahrir al-Sham includes the group formerly known as the Nusra Front which changed its name last year when "
     "it broke formal ties to al Qaeda", date(2017, 11, 14), [(HTS, "Tahrir al-Sham"), (NUSRA, "Nusra Front")]),
    # fakes-1962495732 (Al-Alam, 2016-09-30)
    ("terrorist groups like Jund Al Aqsa and Jabhat Fath Al Sham (former Nusra Front) seize over a dozen towns",
     date(2016, 9, 30), [(JFS, "Jabhat Fath Al Sham"), (NUSRA, "Nusra Front")]),
])
def test_a_name_resolves_to_the_actor_that_bore_it_on_the_day(matcher, renames, sentence, day, expected):
    assert _actors(matcher, renames, sentence, day) == expected


def test_one_sentence_dated_before_and_after_each_rename(matcher, renames):
    """fakes-1924058217 (TASS, 2016-08-12): the same words are Nusra the day before the rename, JFS on its
    day and after, HTS from the day HTS was formed."""
    sentence = ("In Aleppos Qaryat al-Ansari neighborhood Jabhat al-Nusra terrorists executed militants and members "
                "of their families who tried to lay down arms")
    assert [_actors(matcher, renames, sentence, day) for day in (
        date(2015, 5, 1), RENAMED_JFS.replace(day=27), RENAMED_JFS, FORMED_HTS.replace(day=27), FORMED_HTS,
        date(2018, 1, 10))] == [[(NUSRA, "Jabhat al-Nusra")]] * 2 + [[(JFS, "Jabhat al-Nusra")]] * 2 + \
        [[(HTS, "Jabhat al-Nusra")]] * 2


def test_the_successions_are_the_dated_ones_of_actors_yml(reference, renames):
    """Each succession hands on the name on the day its actor stopped bearing it, and the successor bore its
    name from that day."""
    assert renames.lineage[NUSRA] == {NUSRA, JFS, HTS}
    for actor_id, following in renames.successor.items():
        actor = reference.actors[actor_id]
        assert actor.valid_to is not None and actor.valid_to == reference.actors[following].valid_from, actor_id
        assert renames.on(actor_id, actor.valid_to) == following
        assert renames.on(actor_id, date.fromordinal(actor.valid_to.toordinal() - 1)) == actor_id


def test_an_actor_without_successor_keeps_its_names(matcher, renames):
    """fakes-1923848131 (Ahram Online, 2017-04-28): Jaysh al-Islam has no dates, and Ahrar al-Sham's
    memberships change its referent on no day."""
    mentions = matcher.find("the clashes pitted the Saudi-backed rebel faction Jaish al-Islam (Army of Islam) "
                            "against Ahrar al-Sham")
    assert [m.entity_id for m in renames.resolve(mentions, date(2025, 6, 1))] == ["jaysh-al-islam", "jaysh-al-islam",
                                                                                 "ahrar-al-sham"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"valid_from": "2017-01-28", "valid_to": "2016-07-28"}, "valid_from 2017-01-28 is not before valid_to 2016-07-28"),
    ({"valid_to": "28 July 2016"}, "valid_to"),
])
def test_a_wrong_date_stops_the_build_naming_the_actor(tmp_path, fields, message):
    path = tmp_path / "actors.yml"
    lines = ["- actor_id: x", "  name: X", "  actor_type: armed_group", "  side: none",
             *(f"  {key}: {value!r}" for key, value in fields.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=message):
        load_actors(path)


def test_the_published_actors_and_relations_carry_the_days(reference):
    """The actors and actor_relations tables hold the days of actors.yml, as ISO dates, in the columns
    datapackage.json declares."""
    tables = build_tables([], [], reference)
    declared = {r["name"]: [f["name"] for f in r["schema"]["fields"]]
                for r in json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["resources"]}
    for table in ("actors", "actor_relations"):
        assert all(list(row) == declared[table] for row in tables[table]), table
    actors = {row["actor_id"]: (row["valid_from"], row["valid_to"]) for row in tables["actors"]}
    assert actors[NUSRA] == ("2012-01-23", "2016-07-28") and actors["jaysh-al-islam"] == (None, None)
    relations = {(row["actor_id"], row["related_actor_id"], row["relation"]): (row["valid_from"], row["valid_to"])
                 for row in tables["actor_relations"]}
    assert relations[(JFS, HTS, "merged_into")] == ("2017-01-28", None)
    assert relations[(NUSRA, "jaysh-al-fath", "member_of")] == ("2015-03-24", "2016-07-28")
    assert relations[("ahrar-al-sham", "national-front-for-liberation", "member_of")] == ("2018-08-01", None)

"""Regions, governorates and places with no point of their own (scripts/reference.py): the derived names of a
governorate or region come from one rule (places.yml `derived_forms`), and a place's point says what it is."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from scripts.errors import BuildError
from scripts.extraction.names import NameForms, NameMatcher
from scripts.reference import load_reference

from .conftest import REFERENCE


def _found(matcher, text):
    return [(m.entity_id, m.surface) for m in matcher.find(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # fakes-1923848173 (Ahram Online), fakes-1924058031 (The Jordan Times), fakes-1962495649 (Al-Alam): a compass
    # word and a noun, a compass word alone, with spellings of the name that no alias pairs with them
    ("air strikes on a rebel-held town in Syrias northwestern Idlib province on Wednesday",
     [("syria", "Syrias"), ("idlib-governorate", "northwestern Idlib province")]),
    ("The Al Fawwar camp in Syrias southwestern Quneitra province",
     [("syria", "Syrias"), ("quneitra-governorate", "southwestern Quneitra province")]),
    ("a base in Jabal al-Rahmalia region in Northern Lattakia", [("latakia-governorate", "Northern Lattakia")]),
    # the nouns and spellings of the rule combined
    ("shelling in the north Sweida countryside and in Deir Ezzor provinces",
     [("suwayda-governorate", "north Sweida countryside"), ("deir-ez-zor-governorate", "Deir Ezzor provinces")]),
    # a region: a compass word before its name
    ("fighting in the northern al-Ghab plain", [("al-ghab-plain", "northern al-Ghab plain")]),
])
def test_a_derived_form_resolves_to_its_region(matcher, reference, text, expected):
    assert _found(matcher, text) == expected
    for place_id, surface in expected[-1:]:
        assert surface.lower() in {a.lower() for a in reference.places[place_id].derived}, surface


def test_a_compass_word_alone_is_the_city_s_half_where_the_bare_name_is_the_city(matcher):
    # "eastern Aleppo" is not a derived form (places.yml bare_name_is_city): the bare name is matched, which
    # the place reader then reads as the city
    assert _found(matcher, "the siege of eastern Aleppo") == [("aleppo-governorate", "Aleppo")]
    assert _found(matcher, "villages in eastern Aleppo province") == [("aleppo-governorate", "eastern Aleppo province")]


def test_places_csv_holds_no_form_the_rule_derives(reference):
    """One rule, not enumerated aliases: no alias typed in places.csv is one the rule makes."""
    key = NameForms(reference.extraction["names"]).key
    with (REFERENCE / "places.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["place_id"]: row for row in csv.DictReader(handle)}
    derived = {place_id: place for place_id, place in reference.places.items() if place.derived}
    assert {"idlib-governorate", "hama-governorate", "al-ghab-plain"} <= set(derived)
    for place_id, place in derived.items():
        typed = {key(alias) for alias in rows[place_id]["aliases"].split("|")}
        assert not typed & {key(alias) for alias in place.derived}, place_id
    published = {alias for place in reference.places.values() for alias in place.aliases if alias not in place.derived}
    assert "Idlib" in published and "southern Idlib province" not in published


def test_the_rule_is_data(tmp_path, matcher):
    """Without the noun "countryside" in places.yml, "Idlib countryside" names no place as a whole: only its
    bare name is matched."""
    copy = tmp_path / "reference"
    shutil.copytree(REFERENCE, copy)
    rules = copy / "extraction" / "places.yml"
    text = rules.read_text(encoding="utf-8")
    changed = re.sub(r"(governorate: \[province, provinces, )countryside, ", r"\1", text)
    assert changed != text
    rules.write_text(changed, encoding="utf-8")
    sentence = "clashes in the southern Idlib countryside"
    assert _found(matcher, sentence) == [("idlib-governorate", "southern Idlib countryside")]
    assert _found(NameMatcher(load_reference(copy)), sentence) == [("idlib-governorate", "southern Idlib")]


def _with_places(tmp_path, edit):
    copy = tmp_path / "reference"
    shutil.copytree(REFERENCE, copy)
    path = copy / "places.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    for row in rows:
        edit(row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return copy


@pytest.mark.parametrize(("place_id", "changes", "error"), [
    ("al-ghab-plain", {"latitude": "35.68482", "longitude": "36.33867"},
     r"line 4 \(place_id 'al-ghab-plain'\): point 'representative' has no latitude or longitude"),
    ("qarmid-base", {"latitude": "", "longitude": ""}, r"point 'approximate' needs latitude and longitude"),
    ("al-ghab-plain", {"representative": ""}, r"point representative needs the representative place's id"),
    ("al-ghab-plain", {"point": "centre"}, r"point: 'centre' is not one of own, approximate, representative, none"),
    ("al-ghab-plain", {"representative": "idlib-city"},
     r"representative 'idlib-city' lies in Idlib, Syria, not in Hama, Syria"),
    ("al-ghab-plain", {"representative": "idlib-governorate"}, r"representative 'idlib-governorate' has no point"),
    ("al-ghab-plain", {"representative": "ghab"}, r"representative 'ghab' is not a place of the gazetteer"),
])
def test_a_point_that_does_not_say_what_it_is_is_refused(tmp_path, place_id, changes, error):
    copy = _with_places(tmp_path, lambda row: row.update(changes) if row["place_id"] == place_id else None)
    with pytest.raises(BuildError, match=rf"places\.csv.*{error}"):
        load_reference(copy)

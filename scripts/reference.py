"""Load the curated reference data (actors, places, lexicons) and check it is internally consistent."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import BuildError
from .limits import LIMITS_FILE, Limits, load_limits
from .textnorm import alias_key


@dataclass(frozen=True)
class Actor:
    """A curated actor with its spellings and relations to other actors."""

    actor_id: str
    name: str
    actor_type: str
    side: str
    description: str
    generic: bool
    aliases: tuple[str, ...]
    relations: tuple[tuple[str, str], ...]  # (related_actor_id, relation)


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


@dataclass
class Reference:
    """Everything the extractor matches against, keyed by id."""

    actors: dict[str, Actor]
    places: dict[str, Place]
    lexicon: dict[str, dict] = field(default_factory=dict)
    limits: Limits | None = None  # bounds on one article's extraction (limits.yml); none: unbounded


def _load_yaml(path: Path):
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise BuildError(f"{path}: reference file not found") from None
    except yaml.YAMLError as exc:
        raise BuildError(f"{path}: not valid YAML ({exc})") from None


def load_actors(path: Path) -> dict[str, Actor]:
    items = _load_yaml(path)
    if not isinstance(items, list):
        raise BuildError(f"{path}: expected a list of actors")
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
                relations=tuple((r["related"], r["relation"]) for r in item.get("relations") or []),
            )
        except (KeyError, TypeError) as exc:
            raise BuildError(f"{where}: missing field {exc}") from None
        if actor_id in actors:
            raise BuildError(f"{where}: duplicate actor_id {actor_id!r}")
        actors[actor_id] = actor
    for actor in actors.values():
        for related, relation in actor.relations:
            if related not in actors:
                raise BuildError(f"{path}: actor {actor.actor_id!r} has {relation} → unknown actor {related!r}")
    return actors


def load_places(path: Path) -> dict[str, Place]:
    places: dict[str, Place] = {}
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise BuildError(f"{path}: reference file not found") from None
    with handle:
        reader = csv.DictReader(handle)
        for row in reader:
            where = f"{path}, line {reader.line_num}"
            try:
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
            except (KeyError, ValueError, TypeError) as exc:
                raise BuildError(f"{where}: bad or missing value ({exc})") from None
            if place.place_id in places:
                raise BuildError(f"{where}: duplicate place_id {place.place_id!r}")
            places[place.place_id] = place
    for place in places.values():
        if place.within and place.within not in places:
            raise BuildError(f"{path}: place {place.place_id!r} is within unknown place {place.within!r}")
    return places


def _check_unique_aliases(actors: dict[str, Actor], places: dict[str, Place], ref_dir: Path) -> None:
    """One spelling may name one entity only; otherwise matching would be ambiguous."""
    owners: dict[str, str] = {}
    entries = [(f"actor {a.actor_id}", a.aliases) for a in actors.values()]
    entries += [(f"place {p.place_id}", p.aliases) for p in places.values()]
    for owner, aliases in entries:
        for alias in aliases:
            key = alias_key(alias)
            if not key:
                raise BuildError(f"{ref_dir}: {owner} has an empty alias")
            other = owners.setdefault(key, owner)
            if other != owner:
                raise BuildError(f"{ref_dir}: alias {alias!r} names both {other} and {owner}")


def load_reference(ref_dir: Path) -> Reference:
    """Actors, places, lexicons and the limits of one article's extraction from a reference folder (seeds/reference)."""
    actors = load_actors(ref_dir / "actors.yml")
    places = load_places(ref_dir / "places.csv")
    _check_unique_aliases(actors, places, ref_dir)
    lexicon = {name: _load_yaml(ref_dir / "lexicon" / f"{name}.yml") for name in ("events", "figures", "dates", "names")}
    return Reference(actors=actors, places=places, lexicon=lexicon, limits=load_limits(ref_dir / LIMITS_FILE))

"""Check the hand-coded gold standard in tests/gold/ against the seed articles and the reference data.

For every tests/gold/<article_id>.yml this script checks that:

* the file parses as YAML and has the expected top-level keys;
* ``article_id`` names an existing seeds/<article_id>.txt and ``published_date`` matches seeds/articles.csv;
* every ``evidence`` string (events and figures) is an exact substring of the article text;
* every ``surfaces`` entry (places, actors) occurs verbatim in the article text;
* every place_id / actor_id exists in the reference data (seeds/reference/places.csv over the gazetteer
  generated from GeoNames, places_geonames.csv; actors.yml), or is declared under ``missing_reference``;
  a ``missing_reference`` id that the reference data have since adopted (a GeoNames place whose id
  place_ids.csv takes from the gold, a curated row with the proposed id) is accepted and reported as
  adopted, not as an error;
* every place/actor used by an event or a figure is also listed in the file's ``places`` / ``actors``;
* enums are valid: ACLED event_type / sub_event_type pairs, date_precision, geo_precision, figure qualifier and category;
* dates are consistent (end >= start; week/month/year precision has an end date; news events are not after publication);
* figure bounds agree with the qualifier, ``part_of`` indices point to other existing figures, and ``event`` refers to an
  event id of the same file.

It does not run or read the project's extractor. Usage (from the repository root)::

    .venv/bin/python tests/gold/check_gold.py            # all gold files
    .venv/bin/python tests/gold/check_gold.py FILE ...   # selected gold files
    .venv/bin/python tests/gold/check_gold.py --seeds DIR tests/gold/fakes/*.yml   # gold of another seeds folder
                                                         # (the development gold: DIR is the imported FA-KES dev corpus)

Exit status 0 when every file passes, 1 otherwise (each problem is printed on its own line).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import yaml

GOLD_DIR = Path(__file__).resolve().parent
ROOT = GOLD_DIR.parent.parent
SEEDS = ROOT / "seeds"
REFERENCE = SEEDS / "reference"

ACLED_TYPES: dict[str, set[str]] = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    },
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    },
}
PARTICIPANT_TYPES = {"Strategic developments", "Protests", "Riots"}
DATE_PRECISIONS = {"day", "week", "month", "year"}
QUALIFIERS = {"exact", "at_least", "more_than", "about", "nearly", "up_to", "fewer_than", "range", "vague"}
CATEGORIES = {
    "killed",
    "wounded",
    "captured",
    "executed",
    "defected",
    "displaced",
    "airstrikes",
    "barrel_bombs",
    "suicide_bombers",
    "fighters",
    "equipment",
    "distance",
    "population",
    "places_seized",
    "other",
}
TOP_KEYS = {"article_id", "published_date", "places", "actors", "events", "figures", "missing_reference"}
EVENT_KEYS = {
    "id",
    "event_date",
    "event_date_end",
    "date_precision",
    "event_type",
    "sub_event_type",
    "place_id",
    "geo_precision",
    "actors",
    "fatalities",
    "historical",
    "evidence",
}
FIGURE_KEYS = {
    "value",
    "value_low",
    "value_high",
    "qualifier",
    "category",
    "subject",
    "claimed_by",
    "event",
    "part_of",
    "evidence",
}
ROLE_KEYS = {"attacker", "associated", "target", "participant"}


def load_reference() -> tuple[set[str], set[str]]:
    """Return (place ids, actor ids) from the reference data."""
    place_ids: set[str] = set()
    for name in ("places.csv", "places_geonames.csv"):  # the curated overlay and the generated gazetteer
        if (REFERENCE / name).is_file():
            with (REFERENCE / name).open(encoding="utf-8", newline="") as fh:
                place_ids |= {row["place_id"] for row in csv.DictReader(fh)}
    actors = yaml.safe_load((REFERENCE / "actors.yml").read_text(encoding="utf-8"))
    actor_ids = {a["actor_id"] for a in actors}
    return place_ids, actor_ids


def load_published_dates(seeds: Path = SEEDS) -> dict[str, str]:
    """Map article id (seed file stem) to its published_date string from the seeds folder's articles.csv."""
    with (seeds / "articles.csv").open(encoding="utf-8", newline="") as fh:
        return {Path(row["seed_file"]).stem: row["published_date"] for row in csv.DictReader(fh)}


def as_date(value: object) -> dt.date | None:
    """Accept a YAML date or an ISO string; return None when it is neither."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def check_figure_bounds(fig: dict, where: str, errors: list[str]) -> None:
    """The bounds a qualifier implies (see README.md, 'Figures')."""
    q, v, lo, hi = fig.get("qualifier"), fig.get("value"), fig.get("value_low"), fig.get("value_high")
    if not isinstance(v, int | float) or isinstance(v, bool):
        errors.append(f"{where}: value must be a number, got {v!r}")
        return
    if q in {"exact", "about"}:
        ok = lo is None and hi is None
    elif q in {"at_least", "more_than", "vague"}:
        ok = lo == v and hi is None
    elif q in {"nearly", "up_to", "fewer_than"}:
        ok = lo is None and hi == v
    elif q == "range":
        ok = lo is not None and hi is not None and lo <= v <= hi
    else:
        return
    if not ok:
        errors.append(f"{where}: bounds value_low={lo!r} value_high={hi!r} do not fit qualifier {q!r} with value {v!r}")


def check_file(path: Path, place_ids: set[str], actor_ids: set[str], published: dict[str, str],
               seeds: Path = SEEDS) -> list[str]:
    """Return the list of problems found in one gold file."""
    errors: list[str] = []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [f"{path.name}: YAML error: {exc}"]
    if not isinstance(doc, dict):
        return [f"{path.name}: top level is not a mapping"]
    if set(doc) != TOP_KEYS:
        errors.append(f"{path.name}: top-level keys {sorted(doc)} != {sorted(TOP_KEYS)}")

    article_id = str(doc.get("article_id"))
    if path.stem != article_id:
        errors.append(f"{path.name}: article_id {article_id!r} does not match the file name")
    seed = seeds / f"{article_id}.txt"
    if not seed.exists():
        return errors + [f"{path.name}: no seed article {seed}"]
    body = seed.read_text(encoding="utf-8")
    pub = as_date(doc.get("published_date"))
    if pub is None or published.get(article_id) != pub.isoformat():
        errors.append(f"{path.name}: published_date {doc.get('published_date')!r} != articles.csv {published.get(article_id)!r}")

    def in_body(text: object, where: str) -> None:
        if not isinstance(text, str) or not text:
            errors.append(f"{where}: not a non-empty string: {text!r}")
        elif text not in body:
            errors.append(f"{where}: not found verbatim in the article: {text!r}")

    # missing_reference
    missing: dict[str, set[str]] = {"place": set(), "actor": set()}
    for i, m in enumerate(doc.get("missing_reference") or []):
        where = f"{path.name}: missing_reference[{i}]"
        kind, mid = m.get("kind"), m.get("id")
        if kind not in missing:
            errors.append(f"{where}: kind must be 'place' or 'actor', got {kind!r}")
            continue
        missing[kind].add(mid)  # when the reference data hold it, an adopted id (see adopted())
        in_body(m.get("surface"), f"{where}.surface")
        if not m.get("note"):
            errors.append(f"{where}: note is empty")
    known_places = place_ids | missing["place"]
    known_actors = actor_ids | missing["actor"]

    # places and actors
    listed: dict[str, set[str]] = {}
    for section, key, known in (("places", "place_id", known_places), ("actors", "actor_id", known_actors)):
        listed[section] = set()
        for i, entry in enumerate(doc.get(section) or []):
            where = f"{path.name}: {section}[{i}]"
            ident = entry.get(key)
            if ident not in known:
                errors.append(f"{where}: unknown {key} {ident!r} (not in reference data nor missing_reference)")
            if ident in listed[section]:
                errors.append(f"{where}: {key} {ident!r} listed twice")
            listed[section].add(ident)
            surfaces = entry.get("surfaces") or []
            if not surfaces:
                errors.append(f"{where}: no surfaces")
            if len(set(surfaces)) != len(surfaces):
                errors.append(f"{where}: duplicate surfaces")
            for s in surfaces:
                in_body(s, f"{where} ({ident}) surface")
    for kind, section in (("place", "places"), ("actor", "actors")):
        for mid in missing[kind] - listed[section]:
            errors.append(f"{path.name}: missing_reference {kind} {mid!r} is not listed under {section}")

    # events
    event_ids: set[str] = set()
    for i, ev in enumerate(doc.get("events") or []):
        where = f"{path.name}: events[{i}] ({ev.get('id')})"
        if set(ev) != EVENT_KEYS:
            errors.append(f"{where}: keys {sorted(ev)} != {sorted(EVENT_KEYS)}")
        if ev.get("id") in event_ids:
            errors.append(f"{where}: duplicate event id")
        event_ids.add(ev.get("id"))
        etype, sub = ev.get("event_type"), ev.get("sub_event_type")
        if etype not in ACLED_TYPES:
            errors.append(f"{where}: invalid event_type {etype!r}")
        elif sub not in ACLED_TYPES[etype]:
            errors.append(f"{where}: invalid sub_event_type {sub!r} for {etype!r}")
        prec = ev.get("date_precision")
        if prec not in DATE_PRECISIONS:
            errors.append(f"{where}: invalid date_precision {prec!r}")
        start, end = as_date(ev.get("event_date")), ev.get("event_date_end")
        if start is None:
            errors.append(f"{where}: event_date is not an ISO date: {ev.get('event_date')!r}")
        if end is not None:
            end = as_date(end)
            if end is None:
                errors.append(f"{where}: event_date_end is not an ISO date")
            elif start is not None and end < start:
                errors.append(f"{where}: event_date_end before event_date")
        elif prec in {"week", "month", "year"}:
            errors.append(f"{where}: precision {prec!r} needs an event_date_end")
        if pub is not None and start is not None and start > pub:
            errors.append(f"{where}: event_date after the publication date")
        if ev.get("geo_precision") not in (1, 2, 3):
            errors.append(f"{where}: geo_precision must be 1, 2 or 3")
        if ev.get("place_id") not in listed["places"]:
            errors.append(f"{where}: place_id {ev.get('place_id')!r} is not listed under places")
        if not isinstance(ev.get("historical"), bool):
            errors.append(f"{where}: historical must be true or false")
        fat = ev.get("fatalities")
        if fat is not None and (not isinstance(fat, int) or isinstance(fat, bool) or fat < 0):
            errors.append(f"{where}: fatalities must be null or a non-negative integer")
        roles = ev.get("actors") or {}
        if not set(roles) <= ROLE_KEYS:
            errors.append(f"{where}: unknown actor roles {sorted(set(roles) - ROLE_KEYS)}")
        if etype in PARTICIPANT_TYPES:
            if "participant" not in roles or {"attacker", "target"} & set(roles):
                errors.append(f"{where}: {etype} events use 'participant' (not attacker/target)")
        elif etype in ACLED_TYPES and ("participant" in roles or not {"attacker", "target"} <= set(roles)):
            errors.append(f"{where}: {etype} events use attacker/associated/target")
        for role, ids in roles.items():
            if not isinstance(ids, list):
                errors.append(f"{where}: actors.{role} must be a list")
                continue
            for a in ids:
                if a not in listed["actors"]:
                    errors.append(f"{where}: actors.{role} id {a!r} is not listed under actors")
        evidence = ev.get("evidence") or []
        if not evidence:
            errors.append(f"{where}: no evidence")
        for j, text in enumerate(evidence):
            in_body(text, f"{where} evidence[{j}]")

    # figures
    figures = doc.get("figures") or []
    for i, fig in enumerate(figures):
        where = f"{path.name}: figures[{i}]"
        if set(fig) != FIGURE_KEYS:
            errors.append(f"{where}: keys {sorted(fig)} != {sorted(FIGURE_KEYS)}")
        if fig.get("qualifier") not in QUALIFIERS:
            errors.append(f"{where}: invalid qualifier {fig.get('qualifier')!r}")
        if fig.get("category") not in CATEGORIES:
            errors.append(f"{where}: invalid category {fig.get('category')!r}")
        check_figure_bounds(fig, where, errors)
        if not fig.get("subject"):
            errors.append(f"{where}: empty subject")
        claimed = fig.get("claimed_by")
        if not isinstance(claimed, list):
            errors.append(f"{where}: claimed_by must be a list")
        else:
            for a in claimed:
                if a not in listed["actors"]:
                    errors.append(f"{where}: claimed_by id {a!r} is not listed under actors")
        if fig.get("event") is not None and fig.get("event") not in event_ids:
            errors.append(f"{where}: event {fig.get('event')!r} is not an event id of this file")
        part = fig.get("part_of")
        bad_index = not isinstance(part, int) or isinstance(part, bool) or not 0 <= part < len(figures) or part == i
        if part is not None and bad_index:
            errors.append(f"{where}: part_of {part!r} does not point to another figure of this file")
        in_body(fig.get("evidence"), f"{where} evidence")
    return errors


def adopted(doc: dict, place_ids: set[str], actor_ids: set[str]) -> list[str]:
    """The ids of a file's missing_reference that the reference data have adopted since it was coded."""
    return [m.get("id") for m in doc.get("missing_reference") or []
            if m.get("id") in (place_ids if m.get("kind") == "place" else actor_ids)]


def main(argv: list[str]) -> int:
    seeds = SEEDS
    if argv[:1] == ["--seeds"]:
        seeds, argv = Path(argv[1]), argv[2:]
    place_ids, actor_ids = load_reference()
    published = load_published_dates(seeds)
    paths = [Path(a) for a in argv] if argv else sorted(GOLD_DIR.glob("*.yml"))
    if not paths:
        print("no gold files found", file=sys.stderr)
        return 1
    problems = 0
    for path in paths:
        errors = check_file(path, place_ids, actor_ids, published, seeds)
        for e in errors:
            print(e)
        problems += len(errors)
        if not errors:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            counts = {k: len(doc.get(k) or []) for k in ("events", "figures", "places", "actors", "missing_reference")}
            taken = adopted(doc, place_ids, actor_ids)
            counts["adopted"] = len(taken)
            print(f"{path.name}: OK " + " ".join(f"{k}={v}" for k, v in counts.items())
                  + (f" ({', '.join(taken)} adopted by the reference data)" if taken else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

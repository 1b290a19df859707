"""Turn extractions, merged events and reference data into the rows of every published table."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from .errors import BuildError
from .extract import ArticleExtraction, ClaimedFigure
from .extraction.figures import PEOPLE
from .extraction.places import inside
from .extraction_runs import run_extractions
from .ids import figure_id
from .merge import Event, first_report, merge_events
from .reference import Place, Reference
from .seeds import ANNOTATIONS_FILE, Article, Collection

FATALITY_CATEGORIES = ("killed", "executed")
NOT_UNDERSTOOD = "not_understood"
EXTRACTION_CUT = "extraction_cut"
STALE_REVIEWS = "stale_reviews"  # reviewers' corrections whose row is gone (scripts/reviews.py)
NOT_PUBLISHED = (NOT_UNDERSTOOD, EXTRACTION_CUT, STALE_REVIEWS)  # rows for the reports only


def _figure_id(article_id: str, item: ClaimedFigure) -> str:
    return figure_id(article_id, item.figure.number_start, item.figure.number_end)


def _figure_events(events: list[Event]) -> dict[tuple[str, int], list[tuple[int, bool, str]]]:
    """(article, sentence index) → [(trigger offset, whether the sentence is not the event's first report,
    event id)] for linking figures to events: of two triggers as near to a number, the event first told in
    that sentence takes it (not one it mentions again), whatever their ids."""
    index: dict[tuple[str, int], list[tuple[int, bool, str]]] = defaultdict(list)
    for event in events:
        first = first_report(event)
        for mention in event.mentions:
            retold = (mention.article_id, mention.sentence.index) != (first.article_id, first.sentence.index)
            index[(mention.article_id, mention.sentence.index)].append((mention.trigger_start, retold, event.event_id))
    return index


def _parent_figure(items: list[ClaimedFigure], position: int) -> int | None:
    """A sub-count belongs to the nearest earlier whole count of the same kind in this or the last sentence."""
    child = items[position].figure
    for index in range(position - 1, -1, -1):
        parent = items[index].figure
        if child.sentence.index - parent.sentence.index > 1:
            break
        if not parent.is_part and parent.category == child.category and parent.value >= child.value:
            return index
    return None


Sides = list[tuple[str, set[str], set[str]]]  # (side, modifiers, nouns), in the order figures.yml gives them


def read_sides(figures_data: dict) -> Sides:
    """The `sides` of seeds/reference/extraction/figures.yml: whose people a count of people counts."""
    return [(side, set(spec["modifiers"]), set(spec["nouns"])) for side, spec in figures_data["figures"]["sides"].items()]


def subject_side(subject: str, sides: Sides) -> str | None:
    """The side of the people a figure's subject names: a modifier before the counted noun decides ("pro-regime
    fighters"), else the noun itself ("soldiers"); None when neither names a side ("people")."""
    words = re.findall(r"[a-z]+", subject.lower())
    if not words:
        return None
    for side, modifiers, _ in sides:
        if modifiers.intersection(words[:-1]):
            return side
    return next((side for side, _, nouns in sides if words[-1] in nouns), None)


def figure_rows(extractions: list[ArticleExtraction], events: list[Event], sides: Sides) -> list[dict]:
    links = _figure_events(events)
    rows = []
    for extraction in extractions:
        article_id = extraction.article.article_id
        items = extraction.figures
        event_ids: list[str | None] = []
        for position, item in enumerate(items):
            figure = item.figure
            candidates = links.get((article_id, item.event_sentence), []) if item.event_sentence is not None else []
            event_id = min(candidates, key=lambda c: (abs(c[0] - figure.number_start), c[1], c[0]))[2] if candidates else None
            parent = _parent_figure(items, position) if figure.is_part else None
            if parent is not None and (event_ids[parent] is not None or items[parent].figure.cumulative):
                # a sub-count counts the dead of its whole's event, wherever it is told; of a running total, none
                event_id = event_ids[parent]
            event_ids.append(event_id)
            rows.append({
                "figure_id": _figure_id(article_id, item),
                "article_id": article_id,
                "event_id": event_id,
                "place_id": item.place_id,
                "value": None if figure.value_word else figure.value,  # a vague word is no exact value
                "value_word": figure.value_word,
                "value_low": figure.value_low,
                "value_high": figure.value_high,
                "unit": figure.unit,
                "qualifier": figure.qualifier,
                "category": figure.category,
                "subject": figure.subject,
                "subject_side": subject_side(figure.subject, sides) if figure.unit == PEOPLE else None,
                "claimed_by_actor_id": item.claimed_by,
                "part_of_figure_id": _figure_id(article_id, items[parent]) if parent is not None else None,
                "quote": figure.sentence.text,
                "char_start": figure.sentence.start,
                "char_end": figure.sentence.end,
            })
    return rows


FATALITY_BOUNDS = ("low", "best", "high")
DAY = "day"  # the date precision of an event known to the day


def _bound(value: float, figures: list[dict]) -> tuple[int, list[str]]:
    return int(value), sorted(f["figure_id"] for f in figures)


def _count_bounds(claims: list[dict]) -> dict[str, tuple[int, list[str]]]:
    """Low, best and high of one count (the dead of one side, or of no side named, in one event), each with the
    figure that gives it. A source (article and claimant) counts with its largest number; low is the lowest
    source, high the highest, best the middle one (the lower of the two middle ones). A vague word counts only
    where no source gives a number, and then with its low bound for all three."""
    numbered: dict[tuple[str, str], dict] = {}
    vague: dict[tuple[str, str], dict] = {}
    for row in claims:
        source = (row["article_id"], row["claimed_by_actor_id"] or "")
        kept, value = (numbered, "value") if row["value"] is not None else (vague, "value_low")
        if source not in kept or (row[value], row["figure_id"]) > (kept[source][value], kept[source]["figure_id"]):
            kept[source] = row
    if numbered:
        ranked = sorted(numbered.values(), key=lambda f: (f["value"], f["figure_id"]))
        picks = {"low": ranked[0], "best": ranked[(len(ranked) - 1) // 2], "high": ranked[-1]}
        return {bound: _bound(row["value"], [row]) for bound, row in picks.items()}
    floor = min(vague.values(), key=lambda f: (f["value_low"], f["figure_id"]))
    return {bound: _bound(floor["value_low"], [floor]) for bound in FATALITY_BOUNDS}


def _event_bounds(claims: list[dict]) -> dict[str, tuple[int, list[str]]]:
    """An event's low, best and high fatalities from its own tolls: the counts of different sides add up; a count
    naming no side ("the death toll at 27") is another reading of the same dead, so low and best are the lower of it
    and the sides' sum, high the higher."""
    by_side: dict[str | None, list[dict]] = defaultdict(list)
    for row in claims:
        by_side[row["subject_side"]].append(row)
    counts = {side: _count_bounds(rows) for side, rows in by_side.items()}
    bounds = {}
    for bound in FATALITY_BOUNDS:
        sided = [counts[side][bound] for side in sorted(counts, key=str) if side is not None]
        readings = [(sum(v for v, _ in sided), sorted(i for _, ids in sided for i in ids))] if sided else []
        readings += [counts[None][bound]] if None in counts else []
        bounds[bound] = (max if bound == "high" else min)(readings)
    return bounds


def fatality_bounds(figures: list[dict]) -> dict[str, dict[str, object]]:
    """Each event's fatalities, UCDP-style low, best and high with the figures that give each, and ACLED's
    conservative `fatalities` (the low), from the event's own tolls only: figures of a fatality category linked
    to the event, not a sub-count of another figure. An event with no toll is not in the result."""
    claims: dict[str, list[dict]] = defaultdict(list)
    for row in figures:
        if row["event_id"] and row["category"] in FATALITY_CATEGORIES and not row["part_of_figure_id"]:
            claims[row["event_id"]].append(row)
    result = {}
    for event_id, rows in claims.items():
        bounds = _event_bounds(rows)
        result[event_id] = {"fatalities": bounds["low"][0],
                            **{f"fatalities_{b}": bounds[b][0] for b in FATALITY_BOUNDS},
                            **{f"fatalities_{b}_figures": "; ".join(bounds[b][1]) for b in FATALITY_BOUNDS}}
    return result


NO_FATALITIES = {"fatalities": None, **{f"fatalities_{b}": None for b in FATALITY_BOUNDS},
                 **{f"fatalities_{b}_figures": None for b in FATALITY_BOUNDS}}


def _place_view(row: dict) -> SimpleNamespace:
    """A places row as `inside` reads a place."""
    return SimpleNamespace(place_type=row["place_type"], governorate=row["governorate"], country=row["country"],
                           within=row["within_place_id"])


def _within_days(event: dict, other: dict) -> bool:
    """Whether `event` falls on `other`'s days: the same dates, or days known to the day within other's span."""
    if (event["event_date"], event["event_date_end"]) == (other["event_date"], other["event_date_end"]):
        return True
    return (event["date_precision"] == other["date_precision"] == DAY and other["event_date"] <= event["event_date"]
            and (event["event_date_end"] or event["event_date"]) <= (other["event_date_end"] or other["event_date"]))


def _holds(other: dict, event: dict, places: dict[str, SimpleNamespace]) -> bool:
    """Whether `other` holds `event`: the same type and sub-type, `event` on other's days at a place other's holds."""
    return ((other["event_type"], other["sub_event_type"]) == (event["event_type"], event["sub_event_type"])
            and _within_days(event, other) and inside(places, event["place_id"], other["place_id"]))


def _containers(event: dict, events: list[dict], places: dict[str, SimpleNamespace]) -> list[dict]:
    """The events `event` is part of: those that hold it; of two that hold each other (the same days at the same
    place, or two names of one area), the one with the lower id, as ACLED makes one event of one day's violence of
    one kind at one place."""
    return [other for other in events if other is not event and _holds(other, event, places)
            and (not _holds(event, other, places) or other["event_id"] < event["event_id"])]


def link_parts(events: list[dict], place_rows: list[dict]) -> None:
    """Set each event's `part_of_event_id` (the nearest event it lies inside: of several, the one at the place the
    others' places hold, then the lowest id) and `fatalities_in_totals` (what it adds to a sum of fatalities, each
    death once: nothing for a part; for any other event the largest toll among it and the events inside it). The
    parts' tolls are not added up: the same day's toll of one place, told twice, can be read as two events there
    (two spellings of a village), and a sum would count those dead twice."""
    places = {row["place_id"]: _place_view(row) for row in place_rows}
    parts: dict[str, list[dict]] = defaultdict(list)
    for event in events:
        containers = _containers(event, events, places)
        nearest = min(containers, key=lambda c: (-sum(inside(places, c["place_id"], o["place_id"]) for o in containers),
                                                 c["event_id"]), default=None)
        event["part_of_event_id"] = nearest["event_id"] if nearest else None
        if nearest:
            parts[nearest["event_id"]].append(event)

    def held(event: dict) -> int | None:
        """The largest toll of an event and of the events inside it."""
        counts = [c for c in [event["fatalities"], *(held(part) for part in parts[event["event_id"]])] if c is not None]
        return max(counts) if counts else None

    for event in events:
        event["fatalities_in_totals"] = None if event["part_of_event_id"] else held(event)


COORD_DECIMALS = 4  # about 10 m: finer than any place in the gazetteer is known
AREA_PRECISION = 3  # ACLED geo precision of an event located only to a governorate or region


def event_point(latitude: float | None, longitude: float | None, geo_precision: int) -> dict[str, float | None]:
    """An event's published coordinate, rounded: its place's own point (`latitude` none when the place has no
    point of its own, as a region or a checkpoint known only to lie in one); none for an event known only to
    its governorate or region (it is not a point, and the map must not draw it as one)."""
    point = latitude is not None and longitude is not None and geo_precision < AREA_PRECISION
    return {"latitude": round(latitude, COORD_DECIMALS) if point else None,
            "longitude": round(longitude, COORD_DECIMALS) if point else None}


def event_rows(events: list[Event], reference: Reference, figures: list[dict], published: dict[str, object]) -> list[dict]:
    """The events table's rows, without the links between events (`link_parts` sets them)."""
    rows = []
    tolls = fatality_bounds(figures)
    for event in events:
        place = reference.places[event.place_id]
        first_report = min(event.mentions, key=lambda m: (published[m.article_id], m.article_id, m.trigger_start))
        rows.append({
            "event_id": event.event_id,
            "event_date": event.first.isoformat(),
            "event_date_end": event.last.isoformat() if event.last != event.first else None,
            "date_precision": event.precision,
            "date_basis": event.basis,
            "event_type": event.event_type,
            "sub_event_type": event.sub_event_type,
            "place_id": event.place_id,
            **event_point(place.latitude, place.longitude, event.geo_precision),
            "geo_precision": event.geo_precision,
            "actor1_id": event.actor1_id,
            "actor2_id": event.actor2_id,
            **tolls.get(event.event_id, NO_FATALITIES),
            "summary": first_report.sentence.text,
            "source_count": len({m.article_id for m in event.mentions}),
        })
    return rows


def _iso(day: date | None) -> str | None:
    """An optional day as the table writes dates (ISO), or None."""
    return day.isoformat() if day else None


def build_tables(extractions: list[ArticleExtraction], events: list[Event], reference: Reference) -> dict[str, list[dict]]:
    """Rows of every resource in datapackage.json, keyed by resource name."""
    articles = [x.article for x in extractions]
    figures = figure_rows(extractions, events, read_sides(reference.extraction["figures"]))
    published = {a.article_id: a.published_date for a in articles}
    tables = {
        "articles": [{
            "article_id": a.article_id, "title": a.title, "publisher": a.publisher,
            "published_date": a.published_date.isoformat(), "published_date_basis": a.published_date_basis,
            "published_date_note": a.published_date_note, "url": a.url, "byline": a.byline,
            "language": a.language, "word_count": a.word_count, "body": a.body, "seed_file": a.seed_file,
            "sha256": a.sha256, "rights": a.rights, "collection_id": a.collection_id or "seeds",
            "title_in_text": a.title_in_text, "duplicate_of_article_id": a.duplicate_of or None,
        } for a in articles],
        "actors": [{
            "actor_id": a.actor_id, "name": a.name, "actor_type": a.actor_type, "side": a.side,
            "description": a.description, "valid_from": _iso(a.valid_from), "valid_to": _iso(a.valid_to),
        } for a in reference.actors.values()],
        "actor_aliases": [{"actor_id": a.actor_id, "alias": alias} for a in reference.actors.values() for alias in a.aliases],
        "actor_relations": [{"actor_id": a.actor_id, "related_actor_id": r.related, "relation": r.relation,
                             "valid_from": _iso(r.valid_from), "valid_to": _iso(r.valid_to)}
                            for a in reference.actors.values() for r in a.relations],
        "places": [{
            "place_id": p.place_id, "name": p.name, "place_type": p.place_type,
            "governorate": (p.governorate or None) if p.country == reference.home_country else None,  # abroad: none
            "country": p.country, "within_place_id": p.within, "latitude": p.latitude, "longitude": p.longitude,
            "point": p.point, "representative_place_id": p.representative,
            "geo_precision": p.geo_precision, "geonames_id": p.geonames_id, "coord_source": p.coord_source,
        } for p in reference.places.values()],
        # the names of the gazetteer; the forms places.yml derives by rule ("southern Idlib province") are not listed
        "place_aliases": [{"place_id": p.place_id, "alias": alias} for p in reference.places.values()
                          for alias in p.aliases if alias not in p.derived],
        "events": event_rows(events, reference, figures, published),
        "event_actors": [{"event_id": e.event_id, "actor_id": actor, "role": role} for e in events for actor, role in e.roles],
        "event_mentions": sorted({
            (e.event_id, m.article_id, m.sentence.start): {
                "event_id": e.event_id, "article_id": m.article_id, "quote": m.sentence.text,
                "char_start": m.sentence.start, "char_end": m.sentence.end,
            } for e in events for m in e.mentions}.values(), key=lambda r: (r["event_id"], r["article_id"], r["char_start"])),
        "figures": figures,
        "mentions": [{
            "article_id": x.article.article_id, "entity_type": m.entity_type, "entity_id": m.entity_id,
            "surface": m.surface, "char_start": m.start, "char_end": m.end,
        } for x in extractions for m in x.mentions],
        # Not a published table: what the extractor met and could not read, for the review reports.
        NOT_UNDERSTOOD: [{
            "article_id": x.article.article_id, "text": n.text, "char_start": n.start, "char_end": n.end,
            "reason": n.reason,
        } for x in extractions for n in x.not_understood],
        # Not a published table: the articles the time budget stopped (limits.yml), for the reports.
        EXTRACTION_CUT: [{"article_id": x.article.article_id, "character": x.cut.character, "note": str(x.cut)}
                         for x in extractions if x.cut],
        "unresolved_mentions": [{
            "article_id": x.article.article_id, "surface": u.surface, "char_start": u.start, "char_end": u.end,
            "suggested_entity_type": u.suggested_type, "suggested_entity_id": u.suggested_id,
            "suggestion_score": u.score, "looks_like": u.looks_like,
        } for x in extractions for u in x.unresolved],
    }
    link_parts(tables["events"], tables["places"])
    return tables


def collection_tables(collections: list[Collection], articles: list[Article],
                      annotation_columns: list[str]) -> dict[str, list[dict]]:
    """The collections the articles came in, and each collection's own coding of its articles: the rows of
    its annotations.csv as the import wrote them, which must have the columns of the schema's
    collection_annotations (datapackage.json types and checks them)."""
    counts: dict[str, int] = defaultdict(int)
    for article in articles:
        counts[article.collection_id] += 1
    article_ids = {a.article_id for a in articles}
    annotations = []
    for collection in collections:
        for line, row in enumerate(collection.annotations, start=2):
            values = {**{k: (v or "").strip() or None for k, v in row.items()}, "collection_id": collection.collection_id}
            if set(values) != set(annotation_columns):
                raise BuildError(f"{collection.folder / ANNOTATIONS_FILE}, line {line}: columns "
                                 f"{sorted(set(values) - {'collection_id'})} are not those of collection_annotations in "
                                 f"datapackage.json ({', '.join(c for c in annotation_columns if c != 'collection_id')})")
            if values["article_id"] in article_ids:  # else the coding of an article the import left out
                annotations.append({**values, "annotation_no": int(values["annotation_no"])})
    return {
        "collections": [{
            "collection_id": c.collection_id, "title": c.title, "description": c.description or None,
            "credit": c.credit or None, "licence": c.licence or None, "licence_url": c.licence_url or None,
            "source_url": c.source_url or None, "article_count": counts[c.collection_id],
        } for c in collections],
        "collection_annotations": annotations,
    }


def new_places(extractions: list[ArticleExtraction]) -> dict[str, Place]:
    """The places the articles name that the reference lacks (scripts/extraction/new_places.py), by id: each as
    the first article (by id) that names it makes it, with every article that names it in its source."""
    found: dict[str, Place] = {}
    named_in: dict[str, list[str]] = defaultdict(list)
    for extraction in sorted(extractions, key=lambda x: x.article.article_id):
        for place_id, place in extraction.new_places.items():
            found.setdefault(place_id, place)
            named_in[place_id].append(extraction.article.article_id)
    return {place_id: replace(place, coord_source=f"{place.coord_source} in {', '.join(named_in[place_id])}; "
                              "its point is not known")
            for place_id, place in sorted(found.items())}


def merged_tables(extractions: list[ArticleExtraction], reference: Reference) -> dict[str, list[dict]]:
    """Merge the articles' events and shape every table's rows (the places table with the new places the
    articles name)."""
    reference = replace(reference, places={**reference.places, **new_places(extractions)})
    events = merge_events([m for x in extractions for m in x.events], reference)
    return build_tables(extractions, events, reference)


def extract_tables(articles: list[Article], reference: Reference) -> dict[str, list[dict]]:
    """Run the extractor over the articles (in this process, no cache), merge their events and shape every table's rows."""
    return merged_tables(run_extractions(articles, reference).extractions, reference)

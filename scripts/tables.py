"""Turn extractions, merged events and reference data into the rows of every published table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from .errors import BuildError
from .extract import ArticleExtraction, ClaimedFigure
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


def figure_rows(extractions: list[ArticleExtraction], events: list[Event]) -> list[dict]:
    links = _figure_events(events)
    rows = []
    for extraction in extractions:
        article_id = extraction.article.article_id
        items = extraction.figures
        for position, item in enumerate(items):
            figure = item.figure
            candidates = links.get((article_id, item.event_sentence), []) if item.event_sentence is not None else []
            event_id = min(candidates, key=lambda c: (abs(c[0] - figure.number_start), c[1], c[0]))[2] if candidates else None
            parent = _parent_figure(items, position) if figure.is_part else None
            rows.append({
                "figure_id": _figure_id(article_id, item),
                "article_id": article_id,
                "event_id": event_id,
                "place_id": item.place_id,
                "value": figure.value,
                "value_low": figure.value_low,
                "value_high": figure.value_high,
                "unit": figure.unit,
                "qualifier": figure.qualifier,
                "category": figure.category,
                "subject": figure.subject,
                "claimed_by_actor_id": item.claimed_by,
                "part_of_figure_id": _figure_id(article_id, items[parent]) if parent is not None else None,
                "quote": figure.sentence.text,
                "char_start": figure.sentence.start,
                "char_end": figure.sentence.end,
            })
    return rows


def fatalities(figures: list[dict]) -> dict[str, int]:
    """Each event's fatalities, ACLED-style: the lowest of the sources' tolls, a source (article and claimant)
    counting its largest toll. An event with no toll is not in the result."""
    per_source: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
    for row in figures:
        if row["event_id"] and row["category"] in FATALITY_CATEGORIES and not row["part_of_figure_id"]:
            tolls = per_source[row["event_id"]]
            source = (row["article_id"], row["claimed_by_actor_id"] or "")
            tolls[source] = max(tolls.get(source, 0), row["value"])
    return {event_id: int(min(tolls.values())) for event_id, tolls in per_source.items()}


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
    rows = []
    tolls = fatalities(figures)
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
            "fatalities": tolls.get(event.event_id),
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
    figures = figure_rows(extractions, events)
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

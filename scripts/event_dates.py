"""Date merged events from what their article says around them.

A report that gives no date of its own is first put in the week before publication (or before the
report that tells it). These rules narrow that week from the article's other events, in this order:
an event told in the same sentence ("coincided with", "following the fall of X"), an event the
sentence dates it from ("Three weeks after X fell, ..."), the start of the offensive it belongs to,
and the story the sentence continues (a commander's account of the assault told just before).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from .dates import span_precision
from .reference import Reference

if TYPE_CHECKING:
    from .merge import Event

# Place types that stand for a whole area: over an area, reports of different days are different events.
AREA_TYPES = ("governorate", "region", "country")
# How many sentences back an undated report may find the story it continues.
STORY_SENTENCES = 5


def _set(event: Event, first, last, precision: str, bound: bool) -> None:
    """Give the event days found from its context (date_basis "context")."""
    event.first, event.last, event.precision, event.basis, event.bound = first, last, precision, "context", bound


def _by_sentence(events: list[Event]) -> dict[tuple[str, int], list[tuple[int, Event]]]:
    """(article, sentence index) -> (trigger start, event) of every report in that sentence."""
    found: dict[tuple[str, int], list[tuple[int, Event]]] = {}
    for event in events:
        for mention in event.mentions:
            found.setdefault((mention.article_id, mention.sentence.index), []).append((mention.trigger_start, event))
    return found


def _from_sentence_mates(events: list[Event], by_sentence, sequence: re.Pattern[str]) -> None:
    """An undated event told with a dated one took place in its days ("the battles coincided with the
    defection"), or since it when it comes after it ("Following the fall of X, jets conducted raids")."""
    for event in sorted(events, key=lambda e: (e.sub_event_type, e.place_id, e.first)):
        if event.basis != "publication":
            continue
        for mention in event.mentions:
            text, offset = mention.sentence.text, mention.sentence.start
            mates = [(start, other) for start, other in by_sentence[(mention.article_id, mention.sentence.index)]
                     if other is not event and other.basis != "publication"]
            since = [other for start, other in mates if start < mention.trigger_start
                     and sequence.search(text[: start - offset]) and event.first <= other.first <= event.last]
            if since:
                other = since[0]
                _set(event, other.first, event.last, span_precision(other.first, event.last), False)
                break
            within = [other for _, other in mates if event.first <= other.first and other.last <= event.last]
            if within:
                best = min(within, key=lambda o: ((o.last - o.first).days, o.first))
                _set(event, best.first, best.last, best.precision, False)
                break


def _after_named_event(events: list[Event]) -> None:
    """"Three weeks after Abu a-Dhuhur fell in 2015, Russia began its intervention": the named event's
    days moved by the stated offset, when they say more than the sentence's own date."""
    by_trigger = {(m.article_id, m.trigger_start): event for event in events for m in event.mentions}
    for event in events:
        for mention in event.mentions:
            if not mention.after_event:
                continue
            days, anchor_start = mention.after_event
            anchor = by_trigger.get((mention.article_id, anchor_start))
            if anchor is None or anchor is event or (anchor.last - anchor.first) >= (event.last - event.first):
                continue
            shift = timedelta(days=days)
            _set(event, anchor.first + shift, anchor.last + shift, anchor.precision, False)


def _inside(place_id: str, area_id: str, reference: Reference) -> bool:
    """Whether a place is the area or lies in it (through `within`, or in the area's governorate)."""
    places = reference.places
    area = places[area_id]
    seen = set()
    while place_id and place_id not in seen:
        if place_id == area_id:
            return True
        seen.add(place_id)
        place_id = places[place_id].within
    return False if area.place_type != "governorate" else places[seen.pop()].governorate == area.governorate


def _within_campaign(events: list[Event], reference: Reference) -> None:
    """An undated event at the place of an offensive, in the article that reports the day it started,
    happened on or after that day ("all of which announced Wednesday they were starting the battle")."""
    starts = [(m.article_id, event) for event in events if event.precision == "day"
              for m in event.mentions if m.starts_campaign]
    reported: dict[str, list[Event]] = {}  # article → the events it reports, in order
    for event in events:
        for article_id in dict.fromkeys(m.article_id for m in event.mentions):
            reported.setdefault(article_id, []).append(event)
    for article_id, start in starts:
        for event in reported.get(article_id, []):
            if (event.bound and event is not start and event.first < start.first <= event.last
                    and _inside(event.place_id, start.place_id, reference)):
                _set(event, start.first, event.last, span_precision(start.first, event.last), True)


def _from_story(events: list[Event], by_sentence, reference: Reference) -> None:
    """An undated event at a named place, told just after the report of a dated one, continues that story
    and took place that day (the commander's account of the assault, given the day of the assault). The
    start of an offensive is not such a story: what the offensive won came on the days after it."""
    for event in sorted(events, key=lambda e: (e.first, e.sub_event_type, e.place_id)):
        if not event.bound or reference.places[event.place_id].place_type in AREA_TYPES:
            continue
        first = min(event.mentions, key=lambda m: (m.article_id, m.sentence.index))
        for back in range(1, STORY_SENTENCES + 1):
            told = [other for _, other in by_sentence.get((first.article_id, first.sentence.index - back), [])
                    if other is not event and not any(m.starts_campaign for m in other.mentions)]
            if not told:
                continue
            dated = [o for o in told if o.precision == "day" and not o.bound and event.first <= o.first <= event.last]
            if dated:  # the story's latest day
                latest = max(dated, key=lambda o: o.first)
                _set(event, latest.first, latest.last, "day", False)
            break


def refine_dates(events: list[Event], reference: Reference) -> None:
    """Narrow the dates of events whose own sentences only bound them, from the rest of their article."""
    sequence = re.compile(reference.lexicon["dates"]["sequence_before"], re.I)
    by_sentence = _by_sentence(events)
    _from_sentence_mates(events, by_sentence, sequence)
    _after_named_event(events)
    _within_campaign(events, reference)
    _from_story(events, by_sentence, reference)

"""Date merged events from an explicit link to another event of their sentence.

A report that gives no date of its own is first put in the week before publication (or before the
report that tells it). Two links in its own sentence narrow that week: "following the fall of X" or
"after they took X" (scripts/extraction/when.py records the event it follows): it ran from X's day on;
and a dated event told in the same sentence whose days lie in that week ("the battles coincided with
the defection"): it took place on those days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .extraction.dates import span_precision

if TYPE_CHECKING:
    from .merge import Event

# Place types that stand for a whole area: over an area, reports of different days are different events.
AREA_TYPES = ("governorate", "region", "country")


def _set(event: Event, first, last, precision: str) -> None:
    """Give the event days found from its context (date_basis "context")."""
    event.first, event.last, event.precision, event.basis, event.bound = first, last, precision, "context", False


def _by_sentence(events: list[Event]) -> dict[tuple[str, int], list[Event]]:
    """(article, sentence index) -> every event reported in that sentence."""
    found: dict[tuple[str, int], list[Event]] = {}
    for event in events:
        for mention in event.mentions:
            found.setdefault((mention.article_id, mention.sentence.index), []).append(event)
    return found


def refine_dates(events: list[Event]) -> None:
    """Narrow the dates of events whose own sentences gave none, from the events their sentence links them to."""
    by_sentence = _by_sentence(events)
    by_trigger = {(m.article_id, m.trigger_start): event for event in events for m in event.mentions}
    for event in sorted(events, key=lambda e: (e.sub_event_type, e.place_id, e.first)):
        if event.basis != "publication":
            continue
        for mention in event.mentions:
            follows = mention.when.follows
            before = by_trigger.get((mention.article_id, follows)) if follows is not None else None
            if before is not None and before is not event and before.basis != "publication" \
                    and event.first <= before.first <= event.last:
                _set(event, before.first, event.last, span_precision(before.first, event.last))
                break
            mates = [other for other in by_sentence[(mention.article_id, mention.sentence.index)]
                     if other is not event and other.basis != "publication"
                     and event.first <= other.first and other.last <= event.last]
            if mates:
                best = min(mates, key=lambda o: ((o.last - o.first).days, o.first))
                _set(event, best.first, best.last, best.precision)
                break

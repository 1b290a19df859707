"""Merge reports of the same real event (same sub-event type, place and overlapping dates) into events."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .event_dates import AREA_TYPES, refine_dates
from .extraction.events import EventMention
from .ids import event_id
from .reference import Reference


@dataclass
class Event:
    """One real-world event with every sentence that reports it."""

    event_id: str
    first: date
    last: date
    precision: str
    basis: str
    bound: bool  # the days only bound the event (the week before publication or a report)
    event_type: str
    sub_event_type: str
    place_id: str
    geo_precision: int
    mentions: list[EventMention] = field(default_factory=list)
    roles: list[tuple[str, str]] = field(default_factory=list)  # (actor_id, role)
    actor1_id: str | None = None
    actor2_id: str | None = None


def _order(mention: EventMention) -> tuple:
    """Most precise reports first, so a vaguer report joins the event a precise one defines."""
    basis_rank = {"explicit": 0, "relative": 1, "publication": 2}[mention.when.basis]
    return (mention.when.span_days, basis_rank, mention.when.first, mention.article_id, mention.trigger_start)


class _Bucket:
    """The events of one (sub-event type, place) in the order they are made, indexed by their first day, so
    that a report is compared only with the events whose days can overlap its own. (An event keeps the days
    of the report that made it until every report is merged.)"""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.articles: list[set[str]] = []  # the articles that report each event
        self._starts: list[tuple[date, int]] = []  # (first day, position in events), sorted
        self._longest = timedelta(0)

    def overlapping(self, first: date, last: date) -> list[int]:
        """Positions of the events whose days overlap first..last, in the order the events were made."""
        low = bisect_left(self._starts, (first - self._longest, -1))
        high = bisect_right(self._starts, (last, len(self.events)))
        return sorted(n for _, n in self._starts[low:high] if self.events[n].last >= first)

    def add(self, event: Event) -> int:
        insort(self._starts, (event.first, len(self.events)))
        self.events.append(event)
        self.articles.append(set())
        self._longest = max(self._longest, event.last - event.first)
        return len(self.events) - 1

    def report(self, position: int, mention: EventMention) -> None:
        event = self.events[position]
        event.mentions.append(mention)
        self.articles[position].add(mention.article_id)
        event.geo_precision = min(event.geo_precision, mention.geo_precision)


def _is_area(mention: EventMention, reference: Reference) -> bool:
    """Whether the report is placed only at a governorate, region or country. Over a whole area a day's
    strikes and the campaign of the week around it are different events, so such reports merge only when
    they cover the same days."""
    return reference.places[mention.place_id].place_type in AREA_TYPES


def _pick(candidates: list[str], reference: Reference) -> str | None:
    """Most often named actor, preferring named groups to generic ones ("rebels")."""
    if not candidates:
        return None
    counts = Counter(candidates)
    first_seen = {actor: i for i, actor in reversed(list(enumerate(candidates)))}
    return min(counts, key=lambda a: (reference.actors[a].generic, -counts[a], first_seen[a]))


def _assign_actors(event: Event, reference: Reference) -> None:
    own = [m for m in event.mentions if not m.absorbed]
    # a report that names who struck outweighs the rule that gives unattributed strikes to the government
    told = any(m.attackers and not m.attacker_by_rule for m in own)
    attackers = [a for m in own if not (told and m.attacker_by_rule) for a in m.attackers]
    targets = [a for m in own for a in m.targets]
    participants = [a for m in own for a in m.participants]
    event.actor1_id = _pick(attackers, reference) or _pick(participants, reference)
    event.actor2_id = _pick([t for t in targets if t != event.actor1_id], reference)
    roles: dict[tuple[str, str], None] = {}
    for actor in attackers:
        roles[(actor, "attacker" if actor == event.actor1_id else "associated")] = None
    for actor in targets:
        if actor not in set(attackers):
            roles[(actor, "target")] = None
    for actor in participants:
        roles[(actor, "participant")] = None
    event.roles = sorted(roles)


def _infighting(event: Event, reference: Reference) -> bool:
    """A fight between groups of one side ("infighting with the hardline coalition") is not the fight
    for a place the other side took."""
    actors = {a for m in event.mentions for a in m.attackers + m.targets}
    return len(actors) >= 2 and len({reference.actors[a].side for a in actors}) == 1


def _fold_into_captures(groups: dict[tuple[str, str], _Bucket], reference: Reference) -> None:
    """A clash or shelling at a place, in days a capture of that place covers, was the fight for it
    (when the article that reports the fight also reports the capture)."""
    lexicon = reference.extraction["triggers"]
    absorbed = set(lexicon["absorbed_by_territory_change"])
    captures = {t for spec in lexicon["triggers"] if spec.get("government_sub_event_type")
                for t in (spec["sub_event_type"], spec["government_sub_event_type"])}
    for (sub_type, place_id), bucket in sorted(groups.items()):
        if sub_type not in absorbed:
            continue
        for event in bucket.events:
            if _infighting(event, reference):
                continue
            for capture_type in sorted(captures):
                articles = {m.article_id for m in event.mentions}
                held = groups.get((capture_type, place_id), _Bucket())  # a capture's articles do not change here
                target = next((held.events[n] for n in held.overlapping(event.first, event.last)
                               if articles <= held.articles[n]), None)
                if target:
                    for mention in event.mentions:
                        mention.absorbed = True
                    target.mentions.extend(event.mentions)
                    event.mentions = []
                    break


def first_report(event: Event) -> EventMention:
    """The report an event's id is made from (see _evidence_order)."""
    return min(event.mentions, key=_evidence_order)


def _evidence_order(mention: EventMention) -> tuple:
    """The order that picks an event's first report, the one its id is made from: its own reports before those
    of a fight folded into it, then the earliest article id and offset."""
    return (mention.absorbed, mention.article_id, mention.sentence.start, mention.trigger_start)


def _ordinals(mentions: list[EventMention]) -> dict[int, int]:
    """id() of each report → its ordinal among the reports of its sentence, in the order of their triggers."""
    by_sentence: dict[tuple[str, int], list[EventMention]] = {}
    for mention in mentions:
        by_sentence.setdefault((mention.article_id, mention.sentence.start), []).append(mention)
    return {id(m): n for found in by_sentence.values()
            for n, m in enumerate(sorted(found, key=lambda m: (m.trigger_start, m.trigger_end)), start=1)}


def merge_events(mentions: list[EventMention], reference: Reference) -> list[Event]:
    """Cluster event mentions into events, each with the id of its first report (scripts/ids.py), sorted by id."""
    groups: dict[tuple[str, str], _Bucket] = {}
    for mention in sorted(mentions, key=_order):
        bucket = groups.setdefault((mention.sub_event_type, mention.place_id), _Bucket())
        when = mention.when
        any_days = not _is_area(mention, reference)
        overlapping = [n for n in bucket.overlapping(when.first, when.last)
                       if any_days or (when.first, when.last) == (bucket.events[n].first, bucket.events[n].last)]
        if when.bound:  # a report bounded by a week joins an event within that week, not one touching its edge
            overlapping = [n for n in overlapping
                           if when.first <= bucket.events[n].first and bucket.events[n].last <= when.last]
        # A vague report joins the event its own article already reports, else the latest one (the first made of equals).
        target = max(overlapping, key=lambda n: (mention.article_id in bucket.articles[n], bucket.events[n].first),
                     default=None)
        if target is None:
            target = bucket.add(Event("", when.first, when.last, when.precision, when.basis, when.bound, mention.event_type,
                                      mention.sub_event_type, mention.place_id, mention.geo_precision))
        bucket.report(target, mention)
    _fold_into_captures(groups, reference)
    events = [event for bucket in groups.values() for event in bucket.events if event.mentions]
    refine_dates(events)
    ordinals = _ordinals(mentions)
    for event in events:
        event.mentions.sort(key=lambda m: (m.article_id, m.trigger_start))
        _assign_actors(event, reference)
        first = first_report(event)
        event.event_id = event_id(first.article_id, first.sentence.start, first.sentence.end, ordinals[id(first)])
    return sorted(events, key=lambda e: e.event_id)

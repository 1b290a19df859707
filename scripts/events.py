"""Find event reports in sentences: trigger words from the event lexicon, their place, date and actors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .alias_matcher import Mention
from .dates import DateMention
from .reference import Reference
from .sentences import Sentence

FALLBACK_SPAN_DAYS = 7  # an undated report is taken to be about the week before publication


@dataclass(frozen=True)
class EventDate:
    """When an event happened, as far as one sentence tells."""

    first: date
    last: date
    precision: str
    basis: str  # explicit, relative or publication

    @property
    def span_days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class EventMention:
    """One sentence's report of one event (before reports of the same event are merged)."""

    article_id: str
    sentence: Sentence
    trigger_start: int
    trigger_end: int
    event_type: str
    sub_event_type: str
    place_id: str
    geo_precision: int
    when: EventDate
    attackers: list[str] = field(default_factory=list)  # actor ids on the acting side, subject first
    targets: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)


def publication_fallback(published: date) -> EventDate:
    return EventDate(published - timedelta(days=FALLBACK_SPAN_DAYS - 1), published, "week", "publication")


class EventFinder:
    """Applies the trigger lexicon to one sentence at a time."""

    def __init__(self, lexicon: dict, reference: Reference):
        self.reference = reference
        self.window = int(lexicon["window_chars"])
        self.combatant_types = set(lexicon["combatant_types"])
        self._irrealis = [re.compile(p, re.I) for p in lexicon["irrealis_before"]]
        self._near = re.compile(lexicon["near_words"], re.I)
        self._dateline = re.compile(lexicon["dateline"])
        self.triggers = []
        for spec in lexicon["triggers"]:
            patterns = [re.compile(p, re.I) for p in spec["patterns"]]
            self.triggers.append((spec, patterns))

    # -- pieces ---------------------------------------------------------------------------------

    def _is_irrealis(self, sentence: Sentence, start: int) -> bool:
        clause = re.split(r"[,;:.\"“”]", sentence.text[: start - sentence.start])[-1]
        return any(p.search(clause) for p in self._irrealis)

    def _places(self, spec: dict, sentence: Sentence, places: list[Mention], t_start: int, t_end: int) -> list[Mention]:
        allowed = set(spec.get("place_types") or [])
        usable = [m for m in places if not allowed or self.reference.places[m.entity_id].place_type in allowed]
        if spec["object"] == "after":
            found = [m for m in usable if m.start >= t_end and m.start - t_end <= self.window]
            return self._coordinated(sentence, found)
        if spec["object"] == "before":
            found = [m for m in usable if m.end <= t_start and t_start - m.end <= self.window]
            return self._coordinated(sentence, list(reversed(found)), backwards=True)
        if not usable:
            return []
        specific = [m for m in usable if self.reference.places[m.entity_id].place_type not in ("governorate", "country")]
        pool = specific or usable
        return [min(pool, key=lambda m: (abs(m.start - t_start), m.start))]

    @staticmethod
    def _coordinated(sentence: Sentence, found: list[Mention], backwards: bool = False) -> list[Mention]:
        """The nearest place plus the ones joined to it by "and" or commas (Wadi Deif and Hamadiya)."""
        if not found:
            return []
        chosen = [found[0]]
        for mention in found[1:]:
            left, right = (mention, chosen[-1]) if backwards else (chosen[-1], mention)
            gap = sentence.text[left.end - sentence.start:right.start - sentence.start]
            if re.fullmatch(r"\s*(?:,|,?\s+and|\s+or)\s+(?:the\s+)?(?:(?:town|village|city|base)\s+of\s+)?", gap):
                chosen.append(mention)
            else:
                break
        return chosen

    def _precision(self, sentence: Sentence, place: Mention) -> int:
        base = self.reference.places[place.entity_id].geo_precision
        before = sentence.text[: place.start - sentence.start]
        return max(base, 2) if self._near.search(before) else base

    def _sides(self, spec: dict, sentence: Sentence, actors: list[Mention], t_start: int, t_end: int):
        combatants = [m for m in actors if self.reference.actors[m.entity_id].actor_type in self.combatant_types]
        civilians = [m.entity_id for m in actors if self.reference.actors[m.entity_id].actor_type == "civilians"]
        if not combatants:
            return [], list(dict.fromkeys(civilians))
        trigger_text = sentence.text[t_start - sentence.start:t_end - sentence.start].lower()
        after = [m for m in combatants if m.start >= t_end]
        before = [m for m in combatants if m.end <= t_start]
        by_agent = [m for m in after if re.search(r"\b(?:by|to|led\s+by)\s+(?:the\s+)?[^,.;]{0,30}$",
                                                   sentence.text[: m.start - sentence.start])]
        if spec["object"] == "before" or spec.get("subject_is_agent") is False:  # "X fell (to Y)"
            if not (trigger_text.endswith(" to") and after) and not by_agent:
                return [], list(dict.fromkeys(civilians))
            lead = after[0] if trigger_text.endswith(" to") and after else by_agent[0]
        elif by_agent and not before:
            lead = by_agent[0]
        elif before:
            lead = before[-1]
        else:  # "the capture of X, the regime ..." names no captor; do not guess one
            return [], list(dict.fromkeys([m.entity_id for m in after if m.entity_id not in civilians] + civilians))
        side = self.reference.actors[lead.entity_id].side
        ordered = [lead] + [m for m in combatants if m is not lead]
        attackers = [m.entity_id for m in ordered if self.reference.actors[m.entity_id].side == side]
        targets = [m.entity_id for m in ordered if self.reference.actors[m.entity_id].side != side]
        return list(dict.fromkeys(attackers)), list(dict.fromkeys(targets + civilians))

    @staticmethod
    def _date(dates: list[DateMention], t_start: int, triggers: list[int]) -> EventDate | None:
        """The nearest date with no other trigger between it and this one ("X fell after Y fell last month")."""
        usable = [d for d in dates
                  if not any(min(d.start, t_start) < t < max(d.start, t_start) for t in triggers if t != t_start)]
        if not usable:
            return None
        nearest = min(usable, key=lambda d: (abs(d.start - t_start), d.start))
        return EventDate(nearest.first, nearest.last, nearest.precision, nearest.basis)

    def _trigger_positions(self, sentence: Sentence, mentions: list[Mention]) -> list[tuple[dict, int, int]]:
        found = []
        for spec, patterns in self.triggers:
            for pattern in patterns:
                for match in pattern.finditer(sentence.text):
                    t_start, t_end = sentence.start + match.start(), sentence.start + match.end()
                    if any(m.start <= t_start < m.end for m in mentions):
                        continue  # the word is part of a name ("Army of Conquest")
                    if not self._is_irrealis(sentence, t_start):
                        found.append((spec, t_start, t_end))
        return found

    # -- one sentence ---------------------------------------------------------------------------

    def find(self, article_id: str, sentence: Sentence, mentions: list[Mention], dates: list[DateMention],
             inherited: EventDate, fallback_place: str | None) -> list[EventMention]:
        """Event reports in the sentence.

        `inherited` dates the reports that name no date of their own; `fallback_place` (the article's
        governorate) locates strikes and clashes whose sentence names no place.
        """
        dateline = self._dateline.match(sentence.text)
        places = [m for m in mentions if m.entity_type == "place"
                  and not (dateline and m.end - sentence.start <= dateline.end())]
        actors = [m for m in mentions if m.entity_type == "actor"]
        found: dict[tuple[str, str], EventMention] = {}
        triggers = self._trigger_positions(sentence, mentions)
        trigger_starts = [t[1] for t in triggers]
        for spec, t_start, t_end in triggers:
            objects = self._places(spec, sentence, places, t_start, t_end)
            if not objects and spec["object"] == "any" and fallback_place:
                objects = [Mention("place", fallback_place, "", t_start, t_start)]
            attackers, targets = self._sides(spec, sentence, actors, t_start, t_end)
            sub_type = spec["sub_event_type"]
            if attackers and spec.get("government_sub_event_type"):
                if self.reference.actors[attackers[0]].side == "government":
                    sub_type = spec["government_sub_event_type"]
            participants: list[str] = []
            if spec["event_type"] == "Strategic developments":
                participants, attackers, targets = attackers + targets, [], []
            for place in objects:
                key = (sub_type, place.entity_id)
                if key in found:
                    continue
                found[key] = EventMention(
                    article_id=article_id,
                    sentence=sentence,
                    trigger_start=t_start,
                    trigger_end=t_end,
                    event_type=spec["event_type"],
                    sub_event_type=sub_type,
                    place_id=place.entity_id,
                    geo_precision=self._precision(sentence, place),
                    when=(self._date(dates, t_start, trigger_starts) if spec.get("sentence_date", True) else None)
                    or inherited,
                    attackers=list(attackers),
                    targets=list(targets),
                    participants=list(participants),
                )
        return sorted(found.values(), key=lambda e: (e.trigger_start, e.place_id))

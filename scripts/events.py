"""Find event reports in sentences: trigger words from the event lexicon, their place, date and actors."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .dates import DateMention
from .extraction.names import Mention
from .extraction.structure import Sentence, found_before
from .place_reading import PlaceReader
from .reference import Reference
from .sides import SideReader

FALLBACK_SPAN_DAYS = 7  # an undated report is taken to be about the week before publication


@dataclass(frozen=True)
class EventDate:
    """When an event happened, as far as one sentence tells."""

    first: date
    last: date
    precision: str
    basis: str  # explicit, relative or publication
    bound: bool = False  # the days only bound the event: the week before publication, or before a report

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
    absorbed: bool = False  # folded into a capture as the fight for it: evidence, not a source of roles
    headline: bool = False  # reported in the article's title: a summary of a story the body tells
    starts_campaign: bool = False  # the start of an offensive, which bounds the undated events of it
    # "Three weeks after X fell, Y began": (days after X, trigger start of X's report in this sentence)
    after_event: tuple[int, int] | None = None


def _more_precise(candidate: EventDate, current: EventDate) -> bool:
    rank = {"explicit": 0, "relative": 1, "publication": 2}
    return (candidate.span_days, rank[candidate.basis]) < (current.span_days, rank[current.basis])


def publication_fallback(published: date) -> EventDate:
    return EventDate(published - timedelta(days=FALLBACK_SPAN_DAYS - 1), published, "week", "publication", bound=True)


class EventFinder:
    """Applies the trigger lexicon to one sentence at a time."""

    def __init__(self, lexicon: dict, reference: Reference, date_lexicon: dict):
        self.reference = reference
        self.offsets = {k.lower(): v for k, v in date_lexicon["offsets_before_event"].items()}
        self._report_date = re.compile(date_lexicon["report_date_before"], re.I)
        self._ongoing = re.compile(date_lexicon["ongoing_near_event"], re.I)
        self.report_span_days = int(date_lexicon["report_span_days"])
        names = "|".join(re.escape(k) for k in sorted(self.offsets, key=len, reverse=True))
        self._offset_re = re.compile(rf"\b({names})\s+(?:[\w-]+\s+){{0,3}}$", re.I)
        self._fronted_re = re.compile(rf"^\W*({names})\b([^,;]*)[,;]", re.I)
        self._undated = re.compile(date_lexicon["undated_before"], re.I)
        self.window = int(lexicon["window_chars"])
        self.places = PlaceReader(lexicon, reference)
        self.sides = SideReader(lexicon, reference)
        self._irrealis = [re.compile(p, re.I) for p in lexicon["irrealis_before"]]
        self._support = [re.compile(p, re.I) for p in lexicon["support_before"]]
        self._near = re.compile(lexicon["near_words"], re.I)
        self._dateline = re.compile(lexicon["dateline"])
        self.territory_types = {t for spec in lexicon["triggers"] if spec.get("government_sub_event_type")
                                for t in (spec["sub_event_type"], spec["government_sub_event_type"])}
        self.absorbed = set(lexicon["absorbed_by_territory_change"])
        self._generic_objects = re.compile(lexicon["generic_objects"], re.I)
        self._origin = re.compile(lexicon["origin_before"], re.I)
        self._definite = re.compile(r"^\W*the\s+(?:[\w-]+\s+)?$", re.I)  # "The missile attack ..." opening a sentence
        self._clause_break = re.compile(lexicon["clause_break"], re.I)
        self._vicinity = re.compile(lexicon["vicinity_after"], re.I)
        self._relative_before = re.compile(lexicon["relative_clause_before"], re.I)
        self._relative_end = re.compile(lexicon["relative_clause_end"])
        self.triggers = []
        for spec in lexicon["triggers"]:
            patterns = [re.compile(p, re.I) for p in spec["patterns"]]
            self.triggers.append((spec, patterns))

    # -- pieces ---------------------------------------------------------------------------------

    def _is_irrealis(self, sentence: Sentence, start: int) -> bool:
        clause = re.split(r"[,;:.\"“”]", sentence.text[: start - sentence.start])[-1]
        return any(p.search(clause) for p in self._irrealis)

    def _places(self, spec: dict, sentence: Sentence, places: list[Mention], t_start: int, t_end: int,
                barriers: list[int] = ()) -> list[Mention]:
        allowed = set(spec.get("place_types") or [])
        if "city" in allowed:  # "seized Idlib": a town is taken, not a province, so read the capital ...
            places = [self.places.capital(m) for m in places if not self.places.names_another_place(sentence, t_end, m)]
        usable = [m for m in places if not allowed or self.reference.places[m.entity_id].place_type in allowed]
        # "Idlib's Sadcop gas factory": a place named as the owner of the next one is not the object
        usable = [m for m in usable if not re.match(r"['’]s\s", sentence.text[m.end - sentence.start:m.end - sentence.start + 3])
                  or not any(0 <= o.start - m.end <= 3 for o in places if o is not m)]
        if spec["object"] == "after":
            found = [m for m in usable if m.start >= t_end and m.start - t_end <= self.window]
            return self._coordinated(sentence, self.places.specific_first(found))
        if spec["object"] == "before":
            found = [m for m in usable if m.end <= t_start and t_start - m.end <= self.window]
            return self._coordinated(sentence, self.places.specific_first(list(reversed(found))), backwards=True)
        # anywhere: what follows the trigger ("strikes on X") before what precedes it, named places first;
        # a place the attack came from ("rockets from the Idlib countryside") is not where it happened
        usable = [m for m in usable if not found_before(self._origin, sentence, m.start)] or usable
        # a place beyond another kind of event word is that event's ("bombed positions hours after a missile
        # hit the border near X")
        upto = min((b for b in barriers if b >= t_end), default=sentence.end)
        after = [m for m in usable if t_end <= m.start < upto]
        before = [m for m in reversed(usable) if m.end <= t_start]
        ranked = self.places.specific_first(after) + self.places.specific_first(before)
        return self._coordinated(sentence, ranked[:1] + [m for m in after if m not in ranked[:1]])

    @staticmethod
    def _coordinated(sentence: Sentence, found: list[Mention], backwards: bool = False) -> list[Mention]:
        """The nearest place plus the ones joined to it by "and" or commas (Wadi Deif and Hamadiya)."""
        if not found:
            return []
        chosen = [found[0]]
        for mention in found[1:]:
            if mention.start == chosen[-1].start:  # one phrase naming several places ("the two bases")
                chosen.append(mention)
                continue
            left, right = (mention, chosen[-1]) if backwards else (chosen[-1], mention)
            gap = sentence.text[left.end - sentence.start:right.start - sentence.start]
            if re.fullmatch(r"\s*(?:,|,?\s+and|\s+or)\s+(?:the\s+)?(?:[a-z-]+\s+)?(?:(?:town|village|city|base)\s+of\s+)?", gap):
                chosen.append(mention)
            else:
                break
        return chosen

    def _precision(self, sentence: Sentence, place: Mention) -> int:
        base = self.reference.places[place.entity_id].geo_precision
        return max(base, 2) if found_before(self._near, sentence, place.start) else base

    def _relative_clauses(self, sentence: Sentence, triggers: list[tuple[dict, int, int]]) -> list[tuple[int, int]]:
        """Spans (body offsets) of relative clauses opened by a trigger ("that seized Idlib in late March")."""
        spans = []
        for _, t_start, t_end in triggers:
            before = sentence.text[max(0, t_start - sentence.start - 60):t_start - sentence.start]
            match = self._relative_before.search(before)
            if match:
                start = t_start - (len(before) - match.start())
                end = self._relative_end.search(sentence.text, t_end - sentence.start)
                spans.append((start, sentence.start + end.start() if end else sentence.end))
        return spans

    @staticmethod
    def _outside(position: int, clauses: list[tuple[int, int]], t_start: int) -> bool:
        """Whether `position` is free for the trigger at t_start: not inside another trigger's relative clause."""
        return not any(start <= position < end and not start <= t_start < end for start, end in clauses)

    def _date(self, sentence: Sentence, dates: list[DateMention], t_start: int, t_end: int,
              others: list[int]) -> EventDate | None:
        """The nearest date with no other trigger between ("X fell after Y was lost last month"); a date that
        belongs to the report ("told AFP on Monday") covers the week up to it, unless the event was going on."""
        usable = [d for d in dates if not any(min(d.start, t_start) < t < max(d.start, t_start) for t in others)]
        if not usable:
            return None
        nearest = min(usable, key=lambda d: (abs(d.start - t_start), d.start))
        if nearest.precision == "day" and self._report_date.search(sentence.text[: nearest.start - sentence.start]):
            around = sentence.text[max(0, t_start - sentence.start - 25):t_end - sentence.start + 25]
            if not self._ongoing.search(around):
                first = nearest.last - timedelta(days=self.report_span_days - 1)
                return EventDate(first, nearest.last, "week", nearest.basis, bound=True)
        return EventDate(nearest.first, nearest.last, nearest.precision, nearest.basis)

    def _offset(self, sentence: Sentence, t_start: int, dates: list[DateMention]) -> EventDate | None:
        """"..., a day after government raids killed": the sentence's date moved by the stated days."""
        before = sentence.text[max(0, t_start - sentence.start - 40):t_start - sentence.start]
        match = self._offset_re.search(before)
        if not match or not dates:
            return None
        days = timedelta(days=self.offsets[match.group(1).lower()])
        anchor = min(dates, key=lambda d: abs(d.start - t_start))
        return EventDate(anchor.first + days, anchor.last + days, anchor.precision, anchor.basis)

    def _trigger_positions(self, sentence: Sentence, mentions: list[Mention]) -> list[tuple[dict, int, int]]:
        found = []
        for spec, patterns in self.triggers:
            for pattern in patterns:
                for match in pattern.finditer(sentence.text):
                    t_start, t_end = sentence.start + match.start(), sentence.start + match.end()
                    if any(m.start <= t_start < m.end for m in mentions):
                        continue  # the word is part of a name ("Army of Conquest")
                    before = sentence.text[max(0, match.start() - 60):match.start()]
                    if not self._is_irrealis(sentence, t_start) and not any(p.search(before) for p in self._support):
                        found.append((spec, t_start, t_end))
        # Where two triggers overlap ("suicide car bomb" / "car bomb"), the longer one reads the words.
        found.sort(key=lambda t: (-(t[2] - t[1]), t[1]))
        kept: list[tuple[dict, int, int]] = []
        for trigger in found:
            if all(trigger[2] <= k[1] or trigger[1] >= k[2] for k in kept):
                kept.append(trigger)
        return sorted(kept, key=lambda t: t[1])

    def _objects(self, spec: dict, sentence: Sentence, t_start: int, t_end: int, places: list[Mention],
                 triggers: list[tuple[dict, int, int]], found: dict[tuple, EventMention], previous: list[EventMention],
                 context_places: list[str]) -> list[Mention]:
        """Where the event of one trigger happened: named after or around it, pointed back to, or put at the
        place of the story or the article's area when the sentence names none."""
        barriers = [t[1] for t in triggers if t[1] > t_end and (t[0]["sub_event_type"] != spec["sub_event_type"]
                    or self._clause_break.search(sentence.text[t_end - sentence.start:t[1] - sentence.start]))]
        objects = self._places(spec, sentence, places, t_start, t_end, barriers)
        same_kind = [e for e in previous if e.sub_event_type == spec["sub_event_type"]]
        if same_kind and self._definite.search(sentence.text[: t_start - sentence.start]):
            # "The missile attack did not ...": the event the last sentence reported, where it was
            objects = [Mention("place", same_kind[0].place_id, "", t_start, t_start)]
        generic = spec.get("government_sub_event_type") and self._generic_objects.match(
            sentence.text[t_end - sentence.start:t_end - sentence.start + self.window])
        vicinity = self._vicinity.match(sentence.text, t_end - sentence.start) if generic else None
        nearby = [e.place_id for e in found.values()] + [e.place_id for e in previous]
        if not objects and vicinity and nearby:
            # "captured checkpoints in the surrounding vicinity": near the place the story is about
            at = sentence.start + vicinity.end()
            objects = [Mention("place", nearby[0], "", at, at)]
        if not objects and generic:
            # "capturing dozens of villages in southern Idlib": the area named, else the article's
            broad = [m for m in places if self.reference.places[m.entity_id].place_type in ("region", "governorate")]
            objects = [Mention("place", (broad[0].entity_id if broad else context_places[-1]), "", t_start, t_start)] \
                if broad or context_places else []
        if not objects and spec["object"] == "any" and context_places:
            # the place of the story the last sentence told, if it was the same kind of event, else the area
            story = next((e.place_id for e in previous if e.event_type == spec["event_type"]), context_places[-1])
            objects = [Mention("place", story, "", t_start, t_start)]
        return objects

    def _when(self, spec: dict, sentence: Sentence, t_start: int, t_end: int, dates: list[DateMention],
              others: list[int], inherited: EventDate, may_offset: bool) -> EventDate:
        """When the event of one trigger happened, as far as its sentence tells (else `inherited`)."""
        own = self._date(sentence, dates, t_start, t_end, others) if spec.get("sentence_date", True) else None
        if self._undated.search(sentence.text[: t_start - sentence.start]):
            own = None  # "following recent infighting": earlier than the sentence's date
        when = own or inherited
        return (self._offset(sentence, t_start, dates) or when) if may_offset else when

    # -- one sentence ---------------------------------------------------------------------------

    def find(self, article_id: str, sentence: Sentence, mentions: list[Mention], dates: list[DateMention],
             inherited: EventDate, context_places: list[str], recent_places: list[Mention],
             salience: Counter[str], previous: list[EventMention]) -> list[EventMention]:
        """Event reports in the sentence.

        `inherited` dates the reports that name no date of their own. A strike or clash whose sentence
        names no place is put at the place of the previous sentence's event of the same type, else at the
        article's governorate. `recent_places` and `salience` resolve "the base" (see anaphors);
        `previous` are the events of the sentence before, which "the attack" refers back to.
        """
        dateline = self._dateline.match(sentence.text)
        places = [m for m in mentions if m.entity_type == "place"
                  and not (dateline and m.end - sentence.start <= dateline.end())]
        places = sorted(places + self.places.anaphors(sentence, recent_places, salience), key=lambda m: m.start)
        actors = [m for m in mentions if m.entity_type == "actor"]
        found: dict[tuple, EventMention] = {}
        triggers = self._trigger_positions(sentence, mentions)
        clauses = self._relative_clauses(sentence, triggers)
        # "Three weeks after Abu a-Dhuhur fell in 2015, Russia began ...": the clause dates its own event,
        # and the main clause's events come the stated days after it
        fronted = self._fronted_re.match(sentence.text)
        anchor_end = sentence.start + fronted.end() if fronted else sentence.start
        anchors = [t[1] for t in triggers if t[1] < anchor_end]
        for spec, t_start, t_end in triggers:
            others = [t[1] for t in triggers if t[1] != t_start and self._outside(t[1], clauses, t_start)]
            own_dates = [d for d in dates if self._outside(d.start, clauses, t_start)]
            own_places = [m for m in places if self._outside(m.start, clauses, t_start)]
            objects = self._objects(spec, sentence, t_start, t_end, own_places, triggers, found, previous, context_places)
            attackers, targets = self.sides.sides(spec, sentence, actors, t_start, t_end)
            sub_type = spec["sub_event_type"]
            if attackers and spec.get("government_sub_event_type"):
                if self.reference.actors[attackers[0]].side == "government":
                    sub_type = spec["government_sub_event_type"]
            participants: list[str] = []
            if spec["event_type"] == "Strategic developments":
                participants, attackers, targets = attackers + targets, [], []
            when = self._when(spec, sentence, t_start, t_end, own_dates, others, inherited, t_start >= anchor_end)
            after_event = (-self.offsets[fronted.group(1).lower()], anchors[0]) \
                if anchors and t_start >= anchor_end else None
            for place in objects:
                key: tuple = (sub_type, place.entity_id)
                if key in found and (when.last < found[key].when.first or when.first > found[key].when.last):
                    key = (sub_type, place.entity_id, t_start)  # another day there ("a day after ... captured")
                if key in found:  # two words for one event ("helicopters dropped barrel bombs"): keep the best date
                    if _more_precise(when, found[key].when):
                        found[key].when = when
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
                    when=when,
                    attackers=list(attackers),
                    targets=list(targets),
                    participants=list(participants),
                    starts_campaign=bool(spec.get("starts_campaign")),
                    after_event=after_event,
                )
        # A clash at a place the same sentence reports taken is the fight for it, not another event.
        taken = {key[1] for key in found if key[0] in self.territory_types}
        return sorted((e for key, e in found.items() if not (key[0] in self.absorbed and key[1] in taken)),
                      key=lambda e: (e.trigger_start, e.place_id))

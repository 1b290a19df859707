"""Event reports of one sentence: triggers (triggers.py) that modality.py lets through, with their
roles (roles.py), place (places.py) and date (when.py: the date the parse attaches to the trigger)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Token

from ..errors import BuildError
from ..reference import Reference
from .dates import DateMention
from .modality import Modality
from .names import Mention
from .places import EventPlace, PlaceReader
from .relations import SentenceNames
from .roles import RoleReader
from .structure import Sentence
from .triggers import Trigger, TriggerFinder
from .when import EventDate, EventDating, clause_head


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
    attackers: list[str] = field(default_factory=list)  # actor ids on the acting side, the agent first
    targets: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    absorbed: bool = False  # folded into a capture as the fight for it: evidence, not a source of roles
    trigger_name: str = ""  # the triggers.yml entry that found it
    attacker_by_rule: bool = False  # the attacker is the gold rule's for an unattributed event, not the sentence's
    place_basis: str = "sentence"  # sentence: the sentence places it; story: the event before it; area: the article's


def _more_precise(candidate: EventDate, current: EventDate) -> bool:
    rank = {"explicit": 0, "relative": 1, "publication": 2}
    return (candidate.span_days, rank[candidate.basis]) < (current.span_days, rank[current.basis])


def _definite(token: Token) -> bool:
    """A noun with a definite determiner ("the attack", "this strike")."""
    return token.pos_ == "NOUN" and any(c.dep_ == "det" and c.lemma_.lower() in ("the", "this", "that", "these")
                                        for c in token.children)


def _kills_fighters(verb: Token, nouns: list[str]) -> bool:
    """Whether the verb's object is fighters: one of the nouns, or counted by the object ("dozens of militants")."""
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        counted = [p for prep in obj.children if prep.dep_ == "prep" and prep.lemma_.lower() == "of"
                   for p in prep.children if p.dep_ == "pobj"]
        if any(t.lemma_.lower() in nouns for t in [obj, *counted]):
            return True
    return False


class EventFinder:
    """Applies triggers, modality, roles and places to one sentence at a time."""

    def __init__(self, extraction: dict, reference: Reference):
        self.reference = reference
        self.triggers = TriggerFinder(extraction["triggers"])
        self.modality = Modality(extraction["modality"])
        self.roles = RoleReader(extraction["roles"], reference)
        self.places = PlaceReader(extraction["places"], reference)
        self.absorbed = set(extraction["triggers"]["absorbed_by_territory_change"])
        self.absorbs = {rule["absorbing"]: set(rule["absorbed"]) for rule in extraction["triggers"]["same_sentence_absorbs"]}
        self.governorates = {p.governorate: p.place_id for p in reference.places.values() if p.place_type == "governorate"}
        self.territory_types = {t for spec in self.triggers.specs if spec.get("government_sub_event_type")
                                for t in (spec["sub_event_type"], spec["government_sub_event_type"])}
        self.dating = EventDating(extraction["dates"])
        people = extraction["roles"]["people_are_civilians"]
        self.people, self.people_actor = set(people["lemmas"]), people["actor"]
        if self.people_actor not in reference.actors:
            raise BuildError(f"roles.yml: people_are_civilians: unknown actor {self.people_actor!r} (not in actors.yml)")

    # -- places --------------------------------------------------------------------------------

    def _clause_governorates(self, trigger: Trigger, names: SentenceNames) -> set[str]:
        """The governorates (or, for a place in none, the countries) of the places the trigger's clause names."""
        clause = clause_head(trigger.head).i
        doc = trigger.head.doc
        places = [self.reference.places[m.entity_id] for i, ms in names.by_token.items() for m in ms
                  if m.entity_type == "place" and clause_head(doc[i]).i == clause]
        return {p.governorate or p.country for p in places}

    def _at(self, place_id: str) -> list[EventPlace]:
        return [EventPlace(Mention("place", place_id, "", 0, 0), self.reference.places[place_id].geo_precision)]

    def _fallback_place(self, trigger: Trigger, previous: list[EventMention], dated: bool,
                        home: list[str], names: SentenceNames, recent: list[Mention]) -> tuple[list[EventPlace], str]:
        """An event the sentence does not place: "the attack" (or a strike, `story_place`) at the place of the
        event of its kind the sentence before told; background protests at their `default_place` when their
        sentence dates them; else, as ACLED codes a report that gives only the province or the country, at
        the article's governorate (unless the clause names a place outside it), else its country, at
        precision 3 (`home`, from extract.py)."""
        definite = _definite(trigger.head)
        spec = trigger.spec
        same = [e for e in previous if e.sub_event_type == spec["sub_event_type"]]
        if spec.get("story_place"):  # a strike after a shelling is told at the same place
            same = same or [e for e in previous if e.event_type == spec["event_type"]]
        if (definite or spec.get("story_place")) and same:
            return [EventPlace(Mention("place", same[0].place_id, "", 0, 0), same[0].geo_precision)], "story"
        if spec.get("default_place") in self.reference.places:
            return (self._at(spec["default_place"]) if dated else []), "sentence"
        if trigger.kind in self.places.unplaced_dropped and not self.places.unnamed_place(trigger):
            return [], "area"
        country = next((self.reference.places[p].country for p in home), None)
        own_clause = self.places.clause_place(trigger, names, clause_head(trigger.head), country, recent)
        if own_clause:
            return own_clause, "sentence"
        if trigger.kind in self.places.country_kinds:
            home = [p for p in home if self.reference.places[p].place_type != "governorate"]
        named = self._clause_governorates(trigger, names)
        for place in home:
            own = self.reference.places[place]
            if own.place_type == "governorate" and named - {own.governorate, own.country}:
                # the clause names a place outside the article's governorate: that one governorate, if one
                others = [self.governorates[g] for g in named - {own.country} if g in self.governorates]
                if len(others) == 1 and len(named - {own.country}) == 1:
                    return self._at(others[0]), "area"
                continue
            return self._at(place), "area"
        return [], "area"

    # -- one sentence ---------------------------------------------------------------------------

    def find(self, article_id: str, sentence: Sentence, mentions: list[Mention], dates: list[DateMention],
             inherited: EventDate, context_places: list[str], recent_places: list[Mention],
             salience: Counter[str], previous: list[EventMention]) -> list[EventMention]:
        """Event reports in the sentence.

        `inherited` dates the reports that name no date of their own. `recent_places` are the places named
        in the last sentences ("the town", "there" point back to them); `previous` are the events of the
        sentence before; `context_places` the article's governorate (see `_fallback_place`). `salience` is not
        read (kept for extract.py's call).
        """
        if sentence.doc is None:
            return []
        doc = sentence.doc
        names = SentenceNames(sentence, mentions)
        civilians = [m.entity_id for m in mentions if m.entity_type == "actor"
                     and self.reference.actors[m.entity_id].actor_type == "civilians"]
        if not civilians and any(t.lemma_.lower() in self.people for t in doc):  # "36 people were killed"
            civilians = [self.people_actor]
        triggers = [t for t in self.triggers.find(doc) if not names.by_token.get(t.head.i)
                    or all(m.entity_type == "place" for m in names.by_token[t.head.i])]
        triggers = [t for t in triggers if self.modality.blocked(t.head) is None]
        # "killed" is a battle only when armed men (its subject) kill fighters, and only when the sentence
        # tells no other event that did the killing ("bombers pounded Raqqa, killing 19 terrorists")
        others = [t for t in triggers if not t.spec.get("fighters_killed")]
        triggers = [t for t in triggers if not t.spec.get("fighters_killed") or (
            not others and _kills_fighters(t.head, t.spec["fighters_killed"])
            and self.roles.read(t, names, civilians).attackers)]
        found: dict[tuple, EventMention] = {}
        placed = [(t, self.places.event_places(t, names, recent_places)) for t in triggers]
        for trigger, places in placed:
            t_start = sentence.start + doc[trigger.start].idx
            last = doc[trigger.end - 1]
            t_end = sentence.start + last.idx + len(last.text)
            spec = trigger.spec
            when = self.dating.when(sentence, trigger, dates, len(triggers) > 1, inherited, previous)
            own_date = when.basis != "publication" and when is not inherited
            if not places and spec["sub_event_type"] in self.absorbed:
                # "regained the town of Halfaya after heavy clashes with X": the fight for the place the
                # sentence reports taken (absorbed_by_territory_change)
                places = next((p for t, p in placed if p and t.kind in ("territory", "fall")), [])
            basis = "sentence"
            if not places:  # background protests are coded only with a date of their own
                places, basis = self._fallback_place(trigger, previous, own_date, context_places, names, recent_places)
            if not places:
                continue
            roles = self.roles.read(trigger, names, civilians)
            if spec.get("needs_actor") and _definite(trigger.head) and \
                    not (roles.attackers or [t for t in roles.targets if t not in civilians]):
                continue  # "the attack" retells an event told before, unless it names who fought
            sub_type = spec["sub_event_type"]
            if roles.attackers and spec.get("government_sub_event_type") and \
                    self.reference.actors[roles.attackers[0]].side == "government":
                sub_type = spec["government_sub_event_type"]
            for place in places:
                key: tuple = (sub_type, place.mention.entity_id)
                if key in found and (when.last < found[key].when.first or when.first > found[key].when.last):
                    key = (sub_type, place.mention.entity_id, t_start)  # another day there
                if key in found:  # two words for one event ("helicopters dropped barrel bombs")
                    held = found[key]
                    if _more_precise(when, held.when):
                        held.when = when
                    held.attackers = list(dict.fromkeys(held.attackers + roles.attackers))
                    held.targets = list(dict.fromkeys(held.targets + roles.targets))
                    held.participants = list(dict.fromkeys(held.participants + roles.participants))
                    continue
                found[key] = EventMention(
                    article_id=article_id, sentence=sentence, trigger_start=t_start, trigger_end=t_end,
                    event_type=spec["event_type"], sub_event_type=sub_type, place_id=place.mention.entity_id,
                    geo_precision=place.precision, when=when, attackers=list(roles.attackers),
                    targets=list(roles.targets), participants=list(roles.participants), trigger_name=spec["name"],
                    place_basis=basis)
        for event in found.values():
            if not event.attackers:
                event.attackers = self.roles.default_attackers(event.sub_event_type, event.targets)
                event.attacker_by_rule = bool(event.attackers)
        # A clash at a place the same sentence reports taken is the fight for it, not another event: whom it
        # was fought with is the side that lost the place ("regained Halfaya after clashes with X").
        taken = {key[1]: e for key, e in found.items() if key[0] in self.territory_types}
        for key, event in found.items():
            capture = taken.get(key[1]) if key[0] in self.absorbed else None
            if capture is not None:
                capture.targets = list(dict.fromkeys(capture.targets + [
                    a for a in event.targets + event.attackers if a not in capture.attackers]))
        # The strike that dropped a chemical on a place is the chemical attack there (same_sentence_absorbs).
        absorbed: set[tuple] = set()
        for key, event in found.items():
            into = next((e for k, e in found.items() if k[1] == key[1] and key[0] in self.absorbs.get(k[0], ())), None)
            if into is not None:
                into.attackers = list(dict.fromkeys(into.attackers + event.attackers))
                into.targets = list(dict.fromkeys(into.targets + event.targets))
                into.participants = list(dict.fromkeys(into.participants + event.participants))
                absorbed.add(key)
        return sorted((e for key, e in found.items() if not (key[0] in self.absorbed and key[1] in taken)
                       and key not in absorbed), key=lambda e: (e.trigger_start, e.place_id))

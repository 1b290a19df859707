"""Event triggers: the lemma lists of seeds/reference/extraction/triggers.yml, matched on each
sentence's parse with a spaCy Matcher; one trigger per head token: the entry matching the most words reads
it, and among those the first listed."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from ..errors import BuildError
from .model import pipeline

REQUIRED = ("name", "kind", "event_type", "sub_event_type", "patterns")
KINDS = ("territory", "fall", "attack", "development")


@dataclass(frozen=True)
class Trigger:
    """One event word of a sentence: its entry (spec) and the head token of the matched words."""

    spec: dict
    head: Token
    start: int  # token index of the first matched word
    end: int  # token index after the last matched word
    anchor: Token  # where roles and places are read from: the head, or the quantity it counts ("a wave of")

    @property
    def kind(self) -> str:
        return self.spec["kind"]


def check_triggers(data: dict, source: str = "triggers.yml") -> None:
    """Raise BuildError when the trigger file lacks what the extractor reads."""
    if not isinstance(data, dict) or "triggers" not in data:
        raise BuildError(f"{source}: missing field(s) triggers")
    for n, spec in enumerate(data["triggers"], start=1):
        missing = [key for key in REQUIRED if key not in spec]
        if missing:
            raise BuildError(f"{source}: trigger {n}: missing field(s) {', '.join(missing)}")
        if spec["kind"] not in KINDS:
            raise BuildError(f"{source}: trigger {spec['name']}: kind must be one of {', '.join(KINDS)}")


class TriggerFinder:
    """The trigger entries compiled into one Matcher."""

    def __init__(self, data: dict):
        check_triggers(data)
        self.specs = list(data["triggers"])
        self.matcher = Matcher(pipeline().vocab)
        for spec in self.specs:
            self.matcher.add(spec["name"], spec["patterns"])
        self.rank = {spec["name"]: n for n, spec in enumerate(self.specs)}
        self.by_name = {spec["name"]: spec for spec in self.specs}
        self.quantity_nouns = set(data.get("quantity_nouns") or ())
        self.subject_deps = set(data["subject_reads_verb"]["dependencies"])
        self.instrument_preps = set(data["instrument_reads_verb"]["prepositions"])

    def _anchor(self, head: Token) -> Token:
        """"a wave of air strikes", "dozens of raids": the counting noun stands in the sentence for the event;
        so does the noun a trigger is parsed in apposition to."""
        of = head.head
        if head.dep_ == "pobj" and of.lemma_.lower() == "of" and of.head.lemma_.lower() in self.quantity_nouns:
            return of.head
        if head.dep_ == "appos" and of.pos_ in ("NOUN", "PROPN") and of.i < head.i:
            return of  # "three regime airstrikes" parsed as "regime" with the trigger in apposition: the phrase
        return head

    @staticmethod
    def _subject_is(verb: Token, lemmas: list[str]) -> bool:
        """Whether the verb's subject (or the agent of its passive) is, or is modified by, one of the lemmas
        ("warplanes struck", "jet fighters attacked", "the town was pounded by helicopters")."""
        return any(t.lemma_.lower() in lemmas for s in TriggerFinder._subjects(verb)
                   for t in [s, *(c for c in s.children if c.dep_ in ("compound", "amod"))])

    @staticmethod
    def _subjects(verb: Token) -> list[Token]:
        """The verb's subjects: its nsubj, or the object of its passive's "by" (through "and" to a first verb)."""
        while verb.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            verb = verb.head  # "helicopters circled and bombed": the subject of the first verb
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        return subjects + [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]

    def find(self, doc: Doc) -> list[Trigger]:
        """The sentence's triggers in text order; where entries share a head, the longest match, then the first
        listed entry."""
        best: dict[int, tuple[int, int, Trigger]] = {}
        for match_id, start, end in self.matcher(doc):
            name = doc.vocab.strings[match_id]
            spec = self.by_name[name]
            span = doc[start:end]
            root = span.root
            if spec.get("head") == "first":
                root = next(t for t in span if not start <= t.head.i < end or t.head.i == t.i)
            if spec.get("subject_lemmas") and not self._subject_is(root, spec["subject_lemmas"]):
                continue
            trigger = Trigger(spec, root, start, end, self._anchor(root))
            # the longest words (an entry read by its subject counts that word too), then the entry listed first
            key = (-(end - start) - bool(spec.get("subject_lemmas")), self.rank[name])
            held = best.get(root.i)
            if held is None or key < held[:2]:
                best[root.i] = (*key, trigger)
        found = [t for *_, t in best.values()]
        # one event per phrase: a word inside another trigger's words ("starting the battle") is part of it
        found = [t for t in found if not any(o.head.i != t.head.i and o.start <= t.head.i < o.end
                                             and (o.end - o.start) > (t.end - t.start) for o in found)]
        # "a suicide car bomb exploded": the verb is the event its subject reports
        subjects = {t.head.head.i for t in found if t.head.dep_ in self.subject_deps and t.head.head.i != t.head.i}
        # "attacked Saraqeb with barrel bombs": so is the verb of its instrument
        subjects |= {t.head.head.head.i for t in found if t.head.dep_ == "pobj" and t.head.head.dep_ == "prep"
                     and t.head.head.lemma_.lower() in self.instrument_preps}
        # "warplanes targeted": a verb read by its aircraft subject (subject_lemmas) is the event, not the subject
        aircraft = {s.i for t in found if t.spec.get("subject_lemmas") for s in self._subjects(t.head)}
        found = [t for t in found if (t.spec.get("subject_lemmas") or not (t.head.pos_ in ("VERB", "AUX")
                                                                             and t.head.i in subjects))
                 and t.head.i not in aircraft]
        return sorted(found, key=lambda t: t.head.i)

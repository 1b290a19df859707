"""Who a clause attributes its claims to: the subject of a reporting verb, or the object of "according to".

A figure's claimant is the speaker of the innermost attribution whose clause contains it ("X said",
"X reported", "according to X"); failing that, the sentence's attribution. The speaker is the actor
named inside the speaker phrase ("a spokesman for Syria Civil Defence" → the Civil Defence); a pronoun
or an anaphoric noun ("he said", "the monitor said") stands for the last named claimant. The outlet a
source spoke to ("told AFP") is an object, never the speaker. Words are in
seeds/reference/extraction/figures.yml (section `claimants`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from spacy.tokens import Doc, Token

from ..reference import Reference
from .model import parse
from .structure import Sentence

_INSIDE_PHRASE = ("compound", "amod", "pobj", "prep", "punct", "nmod", "poss", "case", "nummod", "det", "conj", "cc")


class Mention(Protocol):
    """A name found in the article (the name matcher's mentions): what it names and where."""

    entity_type: str
    entity_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Attribution:
    """A speaker phrase and the clause it is the source of (token indices)."""

    speaker: Token
    scope: set[int]


class ClaimantFinder:
    """Reads attributions from the parse with the `claimants` section of the figures data."""

    def __init__(self, data: dict, reference: Reference):
        spec = data["claimants"]
        self.actors = reference.actors
        self.verbs = set(spec["reporting_verbs"]["lemmas"])
        self.not_reported = set(spec["reporting_verbs"]["not_with_objects"])
        self.addressed = set(spec["addressed_verbs"]["lemmas"])
        self.toll_verbs = set(spec["toll_reports"]["verbs"])
        self.toll_objects = set(spec["toll_reports"]["objects"])
        self.according = {tuple(p.split()) for p in spec["according_to"]["words"]}
        self.anaphors = set(spec["anaphoric_speakers"]["lemmas"])
        self.unnamed = {lemma: actor_type for actor_type, entry in spec["unnamed_speakers"].items()
                        for lemma in entry["lemmas"]}
        self.speaker_types = set(spec["speaker_actor_types"])

    @staticmethod
    def _phrase_before(verb: Token) -> Token | None:
        """The noun phrase ending right before a verb ("…, a source with X told", "… the Observatory said"):
        from the word before the verb up through its modifiers, stopping at the phrase's own head."""
        if verb.i == 0:
            return None
        token = verb.doc[verb.i - 1]
        while (token.dep_ in _INSIDE_PHRASE and token.head.i < verb.i and token.head != verb
               and token.head.right_edge.i == verb.i - 1):
            token = token.head
        if token.pos_ not in ("NOUN", "PROPN", "PRON") or token.ent_type_ in ("DATE", "TIME"):
            return None
        return token

    def _speaker(self, verb: Token) -> Token | None:
        """The speaker of a reporting verb: for a verb closing the clause ("… a monitor said") the phrase right
        before it, else its subject; a participle with no subject ("…, adding that") speaks for the verb it
        hangs on; "…, reported the monitoring group X": the object after a verb that takes no addressee."""
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects and verb.tag_ == "VBG":  # "…, adding that": the speaker of the report it continues
            reporting = next((a for a in verb.ancestors if a.lemma_.lower() in self.verbs), None)
            return self._speaker(reporting) if reporting is not None else None
        closing = not any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children)
        before = self._phrase_before(verb)
        if closing and before is not None and before.dep_ != "nsubjpass":
            return before
        if subjects:
            return subjects[-1] if subjects[-1].dep_ == "nsubj" else None
        if verb.dep_ in ("advcl", "conj", "xcomp") and verb.head.lemma_.lower() in self.verbs and verb.head != verb:
            return self._speaker(verb.head)
        if before is not None:
            return before
        if verb.lemma_.lower() not in self.addressed:
            return next((c for c in verb.rights if c.dep_ in ("dobj", "attr")), None)
        return None

    def _reports(self, verb: Token) -> bool:
        """A reporting verb used to report ("SOHR claimed", not "the fighting claimed the lives of 129")."""
        return verb.lemma_.lower() in self.verbs and not any(
            c.dep_ == "dobj" and c.lemma_.lower() in self.not_reported for c in verb.children)

    def _gives_toll(self, verb: Token) -> bool:
        """A source giving a toll: "the monitor gave a toll of 48 dead", "puts the death toll at 470,000"."""
        return verb.lemma_.lower() in self.toll_verbs and any(
            c.dep_ == "dobj" and c.lemma_.lower() in self.toll_objects for c in verb.children)

    def _attributions(self, doc: Doc) -> list[Attribution]:
        found = []
        for token in doc:
            if token.pos_ in ("VERB", "AUX") and (self._reports(token) or self._gives_toll(token)):
                speaker = self._speaker(token)
                if speaker is not None:
                    found.append(Attribution(speaker, {t.i for t in token.subtree} - {t.i for t in speaker.subtree}))
            for words in self.according:
                if tuple(t.lower_ for t in doc[token.i:token.i + len(words)]) == words:
                    objects = [c for t in doc[token.i:token.i + len(words)] for c in t.children if c.dep_ == "pobj"]
                    if objects:
                        clause = token.head if token.head != token else token
                        scope = {t.i for t in clause.subtree} - {t.i for t in objects[0].subtree}
                        found.append(Attribution(objects[0], scope))
        return found

    def _unnamed(self, sentence: Sentence, actor_type: str, article: list[Mention], previous: str | None) -> str | None:
        """The actor an unnamed speaker of a kind stands for ("a monitor said"): the last claimant if it is of that
        kind, else the article's actor of that kind named nearest to the sentence."""
        if previous and self.actors[previous].actor_type == actor_type:
            return previous
        kind = [m for m in article if m.entity_type == "actor" and self.actors[m.entity_id].actor_type == actor_type]
        nearest = min(kind, key=lambda m: abs(m.start - sentence.start), default=None)
        return nearest.entity_id if nearest else None

    def _actor(self, sentence: Sentence, speaker: Token, mentions: list[Mention], previous: str | None,
               article: list[Mention]) -> str | None:
        """The actor the speaker phrase names; for "a monitor" the article's monitor; for a pronoun or "the
        source", the last claimant."""
        start = sentence.start + speaker.left_edge.idx
        end = sentence.start + speaker.right_edge.idx + len(speaker.right_edge.text)
        named = [m for m in mentions if m.entity_type == "actor" and start <= m.start and m.end <= end
                 and self.actors[m.entity_id].actor_type in self.speaker_types]
        if named:
            head = sentence.start + speaker.idx  # the actor nearest the phrase's head word
            return min(named, key=lambda m: (0 if m.start <= head < m.end else 1, abs(m.start - head))).entity_id
        kinds = [self.unnamed[t.lemma_.lower()] for t in [speaker, *speaker.subtree] if t.lemma_.lower() in self.unnamed]
        if kinds:  # "a monitor said", "according to an Observatory toll"
            return self._unnamed(sentence, kinds[0], article, previous)
        if speaker.pos_ == "PRON" or speaker.lemma_.lower() in self.anaphors:
            return previous
        return None

    def find(self, sentence: Sentence, mentions: list[Mention], previous: str | None,
             at: int | None = None, article: list[Mention] | None = None) -> str | None:
        """actor_id of the source the clause holding body offset `at` cites (the sentence's first source when
        `at` is None or in no attribution's clause); `previous` for "he said"; else None. `article` holds the
        article's mentions, where an unnamed speaker ("a monitor") is looked up."""
        doc = sentence.doc if sentence.doc is not None else parse([sentence.text])[0]
        attributions = self._attributions(doc)
        if not attributions:
            return None
        chosen = attributions[0]
        if at is not None:
            token = next((t.i for t in doc if sentence.start + t.idx + len(t.text) > at), None)
            holding = [a for a in attributions if token in a.scope]
            if holding:
                chosen = min(holding, key=lambda a: len(a.scope))
        return self._actor(sentence, chosen.speaker, mentions, previous, article or mentions)

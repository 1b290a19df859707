"""Spot capitalised names that match no actor or place, so a maintainer sees what to add.

This reads runs of capitalised words (with the connectors of Arabic names) and filters them with the
names lexicon. Suggestions come from rapidfuzz: the closest known spelling by edit distance, when it is
close enough to be a variant. What the name looks like (a place, an organisation, a person) comes from the
named-entity labels of the sentence's parse, read through seeds/reference/extraction/names.yml.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

from rapidfuzz import fuzz, process

from .extraction.names import Mention
from .extraction.structure import Sentence
from .reference import Reference
from .textnorm import fold

# The reference file a maintainer adds an unknown name to, by what the name looks like
ADD_TO = {"place": "seeds/reference/places.csv", "organisation": "seeds/reference/actors.yml",
          "person": "seeds/reference/actors.yml"}

_WORD = r"[A-Z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*"


@dataclass(frozen=True)
class Unresolved:
    """A capitalised name the reference data does not know, with the closest known entity if any."""

    surface: str
    start: int
    end: int
    suggested_type: str | None
    suggested_id: str | None
    score: int | None
    looks_like: str | None = None  # "place", "organisation" or "person", from the parse's entity label


class NameSpotter:
    """Finds unknown names in an article, given the known mentions."""

    def __init__(self, lexicon: dict, reference: Reference):
        connectors = "|".join(sorted(lexicon["connectors"], key=len, reverse=True))
        self._run = re.compile(rf"{_WORD}(?:(?:\s+|-)(?:(?:{connectors})(?:\s+|-))?{_WORD})*")
        self._stop = {fold(w) for w in lexicon["not_names"]}
        self._connectors = set(lexicon["connectors"])
        self._ignored = set(lexicon["ignore_names"])
        self.min_score = lexicon["suggestion_min_score"]
        self._kinds: dict[str, str] = dict(reference.extraction["names"]["unknown_name_kinds"]["labels"])
        self._place_nouns = frozenset(reference.extraction["names"]["generated_places"]["place_nouns"])
        self._choices: dict[str, tuple[str, str]] = {}
        for actor in reference.actors.values():
            for alias in actor.aliases:
                self._choices.setdefault(fold(alias), ("actor", actor.actor_id))
        for place in reference.places.values():
            for alias in place.aliases:
                if alias not in place.derived:  # a rule's "north Hama countryside" is no spelling to suggest
                    self._choices.setdefault(fold(alias), ("place", place.place_id))
        self._spellings = list(self._choices)  # the choices rapidfuzz compares a name with, listed once

    def _trim(self, text: str, start: int) -> tuple[int, int] | None:
        words = [(m.start(), m.end()) for m in re.finditer(r"[^\s]+", text)]

        def stop(span):
            word = fold(text[span[0]:span[1]]).strip("'")
            return word in self._stop or word in self._connectors or word.split("-")[0] in self._stop

        while words and stop(words[0]):
            words.pop(0)
        while words and stop(words[-1]):
            words.pop()
        if not words:
            return None
        return start + words[0][0], start + words[-1][1]

    def suggest(self, surface: str) -> tuple[str | None, str | None, int | None]:
        best = process.extractOne(fold(surface), self._spellings, scorer=fuzz.ratio)
        if best and best[1] >= self.min_score:
            kind, entity = self._choices[best[0]]
            return kind, entity, int(round(best[1]))
        return None, None, None

    def _looks_like(self, sentences: list[Sentence], starts: list[int], start: int, end: int) -> str | None:
        """The kind of name the entity label of the parse gives the span [start, end), if a label covers it."""
        sentence = sentences[bisect_right(starts, start) - 1] if starts else None
        if sentence is None or sentence.doc is None or end > sentence.end:
            return None
        overlaps = [(min(end, sentence.start + e.end_char) - max(start, sentence.start + e.start_char), e.label_)
                    for e in sentence.doc.ents]
        overlap, label = max(overlaps, default=(0, ""))
        if overlap > 0 and label in self._kinds:
            return self._kinds[label]
        return "place" if self._under_place_noun(sentence, start, end) else None

    def _under_place_noun(self, sentence: Sentence, start: int, end: int) -> bool:
        """Whether the parse puts the name under a word for a place ("the village of X", "X town"; names.yml
        `generated_places` place_nouns), when no entity label says what it is."""
        tokens = [t for t in sentence.doc if start <= sentence.start + t.idx < end]
        inside = {t.i for t in tokens}
        for token in tokens:
            head = token.head
            if head.i in inside:
                continue
            if head.dep_ == "prep" and head.lower_ == "of":
                head = head.head
            if head.lemma_.lower() in self._place_nouns:
                return True
        return False

    @staticmethod
    def _starts_sentence(body: str, at: int, sentence_starts: set[int]) -> bool:
        return at in sentence_starts or body[max(0, at - 1):at] in ("“", '"', "‘", "'")

    def find(self, body: str, sentences: list[Sentence], known: list[Mention]) -> list[Unresolved]:
        sentence_starts = {s.start for s in sentences}
        starts = [s.start for s in sentences]
        # `known` is in text order: a span overlaps a known mention when one of those starting before its
        # end reaches past its start (the largest end so far tells, by bisection)
        known_starts = [m.start for m in known]
        reach = list(accumulate((m.end for m in known), max))
        capitalised_elsewhere: dict[str, bool] = {}
        suggestions: dict[str, tuple[str | None, str | None, int | None]] = {}
        found = []
        for match in self._run.finditer(body):
            span = self._trim(match.group(), match.start())
            if span is None:
                continue
            start, end = span
            surface = body[start:end]
            before = bisect_left(known_starts, end)
            if surface in self._ignored or (before and reach[before - 1] > start):
                continue
            if len(surface) < 3 or (surface.isupper() and " " in surface):
                continue  # too short, or an all-capitals kicker ("THE GREAT ESCAPE")
            if " " not in surface and self._starts_sentence(body, start, sentence_starts):
                if surface not in capitalised_elsewhere:
                    elsewhere = (m.start() for m in re.finditer(rf"\b{re.escape(surface)}\b", body))
                    capitalised_elsewhere[surface] = any(not self._starts_sentence(body, at, sentence_starts)
                                                         for at in elsewhere)
                if not capitalised_elsewhere[surface]:
                    continue  # only ever capitalised because it starts a sentence ("Battles began ...")
            if surface not in suggestions:
                suggestions[surface] = self.suggest(surface)
            found.append(Unresolved(surface, start, end, *suggestions[surface],
                                    self._looks_like(sentences, starts, start, end)))
        return found

"""Find every occurrence of a known actor or place in a text, longest spelling first."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .reference import Reference
from .textnorm import alias_key, alias_literals, alias_pattern, fold


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity: `text[start:end] == surface`."""

    entity_type: str  # "actor" or "place"
    entity_id: str
    surface: str
    start: int
    end: int


# A list of capitalised names ("Cairo, Tal Wasit, Tal Atram and Sawamaa") right before a plural head noun.
_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
_NAME_LIST = re.compile(rf"({_NAME}(?:,\s+{_NAME})*,?\s+and\s+{_NAME})\s+([a-z]+)\b")
_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")
_COMMA_LIST = re.compile(rf"{_NAME}(?:,\s+{_NAME})*")


def _name_lists(text: str):
    """The matches of _NAME_LIST that re.finditer gives, tried only where a run of names joined by commas
    begins. A match tried later in such a run ends as the one tried at its start does, or needs a part of
    the run the earlier one could also use, so it fails when that one fails; trying every position of a
    long run would cost the square of its length."""
    position = 0
    for word in _CAPITALISED.finditer(text):
        if word.start() < position:
            continue
        match = _NAME_LIST.match(text, word.start())
        if match:
            yield match
            position = match.end()
        else:
            position = _COMMA_LIST.match(text, word.start()).end()


class _Spans:
    """Non-overlapping spans kept in order, to tell in log time whether a new span overlaps one of them."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        at = bisect_right(self.starts, start)
        return (at == 0 or self.ends[at - 1] <= start) and (at == len(self.starts) or self.starts[at] >= end)

    def add(self, start: int, end: int) -> None:
        at = bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


class AliasMatcher:
    """Compiled alias patterns of every actor and place in the reference data."""

    def __init__(self, reference: Reference):
        # each pattern with the longest piece of text its matches contain: a text without it is not searched
        self._patterns: list[tuple[re.Pattern[str], str, str, str]] = []
        self._by_key: dict[str, tuple[str, str]] = {}
        entries = [("actor", a.actor_id, a.aliases) for a in reference.actors.values()]
        entries += [("place", p.place_id, p.aliases) for p in reference.places.values()]
        for entity_type, entity_id, aliases in sorted(entries):
            for alias in sorted(set(aliases)):
                literal = max(alias_literals(alias), key=len, default="")
                self._patterns.append((re.compile(alias_pattern(alias)), literal, entity_type, entity_id))
                self._by_key[alias_key(alias)] = (entity_type, entity_id)
        self._heads = dict(reference.lexicon.get("names", {}).get("distributive_heads") or {})

    def _listed_with_head(self, text: str, taken: _Spans) -> list[tuple[int, int, str, str]]:
        """Names in a list that share a plural head, known only with the singular ("the Cairo ... checkpoints")."""
        found = []
        for match in _name_lists(text):
            singular = self._heads.get(match.group(2).lower())
            if not singular:
                continue
            for item in re.finditer(_NAME, match.group(1)):
                start, end = match.start(1) + item.start(), match.start(1) + item.end()
                entity = self._by_key.get(alias_key(f"{item.group()} {singular}"))
                if entity and taken.free(start, end):
                    found.append((start, end, *entity))
        return found

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions in `text`, sorted by position; overlaps go to the longest match."""
        folded = fold(text)
        candidates: list[tuple[int, int, str, str]] = []
        for pattern, literal, entity_type, entity_id in self._patterns:
            if literal not in folded:
                continue
            for match in pattern.finditer(folded):
                candidates.append((match.start(), match.end(), entity_type, entity_id))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2], c[3]))
        taken: list[tuple[int, int, str, str]] = []
        spans = _Spans()
        for cand in candidates:
            if spans.free(cand[0], cand[1]):
                taken.append(cand)
                spans.add(cand[0], cand[1])
        taken += self._listed_with_head(text, spans)
        taken.sort()
        return [Mention(t[2], t[3], text[t[0]:t[1]], t[0], t[1]) for t in taken]

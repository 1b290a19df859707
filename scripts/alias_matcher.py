"""Find every occurrence of a known actor or place in a text, longest spelling first."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reference import Reference
from .textnorm import alias_key, alias_pattern, fold


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


class AliasMatcher:
    """Compiled alias patterns of every actor and place in the reference data."""

    def __init__(self, reference: Reference):
        self._patterns: list[tuple[re.Pattern[str], str, str]] = []
        self._by_key: dict[str, tuple[str, str]] = {}
        entries = [("actor", a.actor_id, a.aliases) for a in reference.actors.values()]
        entries += [("place", p.place_id, p.aliases) for p in reference.places.values()]
        for entity_type, entity_id, aliases in sorted(entries):
            for alias in sorted(set(aliases)):
                self._patterns.append((re.compile(alias_pattern(alias)), entity_type, entity_id))
                self._by_key[alias_key(alias)] = (entity_type, entity_id)
        self._heads = dict(reference.lexicon.get("names", {}).get("distributive_heads") or {})

    def _listed_with_head(self, text: str, taken: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
        """Names in a list that share a plural head, known only with the singular ("the Cairo ... checkpoints")."""
        found = []
        for match in _NAME_LIST.finditer(text):
            singular = self._heads.get(match.group(2).lower())
            if not singular:
                continue
            for item in re.finditer(_NAME, match.group(1)):
                start, end = match.start(1) + item.start(), match.start(1) + item.end()
                entity = self._by_key.get(alias_key(f"{item.group()} {singular}"))
                if entity and all(end <= t[0] or start >= t[1] for t in taken):
                    found.append((start, end, *entity))
        return found

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions in `text`, sorted by position; overlaps go to the longest match."""
        folded = fold(text)
        candidates: list[tuple[int, int, str, str]] = []
        for pattern, entity_type, entity_id in self._patterns:
            for match in pattern.finditer(folded):
                candidates.append((match.start(), match.end(), entity_type, entity_id))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2], c[3]))
        taken: list[tuple[int, int, str, str]] = []
        for cand in candidates:
            if all(cand[1] <= t[0] or cand[0] >= t[1] for t in taken):
                taken.append(cand)
        taken += self._listed_with_head(text, taken)
        taken.sort()
        return [Mention(t[2], t[3], text[t[0]:t[1]], t[0], t[1]) for t in taken]

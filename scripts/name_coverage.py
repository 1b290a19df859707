"""How many of the names an article gives to places and armed actors the reference data resolve (`make evaluate`).

Two shares, each with the names left unresolved, most frequent first:

- place names: over every development article, the capitalised spans the parse labels as places (the
  named-entity labels of names.yml `generated_places`), outside page furniture. A span is resolved when a
  reference mention (a place, or an actor: a country is one or the other by its role) covers part of it.
- armed-actor names: over the development gold, each occurrence in the text of a capitalised surface the
  gold gives an actor of a combatant type (roles.yml `combatant_types`). It is resolved when a reference
  mention covers it, and read as the gold reads it when that mention is of the gold's actor (or of a place
  the gold gives the same surface: a country is an actor or a place by its role). The gold's actors that
  the reference lacks have no type to tell whether they are armed: they are counted apart (`unknown`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from .extract import ArticleExtraction
from .reference import Reference


@dataclass
class Coverage:
    """Names found and resolved, and the unresolved ones with their counts."""

    names: int = 0
    resolved: int = 0
    read_right: int | None = None  # resolved to the gold's reading (where a gold says what the name is)
    unresolved: Counter = field(default_factory=Counter)
    unknown: Counter = field(default_factory=Counter)  # actors of the gold that the reference lacks

    @property
    def share(self) -> float:
        return self.resolved / self.names if self.names else 0.0

    def add(self, surface: str, resolved: bool, right: bool | None = None) -> None:
        self.names += 1
        self.resolved += resolved
        if right is not None:
            self.read_right = (self.read_right or 0) + right
        if not resolved:
            self.unresolved[surface] += 1


def _covered(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether one of the sorted, disjoint `spans` overlaps [start, end)."""
    at = bisect_left(starts, end)
    return at > 0 and spans[at - 1][1] > start


def place_names(extractions: list[ArticleExtraction], reference: Reference) -> Coverage:
    """The share of the parse's capitalised place names that a reference mention covers (a new place, which
    the reference lacks, does not: scripts/extraction/new_places.py)."""
    labels = set(reference.extraction["names"]["generated_places"]["labels"])
    coverage = Coverage()
    for extraction in extractions:
        spans = [(m.start, m.end) for m in extraction.mentions if m.entity_id not in extraction.new_places]
        starts = [start for start, _ in spans]
        for sentence in extraction.sentences:
            if sentence.furniture or sentence.doc is None:
                continue
            for entity in sentence.doc.ents:
                if entity.label_ in labels and entity.text[:1].isupper():
                    start, end = sentence.start + entity.start_char, sentence.start + entity.end_char
                    coverage.add(entity.text, _covered(spans, starts, start, end))
    return coverage


def armed_actor_names(gold: dict[str, dict], bodies: dict[str, str], mentions: list[dict],
                      reference: Reference) -> Coverage:
    """The share of the gold's capitalised armed-actor surfaces, in the text, that a mention of the gold's
    actor covers (or of a place the gold gives the same surface: a country is an actor or a place by its role)."""
    combatants = set(reference.extraction["roles"]["combatant_types"])
    found: dict[str, list[tuple[int, int, str]]] = {}
    for m in mentions:
        if m["entity_id"] in reference.actors or m["entity_id"] in reference.places:  # not a new place
            found.setdefault(m["article_id"], []).append((int(m["char_start"]), int(m["char_end"]), m["entity_id"]))
    coverage = Coverage()
    for article_id, item in sorted(gold.items()):
        body = bodies.get(article_id, "")
        readings: dict[str, set[str]] = {}  # a surface → the gold's entities it names in the article
        for entry in [*(item.get("actors") or []), *(item.get("places") or [])]:
            for surface in entry.get("surfaces") or []:
                readings.setdefault(surface, set()).add(entry.get("actor_id") or entry.get("place_id"))
        spans = sorted(found.get(article_id, []))
        for actor in item.get("actors") or []:
            known = reference.actors.get(actor["actor_id"])
            if known is None:
                coverage.unknown[actor["actor_id"]] += 1
                continue
            if known.actor_type not in combatants:
                continue
            for surface in actor.get("surfaces") or []:
                if not surface[:1].isupper():
                    continue
                for at in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", body):
                    named = {entity for start, end, entity in spans if start < at.end() and at.start() < end}
                    coverage.add(surface, bool(named), bool(named & readings[surface]))
    return coverage


def report(title: str, coverage: Coverage, verbose: bool = False, top: int = 30) -> list[str]:
    """Lines of the report: the share, then the `top` unresolved names with their counts (`verbose`: the
    gold's actors that were not counted too)."""
    lines = [f"{title:<20} {coverage.share:>9.3f}   ({coverage.resolved} of {coverage.names} resolved)"]
    if coverage.read_right is not None:
        share = coverage.read_right / coverage.names if coverage.names else 0.0
        lines.append(f"{'  as the gold reads':<20} {share:>9.3f}   ({coverage.read_right} of {coverage.names})")
    if coverage.unresolved:
        common = sorted(coverage.unresolved.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        lines.append(f"  top {len(common)} unresolved: " + ", ".join(f"{name} {count}" for name, count in common))
    if coverage.unknown:
        lines.append(f"  not counted: {len(coverage.unknown)} actor(s) of the gold that the reference lacks (type unknown)"
                     + (": " + ", ".join(sorted(coverage.unknown)) if verbose else ""))
    return lines

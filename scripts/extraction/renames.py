"""Names that changed: an actor's name resolves to the actor that bore the name of the day.

An actor of actors.yml with a `valid_to` and a successor (relation renamed_to or merged_into) stops being
the referent of its names on that day: "Nusra" or "al-Qaeda's Syria affiliate" in a sentence of 2017
names Hay'at Tahrir al-Sham, as ACLED codes the name in use at the event's date. The day is the earliest
day the sentence dates (its event's), else the article's publication date. A sentence that names the
group under two of its names speaks of the names ("X, now known as Y", "Y (former X)"): there each name
keeps its own actor. A name used before its actor's `valid_from` stays as written.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from .names import Mention

if TYPE_CHECKING:
    from ..reference import Reference

SUCCESSION = ("renamed_to", "merged_into")  # the relations of actors.yml that hand a name's referent on


class Renames:
    """The successions of actors.yml, read once."""

    def __init__(self, reference: Reference):
        self.actors = reference.actors
        self.successor: dict[str, str] = {}
        for actor in self.actors.values():
            for relation in actor.relations:
                if relation.relation in SUCCESSION:
                    self.successor[actor.actor_id] = relation.related
        self.lineage: dict[str, frozenset[str]] = {}  # each actor of a succession → all actors of its chain
        for first in set(self.successor) - set(self.successor.values()):
            chain = [first]
            while chain[-1] in self.successor and self.successor[chain[-1]] not in chain:
                chain.append(self.successor[chain[-1]])
            for actor_id in chain:
                self.lineage[actor_id] = frozenset(chain)

    def on(self, actor_id: str, day: date) -> str:
        """The actor that bore the name of `actor_id` on `day`: its successors are followed past each valid_to."""
        seen = {actor_id}
        actor = self.actors[actor_id]
        while actor.valid_to is not None and day >= actor.valid_to and actor.actor_id in self.successor:
            following = self.successor[actor.actor_id]
            if following in seen:
                break
            seen.add(following)
            actor = self.actors[following]
        return actor.actor_id

    def resolve(self, mentions: list[Mention], day: date) -> list[Mention]:
        """The mentions of one sentence, each name of a renamed actor resolved to the actor of `day`, unless
        the sentence names two actors of one succession."""
        named = {m.entity_id for m in mentions if m.entity_type == "actor" and m.entity_id in self.lineage}
        resolved = []
        for mention in mentions:
            if mention.entity_id in named and len(self.lineage[mention.entity_id] & named) == 1:
                mention = replace(mention, entity_id=self.on(mention.entity_id, day))
            resolved.append(mention)
        return resolved

"""Roles: the acting side (subject, passive by-agent, "fell to Y"), the side acted on (object, "from X"),
partners ("backed by X", coordination) and participants of developments, from the dependency paths of
seeds/reference/extraction/roles.yml. No path, no role: nobody is guessed, except the gold rule that
unattributed air strikes are the government's (`default_agent`; scripts/merge.py drops it where another
report of the event names who struck), and that protesters take part in protests (`protests`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import BuildError
from ..reference import Reference
from .relations import SentenceNames, cover, is_verbal, read_paths
from .triggers import Trigger

ROLES = ("agent", "target", "associated", "participant")


@dataclass
class Roles:
    attackers: list[str] = field(default_factory=list)  # actor ids on the acting side, the agent first
    targets: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)


class RoleReader:
    """Reads the roles of one trigger's event."""

    def __init__(self, data: dict, reference: Reference):
        self.reference = reference
        self.paths = {role: read_paths(data["paths"].get(role) or []) for role in ROLES}
        self.cover = set(data["cover"])
        self.group_nouns = set(data["group_of"]["lemmas"])
        self.default_agent = dict(data.get("default_agent") or {})
        self.civilian_types = set(data["civilian_target_event_types"])
        self.combatant_types = set(data["combatant_types"])
        self.reporter_types = set(data["reporter_types"])
        protests = data["protests"]
        self.protest_type = protests["event_type"]
        self.protesters = list(protests["participants"])
        self.protest_agents = set(protests["agents_take_part"])
        unknown = [a for a in [*self.protesters, *self.default_agent.values()] if a not in reference.actors]
        if unknown:
            raise BuildError(f"roles.yml: unknown actor(s) {', '.join(unknown)} (not in actors.yml)")
        # A government in a fight is represented by its forces (the state force that is part_of it).
        self.forces_of = {related: actor.actor_id for actor in reference.actors.values()
                          if actor.actor_type in ("state_force", "foreign_state_force")
                          for related, relation, *_ in actor.relations
                          if relation == "part_of" and reference.actors[related].actor_type == "government"}

    def _actors(self, role: str, trigger: Trigger, names: SentenceNames) -> list[str]:
        found: list[str] = []
        for path in self.paths[role]:
            if trigger.kind not in path.kinds or (path.verb and not is_verbal(trigger.head)):
                continue
            starts = [trigger.head] if trigger.anchor.i == trigger.head.i else [trigger.head, trigger.anchor]
            for token in (t for start in starts for t in path.walk(start)):
                for mention in names.at(self._covered(token)):
                    if mention.entity_type == "actor" and mention.entity_id not in found:
                        found.append(mention.entity_id)
        return found

    def _covered(self, token) -> list:
        """The tokens whose names a path ending on `token` reaches: its cover, and the group a word for its
        members names ("fighters of the National Front", "positions of Daesh")."""
        covered = cover(token, self.cover)
        groups = [pobj for t in covered if t.lemma_.lower() in self.group_nouns for prep in t.children
                  if prep.dep_ == "prep" and prep.lemma_.lower() == "of" for pobj in prep.children if pobj.dep_ == "pobj"]
        return covered + [t for g in groups for t in cover(g, self.cover)]

    def _combatant(self, actor_id: str) -> bool:
        return self.reference.actors[actor_id].actor_type in self.combatant_types

    def _reporter(self, actor_id: str) -> bool:
        return self.reference.actors[actor_id].actor_type in self.reporter_types

    def _forces(self, actors: list[str]) -> list[str]:
        return list(dict.fromkeys(self.forces_of.get(a, a) for a in actors))

    def default_attackers(self, sub_event_type: str, targets: list[str]) -> list[str]:
        """The gold rule's actor of an event no sentence attributes (unattributed air strikes), else []; not
        when that actor is the target ("it had bombed Syrian regime positions")."""
        actor = self.default_agent.get(sub_event_type)
        return [actor] if actor and actor not in targets else []

    def read(self, trigger: Trigger, names: SentenceNames, civilians: list[str]) -> Roles:
        """The roles of the trigger's event; `civilians` are the civilian actors the sentence names."""
        spec = trigger.spec
        if spec["event_type"] == self.protest_type:
            agents = [a for a in self._actors("agent", trigger, names) if self._combatant(a)]
            forces = self._forces(agents) if spec["sub_event_type"] in self.protest_agents else []
            return Roles(participants=list(dict.fromkeys(forces + self.protesters)))
        if trigger.kind == "development":
            named = [a for role in ROLES for a in self._actors(role, trigger, names)]
            return Roles(participants=list(dict.fromkeys(named)))
        agents = [a for a in self._actors("agent", trigger, names) if self._combatant(a)]
        associated = [a for a in self._actors("associated", trigger, names) if self._combatant(a)]
        targets = [a for a in self._actors("target", trigger, names) if a not in agents and not self._reporter(a)]
        if spec["event_type"] in self.civilian_types:
            targets += civilians
        else:
            targets = [a for a in targets if self._combatant(a)]
        attackers = self._forces(agents + [a for a in associated if a not in agents])
        return Roles(attackers=attackers, targets=[t for t in self._forces(targets) if t not in attackers])

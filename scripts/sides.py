"""Who did what to whom in one sentence: the acting side, the side acted on, and who only reports it."""

from __future__ import annotations

import re

from .extraction.names import Mention
from .extraction.structure import Sentence, found_before
from .reference import Reference


class SideReader:
    """Splits the actors named in a sentence into attackers and targets of one trigger."""

    def __init__(self, lexicon: dict, reference: Reference):
        self.reference = reference
        self.combatant_types = set(lexicon["combatant_types"])
        self.civilian_target_types = set(lexicon["civilian_target_event_types"])
        self._agent = re.compile(lexicon["agent_after"], re.I)
        self._source = re.compile(lexicon["source_before"], re.I)
        self._object_of = re.compile(lexicon["object_before"], re.I)
        self._clause_break = re.compile(lexicon["clause_break"], re.I)
        # A government in a fight is represented by its forces (the state force that is part_of it).
        self.forces_of = {related: actor.actor_id for actor in reference.actors.values()
                          if actor.actor_type in ("state_force", "foreign_state_force")
                          for related, relation in actor.relations
                          if relation == "part_of" and reference.actors[related].actor_type == "government"}

    def sides(self, spec: dict, sentence: Sentence, actors: list[Mention], t_start: int, t_end: int):
        """(attackers, targets) of the trigger at t_start..t_end, actor ids in order of importance."""
        if spec["event_type"] not in self.civilian_target_types:  # civilians are not a side in a battle
            actors = [m for m in actors if self.reference.actors[m.entity_id].actor_type != "civilians"]
        combatants = [m for m in actors if self.reference.actors[m.entity_id].actor_type in self.combatant_types
                      and not found_before(self._source, sentence, m.start)]
        civilians = [m.entity_id for m in actors if self.reference.actors[m.entity_id].actor_type == "civilians"]
        if not combatants:
            return [], list(dict.fromkeys(civilians))
        trigger_text = sentence.text[t_start - sentence.start:t_end - sentence.start].lower()
        after = [m for m in combatants if m.start >= t_end]
        before = [m for m in combatants if m.end <= t_start]
        by_agent = [m for m in after if self._agent.search(sentence.text[t_end - sentence.start:m.start - sentence.start])]
        if spec["object"] == "before" or spec.get("subject_is_agent") is False:  # "X fell (to Y)"
            if not (trigger_text.endswith(" to") and after) and not by_agent:
                return [], list(dict.fromkeys(civilians))
            lead = after[0] if trigger_text.endswith(" to") and after else by_agent[0]
        elif by_agent and not before:
            lead = by_agent[0]
        elif before:  # the subject's side: the first actor not governed by a preposition ("advances against X"),
            # in the trigger's own clause if it names one ("a day after government raids killed"), else in the sentence
            subjects = [m for m in before if not found_before(self._object_of, sentence, m.start)]
            breaks = [b.end() for b in self._clause_break.finditer(sentence.text[: t_start - sentence.start])]
            clause_start = sentence.start + (breaks[-1] if breaks else 0)
            in_clause = [m for m in subjects if m.start >= clause_start]
            side = self.reference.actors[(in_clause or subjects or before)[0].entity_id].side
            same = [m for m in before if self.reference.actors[m.entity_id].side == side]
            lead = next((m for m in same if not self.reference.actors[m.entity_id].generic), same[0])
        else:
            # No attacker named. In a bombing or strike, who is named after it was hit ("a car bomb exploded
            # at a checkpoint held by X"); in a capture ("the capture of X, the regime ...") guess no side.
            if spec["event_type"] not in self.civilian_target_types:
                return [], []
            named = [self.forces_of.get(m.entity_id, m.entity_id) for m in after]
            return [], list(dict.fromkeys(named + civilians))
        side = self.reference.actors[lead.entity_id].side
        ordered = [lead] + [m for m in combatants if m is not lead]
        attackers = [self.forces_of.get(m.entity_id, m.entity_id) for m in ordered
                     if self.reference.actors[m.entity_id].side == side]
        targets = [self.forces_of.get(m.entity_id, m.entity_id) for m in ordered
                   if self.reference.actors[m.entity_id].side != side]
        return list(dict.fromkeys(attackers)), list(dict.fromkeys(targets + civilians))

"""Work out who a sentence attributes its claims to: the actor next to a reporting verb."""

from __future__ import annotations

import re

from .alias_matcher import Mention
from .extraction.structure import Sentence
from .reference import Reference
from .textnorm import fold

_ASIDE = re.compile(r",\s+(?:who|which|whose|a|an|the|its|his|her)\b[^\"“”]*,\s*")
SPEAKER_REACH = 150  # characters between a speaker's name and its verb ("X, who works for Y, told ...")
SPEAKER_TYPES = {"monitor", "media", "person", "ngo", "un_agency", "government", "state_force",
                 "foreign_state_force", "armed_group", "coalition"}


class ClaimantFinder:
    """Reads reporting cues ("said", "according to", "told") from the figure lexicon."""

    def __init__(self, lexicon: dict, reference: Reference):
        cues = lexicon["reporting_cues"]
        self.actors = reference.actors
        self._before = re.compile(r"\b(?:" + "|".join(re.escape(fold(c)) for c in cues["speaker_before"]) + r")\b")
        self._after = re.compile(r"(?:" + "|".join(re.escape(fold(c)) for c in cues["speaker_after"]) + r")\b")
        self._pronoun = re.compile("|".join(lexicon["pronoun_speakers"]))

    @staticmethod
    def _is_subject_gap(gap: str) -> bool:
        """Words between a name and its verb: a few words, or an aside ("X, who works for Y, told")."""
        return (len(gap) <= 40 and "," not in gap) or bool(_ASIDE.fullmatch(gap))

    def _speaker(self, mentions: list[Mention]) -> list[Mention]:
        return [m for m in mentions if m.entity_type == "actor" and self.actors[m.entity_id].actor_type in SPEAKER_TYPES]

    def find(self, sentence: Sentence, mentions: list[Mention], previous: str | None) -> str | None:
        """actor_id of the source the sentence cites, or `previous` for "he said", else None."""
        folded = fold(sentence.text)
        if self._pronoun.search(folded):
            return previous
        speakers = self._speaker(mentions)
        best: tuple[int, str] | None = None
        for cue in self._before.finditer(folded):
            cue_at = sentence.start + cue.start()
            before = [m for m in speakers if m.end <= cue_at and cue_at - m.end <= SPEAKER_REACH]
            if before and self._is_subject_gap(sentence.text[before[-1].end - sentence.start:cue.start()]):
                gap = cue_at - before[-1].end
                best = min(best or (gap, before[-1].entity_id), (gap, before[-1].entity_id))
        for cue in self._after.finditer(folded):
            cue_end = sentence.start + cue.end()
            after = [m for m in speakers if m.start >= cue_end and m.start - cue_end <= 40]
            if after:
                gap = after[0].start - cue_end
                best = min(best or (gap, after[0].entity_id), (gap, after[0].entity_id))
        return best[1] if best is not None else None

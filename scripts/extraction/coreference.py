"""Reports of one event within one article (seeds/reference/extraction/coreference.yml): a report in a word
that names no means ("the explosion", "a blast", "detonated") joins the event of a more specific type ("a
suicide bomber") that the same article reports at that place in the same days; a report that its sentence
neither places nor dates ("the strikes hit residential buildings") retells the article's nearest report of
its type that is placed or dated, and takes its place and days."""

from __future__ import annotations

from ..reference import Reference
from .events import EventMention
from .places import inside


class Coreference:
    """Rewrites the type and place of an article's vague reports to those of the event they retell."""

    def __init__(self, data: dict, reference: Reference):
        self.reference = reference
        self.generic = {name: set(types) for name, types in data["generic_words"]["triggers"].items()}
        self.retold_basis = set(data["retold"]["place_basis"])  # how a report its sentence does not place is placed

    def _retold(self, mention: EventMention, others: list[EventMention]) -> EventMention | None:
        """The nearest report of the article that `mention` retells (an earlier one before a later one)."""
        types = self.generic.get(mention.trigger_name)
        if not types:
            return None
        candidates = [other for other in others
                      if other.trigger_name not in self.generic and other.sub_event_type in types
                      and other.when.first <= mention.when.last and mention.when.first <= other.when.last
                      and inside(self.reference.places, other.place_id, mention.place_id)]
        return min(candidates, key=lambda o: (abs(o.sentence.start - mention.sentence.start),
                                              o.sentence.start > mention.sentence.start, o.trigger_start), default=None)

    def _unanchored(self, mention: EventMention) -> bool:
        """Whether the report's sentence neither places nor dates it (the article's area, the publication week)."""
        return mention.place_basis in self.retold_basis and mention.when.basis == "publication"

    def _told(self, mention: EventMention, others: list[EventMention]) -> EventMention | None:
        """The report of the same type nearest before `mention` (else after it) that its sentence places or dates,
        on days within the week `mention` is dated to (a report of weeks before is another event)."""
        candidates = [other for other in others if other is not mention and not self._unanchored(other)
                      and other.sub_event_type == mention.sub_event_type
                      and other.when.first <= mention.when.last and mention.when.first <= other.when.last]
        return min(candidates, key=lambda o: (o.sentence.start > mention.sentence.start,
                                              abs(o.sentence.start - mention.sentence.start), o.trigger_start),
                   default=None)

    def resolve(self, events: list[EventMention]) -> list[EventMention]:
        """The article's reports, each vague one with the type and place of the event it retells, each
        unanchored one with the place and days of the report it retells."""
        targets = [(mention, self._retold(mention, events)) for mention in events]
        for mention, target in targets:
            if target is not None:
                mention.event_type, mention.sub_event_type = target.event_type, target.sub_event_type
                mention.place_id, mention.geo_precision = target.place_id, target.geo_precision
        told = [(mention, self._told(mention, events)) for mention in events if self._unanchored(mention)]
        for mention, target in told:
            if target is not None:
                mention.place_id, mention.geo_precision, mention.when = target.place_id, target.geo_precision, target.when
                mention.place_basis = "story"
        return events

"""Reports of one event within one article: a report in a word that names no means ("the explosion", "a
blast", "detonated") joins the event of a more specific type ("a suicide bomber") that the same article
reports at that place in the same days (seeds/reference/extraction/coreference.yml)."""

from __future__ import annotations

from ..reference import Reference
from .events import EventMention


class Coreference:
    """Rewrites the type and place of an article's vague reports to those of the event they retell."""

    def __init__(self, data: dict, reference: Reference):
        self.reference = reference
        self.generic = {name: set(types) for name, types in data["generic_words"]["triggers"].items()}

    def _inside(self, place_id: str, area_id: str) -> bool:
        """Whether `place_id` is `area_id` or lies in it (a governorate's places, a country's, a region's)."""
        if place_id == area_id:
            return True
        place, area = self.reference.places[place_id], self.reference.places[area_id]
        if area.place_type == "governorate":
            return place.governorate == area.governorate and place.country == area.country
        if area.place_type == "country":
            return place.country == area.country
        return place.within == area_id

    def _retold(self, mention: EventMention, others: list[EventMention]) -> EventMention | None:
        """The nearest report of the article that `mention` retells (an earlier one before a later one)."""
        types = self.generic.get(mention.trigger_name)
        if not types:
            return None
        candidates = [other for other in others
                      if other.trigger_name not in self.generic and other.sub_event_type in types
                      and other.when.first <= mention.when.last and mention.when.first <= other.when.last
                      and self._inside(other.place_id, mention.place_id)]
        return min(candidates, key=lambda o: (abs(o.sentence.start - mention.sentence.start),
                                              o.sentence.start > mention.sentence.start, o.trigger_start), default=None)

    def resolve(self, events: list[EventMention]) -> list[EventMention]:
        """The article's reports, each vague one with the type and place of the event it retells."""
        targets = [(mention, self._retold(mention, events)) for mention in events]
        for mention, target in targets:
            if target is not None:
                mention.event_type, mention.sub_event_type = target.event_type, target.sub_event_type
                mention.place_id, mention.geo_precision = target.place_id, target.geo_precision
        return events

"""Which place a sentence means when it does not spell it out: a province's bare name read as its capital,
"the base" or "there" pointing back to a place named just before, and towns ranked before regions."""

from __future__ import annotations

import re
from collections import Counter

from .extraction.names import Mention, NameForms
from .extraction.structure import Sentence
from .reference import Reference

# How many places a counted plural anaphor ("the two bases") points back to.
COUNT_WORDS = {"": 1, "both": 2, "two": 2, "three": 3, "four": 4}


class PlaceReader:
    """Place readings that depend on context, driven by the event lexicon and the gazetteer."""

    def __init__(self, lexicon: dict, reference: Reference):
        self.reference = reference
        self._anaphors = [(re.compile(a["pattern"], re.I), set(a["place_types"]), a.get("choose", "salient"))
                          for a in lexicon["anaphors"]]
        self._city_before = re.compile(lexicon["city_reading"]["before"], re.I)
        self._city_after = re.compile(lexicon["city_reading"]["after"], re.I)
        self._paired = re.compile(lexicon["city_reading"]["paired_with_city"], re.I)
        self._place_noun = re.compile(lexicon["place_nouns"], re.I)
        self.capitals: dict[str, str] = {}
        self.alias_key = alias_key = NameForms(reference.extraction["names"]).key
        self.bare_names: dict[str, set[str]] = {}
        for place in reference.places.values():
            if place.place_type != "governorate":
                continue
            self.bare_names[place.place_id] = {alias_key(a) for a in place.aliases if len(alias_key(a).split()) == 1}
            for city in reference.places.values():
                if city.place_type == "city" and city.governorate == place.governorate and \
                        alias_key(city.name).split()[0] in self.bare_names[place.place_id]:
                    self.capitals[place.place_id] = city.place_id

    def read_capitals(self, body: str, mentions: list[Mention]) -> list[Mention]:
        """Mentions with a province's bare name turned into its capital where the context means the city."""
        result: list[Mention] = []
        for mention in mentions:
            capital = self.capital(mention) if mention.entity_type == "place" else mention
            if capital is not mention:
                before, after = body[max(0, mention.start - 40):mention.start], body[mention.end:mention.end + 20]
                previous = result[-1] if result else None
                paired = (previous is not None and previous.entity_type == "place"
                          and self.reference.places[previous.entity_id].place_type == "city"
                          and self._paired.match(body[previous.end:mention.start]))
                if self._city_before.search(before) or self._city_after.match(after) or paired:
                    mention = capital
            result.append(mention)
        return result

    def names_another_place(self, sentence: Sentence, t_end: int, mention: Mention) -> bool:
        """A province after words naming the place taken ("overran a base in Idlib") is not the object."""
        between = sentence.text[t_end - sentence.start:mention.start - sentence.start]
        is_province = self.reference.places[mention.entity_id].place_type == "governorate"
        return mention.start >= t_end and is_province and bool(self._place_noun.search(between))

    def specific_first(self, mentions: list[Mention]) -> list[Mention]:
        """Keep the order, but a named town or base before a region, a governorate or a country."""
        broad = ("region", "governorate", "country")

        def is_broad(mention: Mention) -> bool:
            return self.reference.places[mention.entity_id].place_type in broad

        return [m for m in mentions if not is_broad(m)] + [m for m in mentions if is_broad(m)]

    def capital(self, mention: Mention) -> Mention:
        capital = self.capitals.get(mention.entity_id)
        if capital and self.alias_key(mention.surface) in self.bare_names.get(mention.entity_id, ()):
            return Mention("place", capital, mention.surface, mention.start, mention.end)
        return mention

    def anaphors(self, sentence: Sentence, recent: list[Mention], salience: Counter[str]) -> list[Mention]:
        """Places a sentence refers to without naming them ("the base", "there"). `recent` are the place
        mentions of the last few sentences; `salience` counts how often the article has named each place."""
        found = []
        for pattern, kinds, choose in self._anaphors:
            for match in pattern.finditer(sentence.text):
                span = match.span("ref") if "ref" in pattern.groupindex else match.span()
                start = sentence.start + span[0]
                before = [self.capital(m) if "city" in kinds else m for m in recent
                          if m.end <= start and m.surface and not m.surface.isupper()]  # not a dateline
                fitting = [(salience[m.entity_id] if choose == "salient" else 0, i, m) for i, m in enumerate(before)
                           if self.reference.places[m.entity_id].place_type in kinds]
                wanted = COUNT_WORDS.get((match.groupdict().get("count") or "").lower(), 1)
                chosen: list[str] = []
                for *_, mention in sorted(fitting, key=lambda f: (f[0], f[1]), reverse=True):
                    if mention.entity_id not in chosen and len(chosen) < wanted:
                        chosen.append(mention.entity_id)
                order = {m.entity_id: m.start for m in before}
                for entity in sorted(chosen, key=order.get):  # in the order the article named them
                    found.append(Mention("place", entity, sentence.text[span[0]:span[1]], start, sentence.start + span[1]))
        return found

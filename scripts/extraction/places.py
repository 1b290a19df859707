"""Places: where a trigger's event happened, from the dependency paths of
seeds/reference/extraction/places.yml (the place attached to the trigger or its object, not the nearest
name); "near X" at geo precision 2; "the town" / "there" pointing back to a place just named; a
province's bare name read as its capital where the sentence means the city."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from ..reference import Reference
from .names import Mention, NameForms
from .relations import SentenceNames, cover, is_verbal, read_paths
from .structure import Sentence
from .triggers import Trigger

NOUN_DEPTH = 3  # "dozens of villages in the countryside of X": how many place nouns a path may pass under


def inside(places: dict, place_id: str, area_id: str) -> bool:
    """Whether `place_id` is `area_id` or lies in it (a governorate's places, a country's, a city's districts)."""
    if place_id == area_id:
        return True
    place, area = places[place_id], places[area_id]
    if area.place_type == "governorate":
        return place.governorate == area.governorate and place.country == area.country
    if area.place_type == "country":
        return place.country == area.country
    return place.within == area_id


@dataclass(frozen=True)
class EventPlace:
    mention: Mention
    precision: int
    direct: bool = True  # named at the token the path reached (not under "villages in X")


class PlaceReader:
    """Place readings driven by places.yml and the gazetteer."""

    def __init__(self, data: dict, reference: Reference):
        self.reference = reference
        self.paths = read_paths(data["paths"])
        self.cover = set(data["cover"])
        self.through_prep = set(data["through_prep"])
        self.near_words = set(data["near_words"])
        self.near_precision = int(data["near_precision"])
        self.place_nouns = {noun: list(types) for noun, types in data["place_nouns"].items()}
        self.counts = dict(data["counts"])
        self.there = set(data["there"]["words"])
        self.there_types = list(data["there"]["place_types"])
        self.capital_under = set(data["capital_under"])
        self.bare_city = set(data["bare_name_is_city"]["governorates"])
        self.province_words = set(data["bare_name_is_city"]["unless_under"])
        self.country_kinds = set(data["country_kinds"]["kinds"])
        self.unplaced_dropped = set(data["unplaced_kinds_dropped"]["kinds"])
        self.indefinite = set(data["unplaced_kinds_dropped"]["unless_at_unnamed_place"])
        self.reference_words = set(data["clause_place"]["reference_words"])
        self.reference_preps = set(data["clause_place"]["reference_preps"])
        self.clause_place_not_for = set(data["clause_place"]["not_for"])
        self.not_event_types = {kind: set(types) for kind, types in data["not_event_place_types"].items()}
        self.capitals: dict[str, str] = {}
        self.bare_names: dict[str, set[str]] = {}
        self.alias_key = alias_key = NameForms(reference.extraction["names"]).key
        province_keys = {alias_key(w + plural) for w in (*self.province_words, "governorate",
                                                         *data["bare_name_is_city"]["part_words"]) for plural in ("", "s")}
        articles = reference.extraction["names"]["article"]
        city_keys = {alias_key(w) for w in ("city", *articles["hyphenated"], *articles["spaced"])}  # "Idlib city", "Ar Raqqah"
        for place in reference.places.values():
            if place.place_type != "governorate":
                continue
            # its bare names: the aliases without a word for the province or a part of it ("Idlib", "Deir Ezzor";
            # not "Idlib province", "southern Idlib"), when it shares one with a city
            keys = {alias_key(a) for a in place.aliases if not set(alias_key(a).split()) & province_keys}
            for city in sorted(reference.places.values(), key=lambda p: p.place_id):
                if city.place_type != "city" or city.governorate != place.governorate:
                    continue
                shared = keys & {" ".join(w for w in alias_key(name).split() if w not in city_keys)
                                 for name in (city.name, *city.aliases)}
                if shared:
                    self.capitals[place.place_id] = city.place_id
                    self.bare_names[place.place_id] = keys
                    break

    # -- a province's bare name ----------------------------------------------------------------

    def capital(self, mention: Mention) -> Mention:
        """The capital city for a province's bare name ("Idlib"), else the mention itself."""
        capital = self.capitals.get(mention.entity_id)
        key = self.alias_key(mention.surface)
        bare = self.bare_names.get(mention.entity_id, ())
        if capital and (key in bare or (key.endswith("s") and key[:-1] in bare)):  # "Idlib", "Aleppos"
            return Mention("place", capital, mention.surface, mention.start, mention.end)
        return mention

    def means_city(self, token: Token) -> bool:
        """Whether a name at `token` is the object of "the outskirts of" / "the road to" (the city)."""
        return token.dep_ == "pobj" and token.head.lemma_.lower() in ("of", "to") and \
            token.head.head.lemma_.lower() in self.capital_under

    def means_province(self, token: Token) -> bool:
        """Whether a name at `token` is under a word for the province ("the countryside of Aleppo", "rural
        Aleppo", "Aleppo province")."""
        words = {c.lemma_.lower() for c in token.children if c.dep_ in ("amod", "compound")}
        above = token.head.head if token.dep_ == "pobj" else token.head
        return bool(words & self.province_words) or (token.dep_ in ("pobj", "poss", "compound")
                                                     and above.lemma_.lower() in self.province_words)

    def read_capitals(self, sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
        """The sentence's mentions with a province's bare name read as its capital where the parse says so."""
        names = SentenceNames(sentence, mentions)
        result = []
        for mention in mentions:
            if mention.entity_type == "place" and mention.entity_id in self.capitals:
                token = names.token_of(mention)
                if token is not None and (self.means_city(token) or (
                        mention.entity_id in self.bare_city and not self.means_province(token))):
                    mention = self.capital(mention)
            result.append(mention)
        return result

    # -- the event's place ---------------------------------------------------------------------

    def _is_near(self, token: Token) -> bool:
        return token.lemma_.lower() in self.near_words or (
            token.dep_ == "pobj" and token.head.lemma_.lower() in self.near_words)

    def _at(self, token: Token, names: SentenceNames, recent: list[Mention], near: bool,
            depth: int = 0) -> list[EventPlace]:
        """The places named at a token a path reached, or under the place noun it is ("the town of X")."""
        near = near or self._is_near(token)
        covered = cover(token, self.cover)
        found = [m for m in names.at(covered) if m.entity_type == "place"]
        if found:
            return [EventPlace(m, self._precision(m, near)) for m in found]
        noun = token.lemma_.lower()
        # any noun passes on the place it is in: "a school in Sarmin", a place the reference lacks ("Al-Shafah
        # in Deir az-Zour province"), "the town of X"
        if token.pos_ not in ("NOUN", "PROPN") or depth >= NOUN_DEPTH:
            return []
        children = [c for t in covered for c in t.children]
        # "villages and towns inside Idlib province", then "Idlib's outskirts" ("Syria's province of Idlib")
        for child in [c for c in children if c.dep_ == "prep"] + [c for c in children if c.dep_ == "poss"]:
            if self.is_reference_word(child.head):
                continue  # "the border area close to X", "a village south of X": a reference point
            below = []
            if child.dep_ == "poss":
                below = self._at(child, names, recent, near, depth + 1)
            elif child.lemma_.lower() in self.through_prep:
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    below = below or self._at(pobj, names, recent, near or child.lemma_.lower() in self.near_words,
                                              depth + 1)
            if below:  # under a place noun ("villages in Idlib province") the name is not itself the place
                return [EventPlace(p.mention, p.precision, p.direct and noun not in self.place_nouns) for p in below]
        if noun not in self.place_nouns:
            return []
        kinds = self.place_nouns[noun]
        if kinds and any(c.dep_ == "det" and c.lemma_.lower() == "the" for c in token.children):
            count = max([self.counts.get(c.lower_, 1) for c in token.children if c.dep_ in ("nummod", "det", "predet")] + [1])
            return self._back(kinds, recent, near, count)  # "the town": the latest such place named
        return []

    def _back(self, kinds: list[str], recent: list[Mention], near: bool, count: int = 1) -> list[EventPlace]:
        """The latest `count` places of the first of the kinds ("the city": a city, else a town) named recently."""
        for kind in kinds:
            found: dict[str, Mention] = {}
            for mention in reversed(recent):
                if self.reference.places[mention.entity_id].place_type == kind and len(found) < count:
                    found.setdefault(mention.entity_id, mention)
            if found:
                return [EventPlace(m, self._precision(m, near)) for m in found.values()]
        return []

    def _precision(self, mention: Mention, near: bool) -> int:
        base = self.reference.places[mention.entity_id].geo_precision
        return max(base, self.near_precision) if near else base

    def is_reference_word(self, token: Token) -> bool:
        """"south of X", "close to X": a word that makes the name under it a reference point; not with "the"
        ("in the west of" a city is inside it)."""
        return token.lemma_.lower() in self.reference_words and \
            not any(c.dep_ == "det" and c.lemma_.lower() == "the" for c in token.children)

    def unnamed_place(self, trigger: Trigger) -> bool:
        """Whether a path from the trigger reaches a place noun with no name, no determiner or an indefinite one
        ("capturing villages", "captured a town south of Saraqib"): a place the sentence does not name."""
        starts = [trigger.head] if trigger.anchor.i == trigger.head.i else [trigger.head, trigger.anchor]
        for path in self.paths:
            if trigger.kind not in path.kinds or (path.verb and not is_verbal(trigger.head)):
                continue
            for token in (t for start in starts for t in path.walk(start)):
                if self.place_nouns.get(token.lemma_.lower()) and not any(
                        c.dep_ in ("det", "poss") and c.lemma_.lower() not in self.indefinite for c in token.children):
                    return True
        return False

    def clause_place(self, trigger: Trigger, names: SentenceNames, clause: Token, country: str | None,
                     recent: list[Mention]) -> list[EventPlace]:
        """The one place of `country` the trigger's clause (headed by `clause`) names, or points back to ("failed
        to hold the base despite heavy shelling"), that is no reference point, origin or destination, for an
        event no path placed; else []."""
        if trigger.spec["sub_event_type"] in self.clause_place_not_for or country is None:
            return []
        not_types = self.not_event_types.get(trigger.kind, ())
        found: dict[str, EventPlace] = {}
        for token in clause.subtree:
            above = [token, *token.ancestors]
            above = above[: above.index(clause)]
            if any(self.is_reference_word(t) or
                   (t.dep_ == "prep" and t.lemma_.lower() in self.reference_preps) for t in above):
                continue
            named = [EventPlace(m, self._precision(m, False), False) for m in names.by_token.get(token.i, ())
                     if m.entity_type == "place"]
            kinds = self.place_nouns.get(token.lemma_.lower())
            if not named and kinds and any(c.dep_ == "det" and c.lemma_.lower() == "the" for c in token.children):
                named = self._back(kinds, recent, False)  # "the base", "the town"
            for place in named:
                own = self.reference.places[place.mention.entity_id]
                if own.place_type not in not_types and own.country == country:
                    found.setdefault(place.mention.entity_id, place)
        # "al-Furqan neighborhood in Aleppo city" names one place: the district, not the city it lies in
        places = self.reference.places  # (not a town in a governorate: measured, that lost events on both golds)
        found = {p: place for p, place in found.items() if not any(places[q].within == p for q in found)}
        return list(found.values()) if len(found) == 1 else []

    def event_places(self, trigger: Trigger, names: SentenceNames, recent: list[Mention]) -> list[EventPlace]:
        """Where the trigger's event happened, as the sentence ties it to the trigger (else [])."""
        allowed = set(trigger.spec.get("place_types") or ())
        capture = trigger.kind in ("territory", "fall")
        for path in self.paths:
            if trigger.kind not in path.kinds or (path.verb and not is_verbal(trigger.head)):
                continue
            found: list[EventPlace] = []
            starts = [trigger.head] if trigger.anchor.i == trigger.head.i else [trigger.head, trigger.anchor]
            for token in (t for start in starts for t in path.walk(start)):
                here = self._at(token, names, recent, False)
                if capture and any(m.entity_type == "place" for m in names.at([token])):
                    # a town is taken, not a province: "seized Idlib" is the city
                    here = [EventPlace(self.capital(p.mention), p.precision) for p in here]
                found += here
            found = [p for p in found
                     if self.reference.places[p.mention.entity_id].place_type not in self.not_event_types.get(trigger.kind, ())]
            if allowed:  # "captured villages in Idlib province": the province, at its precision
                found = [p for p in found if not p.direct
                         or self.reference.places[p.mention.entity_id].place_type in allowed]
            if found:
                return list({p.mention.entity_id: p for p in found}.values())
        if any(c.dep_ == "advmod" and c.lemma_.lower() in self.there for c in trigger.head.children):
            return self._back(self.there_types, recent, False)
        return []

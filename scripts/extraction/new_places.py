"""Places the reference data lacks, named where the parse says a place is named ("the village of Hass",
"Turmanin neighborhood"): each becomes a place of its own, marked as not yet in the gazetteer, so that an
event there is put there and not at its province, and the maintainer sees it in the review report.

Such a place has no point: it lies in the city or governorate the sentence (or the article) names, and the
map shows it only through the city that stands for a district of it (seeds/reference/extraction/places.yml
`new_places`)."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Token

from ..derive_places import slug
from ..reference import Place, Reference
from ..textnorm import fold
from .names import Mention
from .structure import Sentence

# How a new place's source begins in the places table ("…: named as a village in <articles>; its point is not known")
SOURCE = "not in the gazetteer"


class NewPlaceFinder:
    """Finds names under a word for a place that no reference mention covers, and makes their places."""

    def __init__(self, data: dict, lexicon: dict, reference: Reference,
                 suggest: Callable[[str], tuple[str | None, str | None, int | None]]):
        self.reference = reference
        self.suggest = suggest  # the closest known spelling of a name, close enough to be a variant (unresolved.py)
        self.nouns: dict[str, str] = dict(data["nouns"])  # noun → the place type of the name under it
        self.district_nouns = set(data["district_nouns"])  # a district of the city the sentence names
        self.max_words = int(data["max_words"])
        # "a Druze village", "a Kurdish town": a name before the noun of an indefinite place says what kind it is
        self.indefinite = set(reference.extraction["places"]["unplaced_kinds_dropped"]["unless_at_unnamed_place"])
        self.connectors = set(lexicon["connectors"])
        self.not_names = {fold(w) for w in lexicon["not_names"]} | set(lexicon["ignore_names"])
        self.home = reference.places[reference.extraction["places"]["home_country"]]

    # -- the name under a place noun -------------------------------------------------------------

    def _named(self, noun: Token) -> list[Token]:
        """The heads of the names a place noun governs: "the village of X", "X village", "the village, X", and
        their conjuncts."""
        indefinite = any(c.dep_ == "det" and c.lower_ in self.indefinite for c in noun.children)
        heads = [c for c in noun.children if c.dep_ in ("compound", "amod", "appos") and c.pos_ == "PROPN"
                 and not indefinite]
        heads += [p for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                  for p in c.children if p.dep_ == "pobj" and p.pos_ == "PROPN"]
        # "the villages of X and Y": the conjuncts of a name are names of the same kind
        for head in list(heads):
            heads += [c for c in head.subtree if c.dep_ == "conj" and c.pos_ == "PROPN" and c.head.pos_ == "PROPN"]
        return list(dict.fromkeys(heads))

    def _name_word(self, token: Token) -> bool:
        """A word of a name: a capitalised proper noun, a connector ("al", "bin") or a hyphen inside a word."""
        if token.text == "-":  # "Al-Shafah", not "Idlib - Hass"
            return token.whitespace_ == "" and token.i > 0 and token.doc[token.i - 1].whitespace_ == ""
        return token.lower_ in self.connectors or (token.pos_ == "PROPN" and token.text[:1].isupper())

    def _span(self, doc: Doc, head: Token, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
        """Token range [first, last] of the name around `head`: the run of name words it is in ("Urum al-Joz",
        "Salah al-Din"), without the reference names at its ends and the connectors before or after it."""
        first = last = head.i
        while first > 0 and self._name_word(doc[first - 1]):
            first -= 1
        while last + 1 < len(doc) and self._name_word(doc[last + 1]):
            last += 1

        def known(token: Token) -> bool:
            return any(s < token.idx + len(token.text) and token.idx < e for s, e in taken)

        def loose(token: Token, after: Token | None) -> bool:  # "the", "of"; not the "al" of "al-Shafah"
            return not token.is_alpha or (token.lower_ in self.connectors and (after is None or after.text != "-"))

        while first <= last and (known(doc[first]) or loose(doc[first], doc[first + 1] if first + 1 <= last else None)):
            first += 1
        while last >= first and (known(doc[last]) or loose(doc[last], None)):
            last -= 1
        if not first <= head.i <= last:
            return None
        words = [t for t in doc[first:last + 1] if t.is_alpha and t.text[:1].isupper()]
        if not words or len(words) > self.max_words:
            return None
        return first, last

    # -- the place it is -------------------------------------------------------------------------

    def _where(self, noun: Token, mentions: list[Mention], home_governorate: str | None) -> tuple[str, str | None]:
        """(governorate, the city it is a district of) from the sentence's reference places, else the
        article's governorate."""
        places = [self.reference.places[m.entity_id] for m in mentions if m.entity_type == "place"]
        home = [p for p in places if p.country == self.home.country]
        if noun.lemma_.lower() in self.district_nouns:
            cities = [p for p in home if p.place_type == "city"]
            if len({c.place_id for c in cities}) == 1:
                return cities[0].governorate, cities[0].place_id
        governorates = {p.governorate for p in home if p.governorate}
        if len(governorates) == 1:
            return governorates.pop(), None
        return (home_governorate or ""), None

    def _variant_of(self, surface: str, governorate: str) -> str | None:
        """The known place of the same governorate whose spelling is close enough to be a variant of the name."""
        kind, entity, _ = self.suggest(surface)
        if kind != "place" or not governorate:
            return None
        place = self.reference.places[entity]
        return entity if (place.governorate, place.country) == (governorate, self.home.country) else None

    def find(self, sentence: Sentence, mentions: list[Mention],
             home_governorate: str | None) -> list[tuple[Mention, Place | None]]:
        """The names of places the reference lacks in the sentence, each with the place it is; a variant spelling
        of a place of the governorate it lies in ("Khan Skeikhoun") is that place (with None)."""
        doc = sentence.doc
        if doc is None or sentence.furniture:  # a headline's title case makes names of common words
            return []
        taken = [(m.start - sentence.start, m.end - sentence.start) for m in mentions]
        found: list[tuple[Mention, Place | None]] = []
        for noun in doc:
            kind = self.nouns.get(noun.lemma_.lower())
            if kind is None or noun.pos_ != "NOUN":
                continue
            for head in self._named(noun):
                span = self._span(doc, head, taken)
                if span is None:
                    continue
                start, end = doc[span[0]].idx, doc[span[1]].idx + len(doc[span[1]].text)
                surface = doc.text[start:end]
                place_id = slug(surface)  # the id the gazetteer gives its places
                if (any(s < end and start < e for s, e in taken) or not place_id or place_id in self.reference.places
                        or fold(surface).lower() in self.not_names or surface in self.not_names):
                    continue
                governorate, city = self._where(noun, mentions, home_governorate)
                taken.append((start, end))
                known = self._variant_of(surface, governorate)
                if known is not None:
                    found.append((Mention("place", known, surface, sentence.start + start, sentence.start + end), None))
                    continue
                place = Place(
                    place_id=place_id, name=surface, place_type=kind, governorate=governorate,
                    country=self.home.country, within=city, latitude=None, longitude=None,
                    point="representative" if city else "none", representative=city,
                    geo_precision=2 if city else 3, geonames_id=None,
                    coord_source=f"{SOURCE}: named as a {noun.lemma_.lower()}",  # the tables add the articles
                    aliases=(surface,), curated=False)
                found.append((Mention("place", place_id, surface, sentence.start + start, sentence.start + end), place))
        return sorted(found, key=lambda f: f[0].start)

"""Reference names in an article: one spaCy PhraseMatcher over the folded tokens of the whole body.

Every alias of seeds/reference/actors.yml and places.csv is cut into tokens by the pipeline's tokenizer
and folded as seeds/reference/extraction/names.yml says (case, diacritics, quotes and apostrophes, hyphen
or space, the Arabic article); the body is tokenized once and folded the same way, and one PhraseMatcher
finds every alias in it. Overlapping matches go to the longest; a shorter alias inside a longer name
the reference data does not know ("Ahrar" in "Ahrar al-Sahel") is no match.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from ..errors import BuildError
from ..shapes import check_shape
from ..textnorm import fold
from ..yaml_in import read_yaml
from .model import pipeline
from .structure import Sentence

if TYPE_CHECKING:
    from ..reference import Reference

NAMES_FILE = Path("extraction") / "names.yml"  # in the reference folder
FOLD_CACHE = 100_000  # distinct token texts whose fold is kept
FIRST = "first"  # an alias's words spelled as a text that capitalises its first word writes them
PARAGRAPH = "\u00b6"  # the key of a blank line: no alias contains it, so no name spans two paragraphs


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity: `text[start:end] == surface`."""

    entity_type: str  # "actor" or "place"
    entity_id: str
    surface: str
    start: int
    end: int


@dataclass(frozen=True)
class _Word:
    """A token that takes part in matching: its folded key, its place in the body and in the Doc, and the
    Arabic article dropped right before it (None when there is none)."""

    key: str
    start: int
    end: int
    token: int
    article: int | None  # the token of the article


def read_names_data(ref_dir: Path) -> dict:
    """The data of seeds/reference/extraction/names.yml, checked against its definition in
    schemas/extraction.schema.json."""
    path = ref_dir / NAMES_FILE
    if not path.is_file():
        raise BuildError(f"{path}: reference file not found")
    data = read_yaml(path, "reference file")
    check_shape(data, path, "extraction.schema.json", "names")
    return data


class NameForms:
    """How tokens are folded into the keys names are matched on."""

    def __init__(self, data: dict):
        self.hyphenated = frozenset(data["article"]["hyphenated"])
        self.spaced = frozenset(data["article"]["spaced"])
        spelling = data.get("spelling") or {"min_letters": 0, "rules": []}
        self.min_letters = spelling["min_letters"]
        self.rules = [(re.compile(rule["pattern"]), rule["replace"]) for rule in spelling["rules"]]
        self._folded: dict[str, str] = {}
        self._keyed: dict[str, str] = {}

    def _key(self, folded: str, spelled: bool = True) -> str:
        """The matching key of a folded word: no apostrophes, then (`spelled`) the spelling rules of
        names.yml in order (vowel variants, doubled letters ...), so that transliterations of one name meet."""
        if not spelled:
            return folded.replace("'", "") or folded
        key = self._keyed.get(folded)
        if key is None:
            if len(self._keyed) >= FOLD_CACHE:
                self._keyed.clear()
            key = folded.replace("'", "") or folded
            for pattern, replacement in self.rules if len(key) >= self.min_letters else ():
                key = pattern.sub(replacement, key)
            key = self._keyed[folded] = key or folded
        return key

    def _fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            if len(self._folded) >= FOLD_CACHE:
                self._folded.clear()
            folded = self._folded[text] = fold(text)
        return folded

    def _is_article(self, doc: Doc, i: int, folded: str) -> bool:
        """Whether token i is the Arabic article of the next word ("al-Sham", "a-Sham", "al Qaeda")."""
        if i + 2 < len(doc) and folded in self.hyphenated and not doc[i].whitespace_:
            hyphen, word = doc[i + 1], doc[i + 2]
            if self._fold(hyphen.text) == "-" and not hyphen.whitespace_ and word.text[0].isalpha():
                return True
        return folded in self.spaced and i + 1 < len(doc) and bool(doc[i].whitespace_) and doc[i + 1].text[0].isalpha()

    def words(self, doc: Doc, alias: bool = False, spelled: bool | str | None = True) -> list[_Word]:
        """The tokens of `doc` that names are matched on: hyphens, dashes, single line breaks and the Arabic
        article are left out, a blank line is kept as PARAGRAPH. `alias`: `doc` is an alias, whose words are
        all spelled by the rules
        (`spelled` True), or none (False), or as in a text (None): there only capitalised words are ("dare"
        is no "Daraa"), or as in a text that capitalises the first word (FIRST: "Government forces")."""
        words: list[_Word] = []
        article: int | None = None
        for i, token in enumerate(doc):
            if token.is_space:
                if token.text.replace("\r", "").count("\n") > 1:
                    words.append(_Word(PARAGRAPH, token.idx, token.idx + len(token), i, None))
                    article = None
                continue
            folded = self._fold(token.text)
            if not folded.strip("-"):
                continue  # a hyphen or dash between words counts as a space
            if self._is_article(doc, i, folded):
                article = i if article is None else article
                continue
            if alias and isinstance(spelled, bool):
                spell = spelled
            else:
                spell = _capitalised(token) or (spelled == FIRST and not words)
            words.append(_Word(self._key(folded, spell), token.idx, token.idx + len(token), i, article))
            article = None
        return words

    def keys(self, text: str) -> list[str]:
        """The keys of a short text (an alias), tokenized as a body is."""
        return [word.key for word in self.words(pipeline().make_doc(text), alias=True)]

    def key(self, text: str) -> str:
        """One string for an alias: aliases with the same key match the same words."""
        return " ".join(self.keys(text))


def spellings(alias: str) -> set[str]:
    """The alias, and the alias without its apostrophes ("regime's forces", "regimes forces")."""
    return {alias, "".join(c for c in alias if fold(c) != "'")}


def _capitalised(token: Token) -> bool:
    return token.text[:1].isupper()


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens of a name at [start, end) of a sentence's Doc."""
    return [t for t in doc if start <= t.idx < end]


def _root(tokens: list[Token]) -> Token:
    """The token of a name that the parse attaches outside it (its head word), else its last."""
    inside = {t.i for t in tokens}
    return next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])


def _up_conjuncts(token: Token) -> Token:
    """The first of the conjuncts a token is one of ("Azaz and nearby Marea": Azaz)."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


class _Spans:
    """Non-overlapping spans kept in order, to tell in log time whether a new span overlaps one of them."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        at = bisect_right(self.starts, start)
        return (at == 0 or self.ends[at - 1] <= start) and (at == len(self.starts) or self.starts[at] >= end)

    def add(self, start: int, end: int) -> None:
        at = bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


class NameMatcher:
    """Every alias of the reference data in one PhraseMatcher, built once."""

    def __init__(self, reference: Reference):
        data = reference.extraction["names"]
        self.forms = NameForms(data)
        self._vocab = Vocab()
        self._matcher = PhraseMatcher(self._vocab)
        self._entities: dict[int, tuple[str, str]] = {}  # match id → (entity_type, entity_id)
        # a generated place (GeoNames) is named only by a capitalised word that the parse reads as a place
        # name of its own: its aliases hold common words and names of people
        self._generated = {p.place_id for p in reference.places.values() if not p.curated}
        self._place_labels = frozenset(data["generated_places"]["labels"])
        self._place_nouns = frozenset(data["generated_places"]["place_nouns"])
        self._place_preps = frozenset(data["generated_places"]["prepositions"])
        self._sites = frozenset(data["generated_places"]["abroad_not_before"])
        home = reference.places[reference.extraction["places"]["home_country"]].country
        self._abroad = {p.place_id for p in reference.places.values() if not p.curated and p.country != home}
        acting = data["places_as_actors"]
        self._acting_deps = frozenset(acting["deps"])
        self._agent_deps = frozenset(acting["agent"])
        self._not_acting = frozenset(acting["not_acting"])
        self._actor_of_place = {place: a.actor_id for a in reference.actors.values() for place in a.named_by_places}
        self._acronym_letters = data["acronyms"]["min_letters"]
        self._title_case_letters = data["acronyms"]["title_case_from"]
        self._capitals: dict[tuple[str, ...], frozenset[int]] = {}  # alias keys → its words written in capitals
        self._continued: set[tuple[str, ...]] = set()  # alias beginnings that the article and more words follow
        self._preceded: set[tuple[str, ...]] = set()  # alias ends that words and the article precede
        entries = [("actor", a.actor_id, a.aliases) for a in reference.actors.values()]
        entries += [("place", p.place_id, p.aliases) for p in reference.places.values()]
        by_entity: dict[tuple[str, str], dict[str, list[str]]] = {}
        for entity_type, entity_id, aliases in sorted(entries):
            patterns = by_entity.setdefault((entity_type, entity_id), {})
            for alias in aliases:
                for spelling in spellings(alias):
                    alias_doc = pipeline().make_doc(spelling)  # one tokenization for the four ways of keying it
                    for spelled in (True, False, None, FIRST):
                        words = self.forms.words(alias_doc, alias=True, spelled=spelled)
                        keys = [word.key for word in words]
                        capitals = frozenset(at for at, word in enumerate(words) if self._acronym(alias_doc[word.token]))
                        if capitals:
                            self._capitals[tuple(keys)] = capitals | self._capitals.get(tuple(keys), frozenset())
                        self._learn_longer_names(keys, words)
                        if keys:
                            patterns[" ".join(keys)] = keys
        possessive = data["possessive_without_apostrophe"]
        taken = {key for patterns in by_entity.values() for key in patterns} | set(possessive["not"])
        for (entity_type, entity_id), patterns in by_entity.items():
            # "Aleppos", "Assads": a possessive whose apostrophe the text lost, unless it is a name of its own;
            # not for a generated place, whose many alternate names would take other names ("Marde" + s)
            owned = {" ".join([*keys[:-1], keys[-1] + "s"]): [*keys[:-1], keys[-1] + "s"] for keys in patterns.values()
                     if not keys[-1].endswith("s") and keys[-1][-1:].isalpha() and entity_id not in self._generated}
            patterns.update({key: keys for key, keys in owned.items() if key not in taken})
            label = f"{entity_type}:{entity_id}"
            self._matcher.add(label, [Doc(self._vocab, words=keys) for keys in patterns.values()])
            self._entities[self._vocab.strings[label]] = (entity_type, entity_id)

    def _acronym(self, token: Token) -> bool:
        """Whether a word of an alias is an acronym (names.yml `acronyms`): in capitals, with enough letters."""
        return token.text.isupper() and sum(c.isalpha() for c in token.text) >= self._acronym_letters

    def _in_capitals(self, doc: Doc, words: list[_Word], first: int, last: int) -> bool:
        """Whether the text writes in capitals every word that the matched alias writes as an acronym (a
        long one in title case too: "Sana", "Isis")."""
        capitals = self._capitals.get(tuple(word.key for word in words[first:last]), frozenset())
        texts = [doc[words[first + at].token].text for at in capitals]
        return all(text.isupper() or (text.istitle() and len(text) >= self._title_case_letters) for text in texts)

    def _inside_longer_name(self, doc: Doc, words: list[_Word], first: int, last: int) -> bool:
        """Whether words[first:last] is cut from a longer name that the reference data does not know: the
        match begins names of the reference data that go on with the Arabic article ("Ahrar" of "Ahrar
        al-Sham"), and the text goes on with the article and another capitalised word ("Ahrar al-Sahel");
        or it ends such names ("Assad" of "Bashar al-Assad"), and the text has a capitalised word right
        before its article ("Hafez al-Assad")."""
        keys = tuple(word.key for word in words[first:last])
        if keys in self._continued and last < len(words):
            after = words[last]
            if after.article == words[last - 1].token + 1 and _capitalised(doc[after.token]):
                return True
        article = words[first].article
        if keys in self._preceded and article is not None and first:
            before = doc[words[first - 1].token]
            return before.i + 1 == article and before.whitespace_ == " " and before.is_alpha and before.is_title \
                and not before.is_stop and not before.like_num
        return False

    def _learn_longer_names(self, keys: list[str], words: list[_Word]) -> None:
        """Note the beginnings and ends of an alias that the Arabic article separates."""
        for at in range(1, len(words)):
            if words[at].article is not None:
                self._continued.add(tuple(keys[:at]))
                self._preceded.add(tuple(keys[at:]))

    def _candidates(self, doc: Doc, words: list[_Word]) -> set[tuple[int, int, str, str]]:
        """Every match of an alias as (start, end, entity_type, entity_id), overlapping ones included."""
        keys = Doc(self._vocab, words=[word.key for word in words])
        found = set()
        for match_id, first, last in self._matcher(keys):
            head = words[first]
            entity = self._entities[match_id]
            if self._inside_longer_name(doc, words, first, last) or not self._in_capitals(doc, words, first, last) or \
                    (entity[1] in self._generated and not _capitalised(doc[head.token])):
                continue
            start = head.start if head.article is None else doc[head.article].idx
            found.add((start, words[last - 1].end, *entity))
        return found

    def confirmed(self, sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
        """The mentions of a sentence without the generated places its parse does not read as a place's
        name (names.yml `generated_places`)."""
        return [m for m in mentions if m.entity_id not in self._generated or (
            self._named_place(sentence, m) and not (m.entity_id in self._abroad and self._names_a_site(sentence, m)))]

    def _names_a_site(self, sentence: Sentence, mention: Mention) -> bool:
        """Whether the name modifies a word for a site ("the Al-Quds hospital", "the Cairo ... checkpoints"):
        then it is the site's name, not the place abroad (names.yml `generated_places` abroad_not_before)."""
        if sentence.doc is None:
            return False
        tokens = _tokens(sentence.doc, mention.start - sentence.start, mention.end - sentence.start)
        if not tokens:
            return False
        root = _root(tokens)
        if any(child.dep_ in ("appos", "conj") and child.lemma_.lower() in self._sites for child in root.children):
            return True  # the parse may make a list's first name its head, and the site noun its apposition or conjunct
        return root.dep_ != "pobj" and _up_conjuncts(root.head).lemma_.lower() in self._sites

    def _named_place(self, sentence: Sentence, mention: Mention) -> bool:
        """Whether the parse reads the mention as a place's name (names.yml `generated_places`): no
        capitalised proper noun next to it joins it into a longer name ("Kafar Jales" is not "Jales",
        "Malik Kasab" not Kasab), and the parse labels it a place, or it is the object of a place
        preposition or the modifier of a place noun ("in Ehsim", "the town of Marea", "al-Hader town"),
        or a conjunct of such an object ("Azaz and nearby Marea")."""
        doc = sentence.doc
        if doc is None:
            return True
        start, end = mention.start - sentence.start, mention.end - sentence.start
        tokens = _tokens(doc, start, end)
        if not tokens:
            return True
        inside = {t.i for t in tokens}
        neighbours = [doc[i] for i in (tokens[0].i - 1, tokens[-1].i + 1) if 0 <= i < len(doc)]
        for near in neighbours:
            joined = near.head.i in inside or any(t.head.i == near.i for t in tokens)
            if joined and near.pos_ == "PROPN" and near.is_alpha and _capitalised(near):
                return False
        if any(e.label_ in self._place_labels for e in doc.ents if e.start_char < end and start < e.end_char):
            return True
        root = _up_conjuncts(_root(tokens))
        return root.head.lemma_.lower() in self._place_nouns or (
            root.dep_ == "pobj" and (root.head.lemma_.lower() in self._place_preps
                                     or root.head.head.lemma_.lower() in self._place_nouns))

    def read_actors(self, sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
        """The mentions of a sentence with each place that stands for an actor (a state's country or
        capital) read as that actor where the parse makes the place act (names.yml `places_as_actors`)."""
        doc = sentence.doc
        if doc is None or not any(m.entity_id in self._actor_of_place for m in mentions):
            return mentions
        read = []
        for mention in mentions:
            actor = self._actor_of_place.get(mention.entity_id) if mention.entity_type == "place" else None
            if actor is not None and self._acts(doc, mention.start - sentence.start, mention.end - sentence.start):
                mention = Mention("actor", actor, mention.surface, mention.start, mention.end)
            read.append(mention)
        return read

    def _acts(self, doc: Doc, start: int, end: int) -> bool:
        """Whether the name at [start, end) of the sentence is the subject of a verb of action, a possessor,
        the agent of a passive, or a conjunct of one of these."""
        tokens = _tokens(doc, start, end)
        if not tokens:
            return False
        root = _up_conjuncts(_root(tokens))
        if root.dep_ == "pobj":
            return root.head.dep_ in self._agent_deps
        return root.dep_ in self._acting_deps and not (root.dep_ == "nsubj" and root.head.lemma_.lower() in self._not_acting)

    def find(self, text: str) -> list[Mention]:
        """Non-overlapping mentions in `text`, in text order; overlaps go to the longest match."""
        doc = pipeline().tokenizer(text)  # the tokenizer alone: no length limit, no parse
        candidates = sorted(self._candidates(doc, self.forms.words(doc)), key=lambda c: (c[0] - c[1], c))
        taken: list[tuple[int, int, str, str]] = []
        spans = _Spans()
        for candidate in candidates:
            if spans.free(candidate[0], candidate[1]):
                taken.append(candidate)
                spans.add(candidate[0], candidate[1])
        taken.sort()
        return [Mention(t[2], t[3], text[t[0]:t[1]], t[0], t[1]) for t in taken]

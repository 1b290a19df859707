"""Figures of a parsed sentence: what each number counts, its category and qualifier.

The counted noun is the number's dependency head ("24 civilians"), or the object of its "of"
("dozens of civilians"). The category comes from that noun when it names a thing counted for itself
(air strikes, barrel bombs, km), else from the nearest governing word going up the parse: the verb the
counted phrase is the object or passive subject of ("Air raids kill 24": 24 killed), an adjective or
participle beside it ("12 others wounded", "five people dead"), a noun it is "of" ("the lives of 129"),
what a verb of suffering names ("20 others suffered from suffocation"). Where the parse hangs a count on the
wrong word, the participle right after it still decides ("100 people killed and over 400 wounded"), as does
the verb before a comma-less attribution ("killed 13 people MSF said"); "six of them" after a count is a
share of it, in its category. The qualifier comes from the number's own left modifiers ("at least", "more than"). All words are in
seeds/reference/extraction/figures.yml (sections `numbers` and `figures`); this module only walks the parse.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..errors import BuildError
from .model import parse, pipeline
from .numbers import Number, NumberReader
from .structure import Sentence

PEOPLE = "people"
UNKNOWN_UNIT = "unknown"  # what the number counts could not be read; the figure goes to its article's review report
OTHER = "other"
CLIMB = 6  # steps up the parse from a number to its governing word
DATA_FILE = "extraction/figures.yml"


@dataclass(frozen=True)
class NotUnderstood:
    """A number phrase the figure reader could not read; listed in the article's review report."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Figure:
    """A numeric claim found in a sentence; offsets are absolute in the article body."""

    sentence: Sentence
    number_start: int
    number_end: int
    value: float
    value_low: float | None
    value_high: float | None
    qualifier: str
    category: str
    unit: str  # what the value counts or measures: people, strikes, km …
    subject: str
    is_part: bool  # a sub-count of a larger figure ("including eight children")
    cumulative: bool = False  # a running total of the whole war: it belongs to no single event
    value_word: str | None = None  # the vague word ("a number of", "dozens"); `value` is then its low bound


def _lemmas(token: Token) -> set[str]:
    """The token's lemma; for a capitalised word the parse took for a name (a headline's "Killed", "Kills"),
    also the lemmatizer's reading of it as a verb and as a noun."""
    lemmas = {token.lemma_.lower()}
    if token.pos_ == "PROPN" and (token.is_title or token.is_upper):
        lemmatizer, pos = pipeline().get_pipe("lemmatizer"), token.pos_
        for reading in ("VERB", "NOUN"):
            token.pos_ = reading
            lemmas.update(lemma.lower() for lemma in lemmatizer.rule_lemmatize(token))
        token.pos_ = pos
    return lemmas


def _doc(sentence: Sentence) -> Doc:
    return sentence.doc if sentence.doc is not None else parse([sentence.text])[0]


class FigureFinder:
    """Figures of a sentence, read from its parse with the figures data."""

    def __init__(self, data: dict):
        self.numbers = NumberReader(data["numbers"])
        spec = data["figures"]
        self.qualifiers = {tuple(p.split()): q for q, group in spec["qualifiers"].items() for p in group["words"]}
        self.not_counted = set(spec["not_counted_nouns"]["lemmas"]) | set(spec["months"]["lemmas"])
        self.person_nouns = set(spec["person_nouns"]["lemmas"])
        self.through_preps = set(spec["through_prepositions"]["lemmas"])
        self.part_preps = set(spec["part_of"]["lemmas"])
        self.named_again = set(spec["named_again"]["determiners"])
        self.beside_deps = set(spec["beside_dependencies"]["labels"])
        self.suffering = set(spec["suffering"]["lemmas"])
        self.suffering_preps = set(spec["suffering"]["prepositions"])
        self.subject_verbs = set(spec["subject_counted"]["lemmas"]) | self.suffering
        self.part_verbs = set(spec["part_verbs"]["lemmas"])
        self.share_pronouns = set(spec["shares"]["pronouns"])
        self.toll_verbs = set(spec["toll_verbs"]["lemmas"])
        self.noun_categories: list[tuple[str, tuple[str, ...]]] = []  # (category, lemmas of the counted noun)
        self.governed: dict[str, list[tuple[str, set[str]]]] = {}  # governor lemma → [(category, required nouns)]
        categories = [(entry.get("category", name), entry) for name, entry in spec["categories"].items()]
        self.fallback_nouns = {noun: category for category, entry in categories
                               for noun in entry.get("fallback_nouns") or []}
        for category, entry in categories:
            nouns = {n for n in entry.get("nouns") or []}
            if entry.get("governors"):
                for lemma in entry["governors"]:
                    self.governed.setdefault(lemma, []).append((category, nouns))
            elif nouns:
                self.noun_categories.append((category, tuple(sorted(nouns, key=len, reverse=True))))
        self.category_units = dict(spec["units"]["by_category"])
        self.noun_units = dict(spec["units"]["by_noun"])
        missing = {category for category, _ in categories} - set(self.category_units) - {"distance", OTHER}
        if missing:
            raise BuildError(f"{DATA_FILE}: units.by_category gives no unit for {', '.join(sorted(missing))}")
        cumulative = spec["cumulative"]
        self.cumulative = {prep: set(words) for prep, words in cumulative["objects"].items()}
        self.anywhere = set(cumulative["anywhere"])
        self.war_subjects = set(cumulative["subjects"])
        beyond = cumulative["beyond_any_event"]
        self.beyond_any_event = (beyond["at_least"], set(beyond["categories"]))
        self.reporting_verbs = set(data["claimants"]["reporting_verbs"]["lemmas"])
        self.report_subject = data["claimants"]["count_before_report"]["subject_dependency"]
        tolls = data["claimants"]["toll_reports"]
        self.toll_givers, self.toll_objects = set(tolls["verbs"]), set(tolls["objects"])
        self.toll_values = set(tolls["value_prepositions"])

    # -- what the number counts ----------------------------------------------------------------

    def _counted(self, doc: Doc, number: Number) -> tuple[Token, Token | None, bool] | None:
        """(phrase head, counted noun, partitive): "24 civilians" → civilians, civilians; "dozens of
        civilians" → dozens, civilians; "Five of them" → Five, them, partitive; "killing 14" → 14, None."""
        top = number.top(doc)
        if top.dep_ in ("nummod", "quantmod", "amod", "compound") and top.head.i > number.last:
            hedge = self._hedge_preposition(doc, number, top.head)
            return (hedge if hedge is not None else top.head), top.head, False
        if top.dep_ == "nummod" and top.head.i < number.first:
            return None  # "Aug 9", "Resolution 2118": a name or a date, counting nothing
        for child in top.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return top, objects[0], number.vague is None  # "one of many camps"; not "dozens of civilians"
        return top, None, False

    def _hedge_preposition(self, doc: Doc, number: Number, noun: Token) -> Token | None:
        """A hedge the parse read as a preposition governing the counted noun ("seize over a dozen villages":
        "over" → villages): the hedge, through which the count hangs on its verb."""
        before = doc[number.first - 1] if number.first > 0 else None
        if (before is not None and noun.dep_ == "pobj" and noun.head == before
                and (before.lower_,) in self.qualifiers):
            return before
        return None

    @staticmethod
    def _words(noun: Token) -> set[str]:
        """The lemmas of a noun and of its compounds and adjectives."""
        return {t.lemma_.lower() for t in noun.lefts if t.dep_ in ("compound", "amod")} | {noun.lemma_.lower()}

    @staticmethod
    def _noun_key(noun: Token) -> str:
        """The counted noun with its compounds, lemmatised: "barrel bomb", "air strike"."""
        words = [c.lemma_.lower() for c in noun.lefts if c.dep_ == "compound"] + [noun.lemma_.lower()]
        return " ".join(words)

    def _noun_category(self, noun: Token | None) -> str | None:
        if noun is None:
            return None
        key = self._noun_key(noun)
        for category, nouns in self.noun_categories:
            if any(key == n or key.endswith(" " + n) for n in nouns):
                return category
        return None

    def _governed(self, token: Token, noun: Token | None) -> str | None:
        """The category `token` gives the counted noun when it governs it, if any."""
        described = " ".join([t.lemma_.lower() for t in token.lefts if t.dep_ in ("compound", "amod")] + [token.lemma_.lower()])
        return self._governed_key(_lemmas(token) | {self._noun_key(token), described}, noun)  # "respiratory problems"

    def _governed_key(self, words: set[str] | str, noun: Token | None) -> str | None:
        """The category governing words (lemmas, or a noun with its compounds) give the counted noun."""
        words = {words} if isinstance(words, str) else words
        key = self._noun_key(noun) if noun is not None else ""
        lemma = noun.lemma_.lower() if noun is not None else ""
        entries = [entry for word in words for entry in self.governed.get(word, [])]
        for category, nouns in entries:
            if nouns and (lemma in nouns or key in nouns):
                return category
        return next((category for category, nouns in entries if not nouns), None)

    def _beside(self, token: Token, noun: Token | None, skip: Token | None) -> str | None:
        """A category word hanging beside the counted phrase: "12 others wounded", "leaving five dead"; at a
        verb also "were among the dead" and a toll as subject ("the toll reached 51")."""
        verb = token.pos_ in ("VERB", "AUX")
        for child in token.children:
            if child == skip:
                continue
            if child.dep_ in self.beside_deps and not self._counts_own(child):
                # not a word with a count of its own ("killed 30 people injured 90": injured counts the 90)
                category = self._governed(child, noun)
                if category:
                    return category
            if verb and child.dep_ == "prep" and child.lower_ in self.part_preps:
                for obj in (c for c in child.children if c.dep_ == "pobj"):
                    category = self._governed(obj, noun) or self._beside(obj, noun, None)  # "among those killed"
                    if category:
                        return category
            if verb and child.dep_ == "prep" and child.lower_ in self.suffering_preps and token.lemma_.lower() in self.suffering:
                category = self._suffered(child, noun)
                if category:
                    return category
            if verb and child.dep_ == "nsubj" and token.lemma_.lower() in self.toll_verbs:
                category = self._governed(child, noun) or self._of_category(child, noun)
                if category:
                    return category
        return None

    def _suffered(self, prep: Token, noun: Token | None) -> str | None:
        """The category of what a count suffered from: "suffocation", "breathing difficulties" (which the parse
        may read as a gerund and its object)."""
        for obj in (c for c in prep.children if c.dep_ in ("pobj", "pcomp")):
            category = self._governed(obj, noun)
            for thing in (c for c in obj.children if c.dep_ == "dobj" and not category):
                category = self._governed(thing, noun) or self._governed_key(f"{obj.lower_} {self._noun_key(thing)}", noun)
            if category:
                return category
        return None

    @staticmethod
    def _counts_own(word: Token) -> bool:
        """A category word with a count as its own object ("killed 30 people injured 90")."""
        return any(c.dep_ == "dobj" and (c.like_num or any(g.dep_ == "nummod" for g in c.children))
                   for c in word.children)

    def _of_category(self, token: Token, noun: Token | None) -> str | None:
        """The category of a noun's "of" object ("the number of victims", "the number of fighters killed")."""
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                category = self._governed(obj, noun) or self._beside(obj, noun, None)
                if category:
                    return category
        return None

    def _whole(self, head: Token) -> Token | None:
        """The larger count a sub-count belongs to: "18 people including five children" → people."""
        token = head
        while token.dep_ == "conj" and token.head != token:
            token = token.head
        if token.dep_ != "pobj" or token.head.lower_ not in self.part_preps or token.head.head == token.head:
            return None
        whole = token.head.head
        if whole.pos_ in ("VERB", "AUX"):  # "were killed including two babies": the verb's count
            counted = [c for c in whole.children if c.dep_ in ("dobj", "nsubjpass")]
            return counted[0] if counted else whole
        return whole

    def _category(self, head: Token, noun: Token | None) -> tuple[str, Token | None]:
        """The category and the word that gave it, going up the parse from the counted phrase."""
        noun_category = self._noun_category(noun)
        if noun_category:
            return noun_category, noun
        whole = self._whole(head)
        if whole is not None:  # a sub-count takes the category of the count it is part of
            category, governor = self._climb(whole, whole if whole.pos_ in ("NOUN", "PROPN") else None)
            if category != OTHER:
                return category, governor
        if noun is not None and noun != head:  # "dozens of wounded", "hundreds of injured civilians"
            category = self._governed(noun, noun) or self._beside(noun, noun, None)
            if category:
                return category, noun
        category, governor = self._climb(head, noun)
        if category == OTHER and noun is not None:
            category, governor = self._before_report(noun) or (category, governor)
        if category == OTHER:
            category, governor = self._toll_given(head) or (category, governor)
        if category == OTHER and noun is not None and noun.lemma_.lower() in self.fallback_nouns:
            return self.fallback_nouns[noun.lemma_.lower()], noun  # "mustered 10,000 fighters"
        return category, governor

    def _own_word(self, doc: Doc, number: Number, noun: Token | None) -> tuple[str | None, Token | None]:
        """A count followed by the participle or adjective it is the subject of, which the parse hung elsewhere
        ("100 people killed and over 400 wounded", "14 people were killed 25 were wounded", "leaving 50 martyrs
        and more than 200 others wounded"): that word's category. Not for an object ("killed 14 injured 20") nor
        a word that governs a count of its own."""
        phrase = noun if noun is not None and noun.i > number.last else number.top(doc)
        if phrase.dep_ in ("dobj", "pobj", "nummod") or (phrase == noun and phrase.dep_ != "conj"):
            return None, None
        i = phrase.i + 1 if phrase == noun else number.last + 1
        while i < len(doc) and doc[i].pos_ == "AUX":
            i += 1
        if i >= len(doc) or doc[i].pos_ not in ("VERB", "ADJ") or doc[i].tag_ not in ("VBN", "JJ"):
            return None, None
        if i + 1 < len(doc) and (doc[i + 1].like_num or doc[i + 1].tag_ == "CD"):
            return None, None
        category = self._governed(doc[i], None)
        return (category, doc[i]) if category else (None, None)

    def _toll_given(self, head: Token) -> tuple[str, Token] | None:
        """A count in the "at" phrase of a verb putting a toll ("puts the death toll from the conflict at more than
        470,000 people", however the parse hangs the "at"): the toll's category."""
        through_value = False
        for token in head.ancestors:
            through_value = through_value or (token.dep_ == "prep" and token.lower_ in self.toll_values)
            if token.pos_ == "VERB" and token.lemma_.lower() in self.toll_givers:
                tolls = [c for c in token.children if c.dep_ == "dobj" and c.lemma_.lower() in self.toll_objects]
                category = self._governed(tolls[0], None) if tolls and through_value else None
                return (category, tolls[0]) if category else None
        return None

    def _before_report(self, noun: Token) -> tuple[str, Token] | None:
        """"... also wounded more than 60 people said the Observatory", "killed 13 people MSF said", "the death toll
        reached 330 overnight civil defence sources told": without its comma the sentence is parsed with the counted
        phrase as (part of) the subject of the reporting verb; the word just before the count governs it (a verb,
        or the verb a "to" hangs on), or the toll that verb has as its subject."""
        subject = noun.head if noun.dep_ == "compound" and noun.head.i == noun.i + 1 else noun
        if (subject.dep_ != self.report_subject or subject.head.lemma_.lower() not in self.reporting_verbs
                or noun.left_edge.i == 0):
            return None
        before = noun.doc[noun.left_edge.i - 1]
        if before.dep_ == "prep" and before.lower_ in self.through_preps and before.head.pos_ == "VERB":
            before = before.head  # a toll that "rose to N" before "a monitor said"
        if before.pos_ != "VERB":
            return None
        category = self._governed(before, noun) or (
            self._beside(before, None, None) if before.lemma_.lower() in self.toll_verbs else None)
        return (category, before) if category else None

    def _climb(self, head: Token, noun: Token | None) -> tuple[str, Token | None]:
        """Up the parse from the counted phrase to the first word that gives it a category."""
        token, previous = head, None
        for _ in range(CLIMB):
            category = self._governed(token, noun)
            if category:
                return category, token
            category = self._beside(token, noun, previous)
            if category:
                return category, token
            if token.pos_ in ("VERB", "AUX") and token.dep_ != "prep" and token != head:
                if token.lemma_.lower() in self.part_verbs:  # "those killed include 14 children"
                    for subject in (c for c in token.children if c.dep_ == "nsubj"):
                        category = self._governed(subject, noun) or self._beside(subject, noun, None)
                        if category:
                            return category, subject
                break  # the clause of the count ends at its verb
            if (token.dep_ == "nsubj" and any(c.dep_ == "dobj" for c in token.head.children)
                    and token.head.lemma_.lower() not in self.subject_verbs):
                break  # the subject of a transitive verb is its agent, not what it did to
            if token.dep_ == "pobj" and token.head.lower_ not in self.through_preps | self.part_preps:
                break  # "killed in the two attacks": the attacks are not the killed
            if token.dep_ == "ROOT":
                break
            previous, token = token, token.head
        return OTHER, None

    # -- qualifier, part, cumulative -------------------------------------------------------------

    def _qualifier(self, doc: Doc, number: Number) -> str:
        """The hedge written as the number's own left modifiers ("at least", "more than", "some")."""
        top = number.top(doc)
        subtree = {t.i for t in top.subtree}
        hedge = self._hedge_preposition(doc, number, top.head)
        if hedge is not None:
            subtree.add(hedge.i)
        for child in top.head.lefts:  # "Some 120 fighters": the hedge may hang on the counted noun
            if child.i < number.first:
                subtree |= {t.i for t in child.subtree}
        left = []
        i = number.first - 1
        while i >= 0 and i in subtree and len(left) < 4:
            left.insert(0, doc[i].lower_)
            i -= 1
        for size in range(len(left), 0, -1):
            qualifier = self.qualifiers.get(tuple(left[-size:]))
            if qualifier:
                return qualifier
        return "exact"

    def _is_part(self, head: Token) -> bool:
        """A sub-count: "including 21 children", "19 children were among the dead"."""
        token = head
        while token.dep_ == "conj":
            token = token.head
        if token.dep_ == "pobj" and token.head.lower_ in self.part_preps:
            return True
        if token.dep_ in ("nsubj", "nsubjpass") and any(c.dep_ == "prep" and c.lower_ in self.part_preps
                                                        for c in token.head.children):
            return True
        return False

    @staticmethod
    def _phrase_words(noun: Token) -> set[str]:
        """The words naming a noun phrase: its head, compounds and adjectives, and the object of its "of"
        ("the start of the war" → start, war)."""
        words = {t.lemma_.lower() for t in noun.lefts if t.dep_ in ("compound", "amod", "nmod", "poss")}
        words |= {t.lower_ for t in noun.lefts if t.dep_ in ("compound", "amod")}  # "war-ravaged": war
        words.add(noun.lemma_.lower())
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                words |= {obj.lemma_.lower()} | {t.lemma_.lower() for t in obj.lefts if t.dep_ in ("compound", "poss")}
        return words

    def _beyond_any_event(self, category: str, low: float | None) -> bool:
        """A toll larger than any single event's: the war's running total, however it is told."""
        at_least, categories = self.beyond_any_event
        return category in categories and low is not None and low >= at_least

    def _cumulative(self, clause: Token) -> bool:
        """A running total of the war: "since the war began", "since 2011" anywhere in the count's clause, or the
        count's verb modified by "in the conflict" (not "in an attack that took the war to …")."""
        for token in clause.subtree:
            words = self.cumulative.get(token.lower_)
            if not words:
                continue
            if token.dep_ == "mark":  # "since the war began"
                scope = set(token.head.subtree)
            elif token.dep_ == "prep" and token.head == clause:  # "killed in the conflict", "since the start"
                scope = {w for obj in token.children if obj.dep_ == "pobj" for w in self._phrase_tokens(obj)}
            elif token.dep_ == "prep" and token.lower_ in self.anywhere:  # "since the start of the war"
                scope = set(token.subtree)
            else:
                continue
            if any(t.lemma_.lower() in words or t.lower_ in words for t in scope):
                return True
        return self._war_as_subject(clause)

    def _war_as_subject(self, clause: Token) -> bool:
        """The war itself as the subject of the count's verb: "the conflict has claimed the lives of 470,000",
        "Syria's war has left more than 320,000 people dead", "the civil war, which has killed 300,000"."""
        for subject in (c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")):
            if subject.tag_ in ("WDT", "WP") and clause.dep_ == "relcl":
                subject = clause.head
            if subject.lemma_.lower() in self.war_subjects:
                return True
        return False

    @staticmethod
    def _phrase_tokens(noun: Token) -> list[Token]:
        """A noun with the words of its compounds and adjectives ("war-ravaged") and the object of its "of"."""
        heads = [noun] + [obj for prep in noun.children if prep.dep_ == "prep" and prep.lower_ == "of"
                          for obj in prep.children if obj.dep_ == "pobj"]
        return [t for head in heads for left in head.lefts if left.dep_ in ("compound", "amod", "nmod", "poss")
                for t in left.subtree] + heads

    # -- the figures of a sentence ---------------------------------------------------------------

    def _unit(self, category: str, noun: Token | None) -> str:
        lemma = noun.lemma_.lower() if noun is not None else None
        if lemma in self.noun_units:
            return self.noun_units[lemma]
        if category in self.category_units:
            return self.category_units[category]
        return PEOPLE if lemma in self.person_nouns or noun is None else UNKNOWN_UNIT

    @staticmethod
    def _subject(noun: Token | None, governor: Token | None, category: str) -> str:
        if noun is not None:
            words = [t for t in noun.lefts if t.dep_ in ("compound", "amod")] + [noun]
            return " ".join(t.text for t in words)
        return governor.text if governor is not None else category

    def _bounds(self, number: Number, qualifier: str) -> tuple[float | None, float | None]:
        if number.vague:
            return number.value, number.high
        if qualifier in ("at_least", "more_than"):
            return number.value, None
        if qualifier in ("nearly", "up_to", "fewer_than"):
            return None, number.value
        if qualifier == "about":
            return None, None
        return number.value, number.value

    def _figure(self, sentence: Sentence, doc: Doc, number: Number) -> Figure | None:
        counted = self._counted(doc, number)
        if counted is None:
            return None
        head, noun, partitive = counted
        if noun is not None and self._words(noun) & self.not_counted:
            return None  # "seven days", "2 min read"
        if noun is None and self.numbers.could_be_year(number, doc):
            return None
        category, governor = self._own_word(doc, number, noun)
        if category is None:
            category, governor = self._category(head, noun)
        if category == OTHER and noun is not None and any(c.dep_ == "det" and c.lower_ in self.named_again
                                                          for c in noun.lefts):
            return None  # "stormed the two regime bases": things counted before, named again
        if category == OTHER and (noun is None or partitive):
            return None  # a bare number counting nothing named ("one of the largest bases")
        qualifier = "vague" if number.vague else self._qualifier(doc, number)
        low, high = self._bounds(number, qualifier)
        clause = governor if governor is not None and governor.pos_ in ("VERB", "AUX") else head.sent.root
        start, end = doc[number.first], doc[number.last]
        return Figure(
            sentence=sentence,
            number_start=sentence.start + start.idx,
            number_end=sentence.start + end.idx + len(end.text),
            value=number.value,
            value_low=low,
            value_high=high,
            qualifier=qualifier,
            category=category,
            unit=self._unit(category, noun),
            subject=self._subject(noun, governor, category),
            is_part=self._is_part(head),
            cumulative=self._cumulative(clause) or self._beyond_any_event(category, low),
            value_word=number.vague,
        )

    def find(self, sentence: Sentence, not_understood: list[NotUnderstood] | None = None) -> list[Figure]:
        """Every numeric claim in the sentence; number words text2num cannot read go to `not_understood`."""
        doc = _doc(sentence)
        numbers, unreadable = self.numbers.read(doc)
        if not_understood is not None:
            for item in unreadable:
                start, end = doc[item.first].idx, doc[item.last].idx + len(doc[item.last].text)
                not_understood.append(NotUnderstood(sentence.start + start, sentence.start + end, item.text,
                                                    "number words that text2num cannot value"))
        figures: list[Figure] = []
        for number in numbers:
            figure = self._figure(sentence, doc, number)
            if ((figure is None or figure.category == OTHER) and figures and figures[-1].category != OTHER
                    and self._of_pronoun(doc, number)):
                figure = self._share(sentence, doc, number, figures[-1])
            if figure is not None:
                figures.append(figure)
        return figures

    def _of_pronoun(self, doc: Doc, number: Number) -> bool:
        """A share of a count named before ("25 civilians six of them children", "109 evacuees 13 of whom were
        women"): the number's "of" takes a pronoun, however the parse hangs the number itself. Read only when the
        number has no category of its own ("killing 14 of them" has)."""
        after = doc[number.last + 1:number.last + 3]
        return (len(after) == 2 and after[0].lower_ == "of" and after[1].pos_ == "PRON"
                and after[1].lemma_.lower() in self.share_pronouns)

    def _share(self, sentence: Sentence, doc: Doc, number: Number, whole: Figure) -> Figure:
        """A share of the count before it: that count's category and unit, a part of it."""
        start, end = doc[number.first], doc[number.last]
        qualifier = "vague" if number.vague else self._qualifier(doc, number)
        low, high = self._bounds(number, qualifier)
        return Figure(sentence=sentence, number_start=sentence.start + start.idx,
                      number_end=sentence.start + end.idx + len(end.text), value=number.value, value_low=low,
                      value_high=high, qualifier=qualifier, category=whole.category, unit=whole.unit,
                      subject=doc[number.first:number.last + 3].text, is_part=True, cumulative=whole.cumulative,
                      value_word=number.vague)

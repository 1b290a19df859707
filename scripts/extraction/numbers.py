"""Numbers of a parsed sentence: number tokens and their compounds, valued with text2num.

A number is a run of tokens the parse reads as a number (`like_num`, tag CD), hyphens and "and" inside
a run of number words included ("Twenty-one" = 21, "one hundred and twenty" = 120). Words are valued by
text2num, digits by Python, "1.5 million" as both; a fraction of a round number ("a quarter of a million")
by the data's fraction words. Vague words ("dozens", "a number of") come from the data with their
conservative low bound. Clock times, dates, ordinals and years are not numbers here: the parse's entity
label (DATE, TIME, ORDINAL) and the data's year range decide, except for digits labelled a date that can be
neither a year nor a clock time and count a noun ("5812 civilians").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from text_to_num import text2num

_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_JOINERS = ("-", "and")  # inside a run of number words: "twenty - one", "one hundred and twenty"
ROUND = (12, 100, 1000, 10**6, 10**9)  # what a fraction can be a fraction of: "half a dozen", "a quarter of a million"


@dataclass(frozen=True)
class Number:
    """A number in a sentence: tokens [first, last] of its doc; `vague` is the vague word when it is one."""

    first: int
    last: int
    value: float
    high: float | None = None  # the largest value a vague word implies (None: open-ended or exact)
    vague: str | None = None

    def top(self, doc: Doc) -> Token:
        """The token of the number the rest of the sentence hangs it on (its syntactic head)."""
        tokens = doc[self.first:self.last + 1]
        return tokens.root


@dataclass(frozen=True)
class Unreadable:
    """A run of number words text2num refuses ("five five"): token span and text."""

    first: int
    last: int
    text: str


class NumberReader:
    """Reads numbers from a doc with the `numbers` section of seeds/reference/extraction/figures.yml."""

    def __init__(self, data: dict):
        self.not_entities = set(data["not_number_entities"])
        self.years = range(data["years"]["first"], data["years"]["last"] + 1)
        self.vague: dict[str, list[tuple[tuple[str, ...], dict]]] = {}  # first word → (phrase's words, spec)
        for phrase, spec in data["vague"].items():
            self.vague.setdefault(phrase.split()[0], []).append((tuple(phrase.split()), spec))
        self.word_values = {word: spec["value"] for word, spec in data.get("number_nouns", {}).items()}
        self.fractions = dict(data["fractions"]["words"])

    def _is_number_token(self, token: Token) -> bool:
        return ((token.like_num or token.tag_ == "CD" or token.lower_ in self.word_values) and not token.is_punct
                and any(c.isalnum() for c in token.text))

    def _vague_at(self, doc: Doc, i: int) -> tuple[int, dict, str] | None:
        """(last token, spec, phrase) of the longest vague phrase starting at token i."""
        best = None
        for words, spec in self.vague.get(doc[i].lower_, ()):
            end = i + len(words)
            if end <= len(doc) and tuple(t.lower_ for t in doc[i:end]) == words:
                if best is None or len(words) > best[0] + 1 - i:
                    best = (end - 1, spec, " ".join(words))
        return best

    def _fraction_at(self, doc: Doc, i: int) -> Number | None:
        """A fraction of a round number starting at token i: "a quarter of a million", "half a dozen"."""
        first = i
        if doc[i].lower_ == "a":
            i += 1
        if i >= len(doc) or doc[i].lower_ not in self.fractions:
            return None
        fraction, j = self.fractions[doc[i].lower_], i + 1
        for word in ("of", "a"):
            if j < len(doc) and doc[j].lower_ == word:
                j += 1
        if j >= len(doc) or not self._is_number_token(doc[j]) or doc[j].text[:1].isdigit():
            return None
        value = self._words_value([doc[j].lower_])
        if value not in ROUND:
            return None
        return Number(first, j, fraction * value)

    def _value(self, words: list[Token]) -> float | None:
        """The value of a run of number tokens; None when it is not a number."""
        text = " ".join(t.lower_ for t in words if t.lower_ != "-")
        digits = [t for t in words if t.text[:1].isdigit()]
        if digits:
            head = digits[0].text
            if not _DIGITS.fullmatch(head):
                return None
            value = float(head.replace(",", ""))
            rest = [t.lower_ for t in words if t.i != digits[0].i]
            if not rest:
                return value
            multiplier = self._words_value(rest)
            return value * multiplier if multiplier else None
        return self._words_value(text.split())

    def _words_value(self, words: list[str]) -> float | None:
        if len(words) == 1 and words[0] in self.word_values:
            return float(self.word_values[words[0]])
        try:
            return float(text2num(" ".join(words), "en"))
        except ValueError:
            return None

    def _runs(self, doc: Doc) -> list[list[Token]]:
        """Maximal runs of number tokens, with the hyphens and "and" joining number words."""
        runs: list[list[Token]] = []
        i = 0
        while i < len(doc):
            if not self._is_number_token(doc[i]):
                i += 1
                continue
            run = [doc[i]]
            j = i + 1
            while j < len(doc):
                if self._is_number_token(doc[j]) and not doc[j].text[:1].isdigit():
                    run.append(doc[j])
                elif (doc[j].lower_ in _JOINERS and j + 1 < len(doc) and self._is_number_token(doc[j + 1])
                      and not doc[j + 1].text[:1].isdigit() and not run[-1].text[:1].isdigit()):
                    run += [doc[j], doc[j + 1]]
                    j += 1
                else:
                    break
                j += 1
            runs.append(run)
            i = j
        return runs

    def _split(self, run: list[Token]) -> list[list[Token]] | None:
        """A run text2num cannot value as a whole, cut at its "and"s into the longest pieces it can value
        ("one hundred and five and six" = 105, 6); None when a piece between "and"s is no number."""
        parts, current = [], []
        for token in run:
            if token.lower_ == "and":
                parts.append(current)
                current = []
            else:
                current.append(token)
        parts = [p for p in parts + [current] if p]
        if len(parts) < 2:
            return None
        pieces, i = [], 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                words = [t for part in parts[i:j] for t in part]
                if self._value(words) is not None:
                    first, last = parts[i][0].i, parts[j - 1][-1].i
                    pieces.append([t for t in run if first <= t.i <= last])
                    i = j
                    break
            else:
                return None
        return pieces

    def _mislabelled_count(self, run: list[Token]) -> bool:
        """Digits the parse labelled a date that can be neither a year nor a clock time and count the noun they
        modify ("5812 civilians", "On Tuesday 25 people were killed")."""
        token = run[0]
        if len(run) > 1 or not _DIGITS.fullmatch(token.text) or token.ent_type_ != "DATE":
            return False
        value = float(token.text.replace(",", ""))
        if len(token.text) == 4 and int(token.text[:2]) < 24 and int(token.text[2:]) < 60:
            return False  # "1211": a clock time as much as a count
        return (int(value) not in self.years and token.dep_ == "nummod" and token.head.i > token.i
                and token.head.pos_ == "NOUN" and token.head.ent_type_ != "DATE")

    def could_be_year(self, number: Number, doc: Doc) -> bool:
        """Four digits in the data's year range ("in 2011"): a year unless the number counts a noun."""
        text = doc[number.first].text
        return number.first == number.last and len(text) == 4 and text.isdigit() and int(text) in self.years

    def read(self, doc: Doc) -> tuple[list[Number], list[Unreadable]]:
        """The numbers of a doc in order, and the runs of number words that could not be valued."""
        numbers: list[Number] = []
        unreadable: list[Unreadable] = []
        taken: set[int] = set()
        for i in range(len(doc)):
            fraction = self._fraction_at(doc, i)
            if fraction is not None and not taken.intersection(range(i, fraction.last + 1)):
                numbers.append(fraction)
                taken.update(range(i, fraction.last + 1))
                continue
            found = self._vague_at(doc, i)
            if found and not taken.intersection(range(i, found[0] + 1)):
                last, spec, phrase = found
                numbers.append(Number(i, last, float(spec["low"]), spec.get("high"), phrase))
                taken.update(range(i, last + 1))
        for run in self._runs(doc):
            if taken.intersection(t.i for t in run) or (
                    any(t.ent_type_ in self.not_entities for t in run) and not self._mislabelled_count(run)):
                continue
            pieces = [run] if self._value(run) is not None else self._split(run)
            if pieces is None:
                first = run[0].i - (1 if run[0].i > 0 and doc[run[0].i - 1].lower_ == "a" else 0)
                if not run[0].text[:1].isdigit():
                    unreadable.append(Unreadable(first, run[-1].i, doc[first:run[-1].i + 1].text))
                continue
            for piece in pieces:
                first, last = piece[0].i, piece[-1].i
                if first > 0 and doc[first - 1].lower_ == "a" and not piece[0].text[:1].isdigit():
                    first -= 1  # "a hundred", "a dozen"
                numbers.append(Number(first, last, self._value(piece)))
        numbers.sort(key=lambda n: n.first)
        return numbers, unreadable

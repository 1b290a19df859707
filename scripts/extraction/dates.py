"""Dates of a parsed sentence: the parse's DATE and TIME entities, resolved against the publication date.

dateparser reads an entity (its longest readable ending: "early Sunday" is read as "Sunday") with
`RELATIVE_BASE` = the publication date; its period gives the precision ("last month" is the previous
calendar month, "last week" the previous Monday–Sunday). Where dateparser's reading is not the coding
rule, the rules of seeds/reference/extraction/dates.yml apply: a weekday alone is the latest such day on
or before publication, and so is a weekday with a number that does not make a date of that weekday ("on
Wednesday seven of them children", "on Friday 16 people"); a weekday's possessive written without its
apostrophe ("Thursdays attack") is that weekday; "the past two days", "recent weeks" count back from
publication; "since Monday" (or "since Wednesday afternoon") runs to publication; "between December 15
and January 6" spans both ends; a count of time units ("two days", "five-year") is a duration, not a date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.tokens import Span, Token
from text_to_num import text2num

from .structure import Sentence

WEEKDAYS = [calendar.day_name[n] for n in range(7)]  # Monday first, as date.weekday()
MONTHS = set(calendar.month_name[1:])
MONTH_ABBREVIATION = 3  # "Sep", "Sept.", "Oct.": at least this many first letters of a month's name
ENTITY_LABELS = ("DATE", "TIME")
FIRST_YEAR = 1900  # a four-digit number before it (or after publication) is no year


@dataclass(frozen=True)
class DateMention:
    """A resolved date expression: offsets in the article, the days it covers, and its head token."""

    start: int
    end: int
    first: date
    last: date
    precision: str  # day, week, month, year
    basis: str  # explicit or relative
    head: int = -1  # index of the expression's root token in the sentence's doc

    def token(self, sentence: Sentence) -> Token:
        return sentence.doc[self.head]


def span_precision(first: date, last: date) -> str:
    """What a coder can claim of the days first..last."""
    days = (last - first).days + 1
    return "day" if days == 1 else "week" if days <= 7 else "month" if days <= 31 else "year"


@lru_cache(maxsize=64)
def _parser(published: date) -> DateDataParser:
    base = datetime(published.year, published.month, published.day)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first"}
    return DateDataParser(languages=["en"], settings=settings)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _period(day: date, period: str) -> tuple[date, date, str]:
    """The days of dateparser's period around `day`."""
    if period == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31), "year"
    if period == "month":
        return day.replace(day=1), _month_end(day), "month"
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6), "week"
    return day, day, "day"


def _month_name(token: Token) -> str | None:
    """The month a word names: "September", "Sep", "Sept." (and "Oct." …) are September (October …)."""
    word = token.text.rstrip(".").capitalize()
    if len(word) < MONTH_ABBREVIATION:
        return None
    return next((month for month in MONTHS if month.startswith(word)), None)


def _on_weekday(found: tuple[date, date, str] | None, name: str) -> bool:
    """Whether a reading is a day that falls on the weekday named ("Wednesday 26" read as a Wednesday)."""
    return found is not None and found[2] == "day" and found[0].weekday() == WEEKDAYS.index(name)


def _count(tokens: list[Token]) -> int | None:
    """The number the tokens give ("two", "24"), if any."""
    for token in tokens:
        if token.like_num:
            text = token.text.replace(",", "")
            try:
                return int(text) if text.isdigit() else text2num(token.lower_, "en")
            except ValueError:
                continue
    return None


def time_phrase_root(token: Token) -> Token:
    """The head of the time phrase a date word modifies: "afternoon" for "Wednesday" in "since Wednesday
    afternoon" (the phrase's words are the parse's DATE/TIME words)."""
    while token.dep_ in ("compound", "nmod", "amod") and token.head.ent_type_ in ENTITY_LABELS and token.head.i != token.i:
        token = token.head
    return token


def _indefinite(token: Token) -> bool:
    """"a day": the unit counted once."""
    return any(c.dep_ == "det" and "Ind" in c.morph.get("Definite") for c in token.children)


class DateFinder:
    """Date expressions of one article's sentences, resolved against its publication date."""

    def __init__(self, data: dict, published: date):
        self.published = published
        self.units = {word: unit for unit, words in data["units"]["words"].items() for word in words}
        self.ago = set(data["ago"]["words"])
        self.back = set(data["back"]["words"])
        self.plural_spans = data["back"]["plural_spans"]
        self.since = set(data["since"]["words"])
        self.phrases = {word: spec for spec in data["phrases"] for word in spec["words"]}
        self.possessive_deps = set(data["possessive_weekdays"]["dependencies"])

    # -- reading one entity --------------------------------------------------------------------

    def weekday_name(self, token: Token) -> str | None:
        """The weekday the token names: "Friday", or "Thursdays" in "Thursdays attack" (a possessive written
        without its apostrophe, modifying a noun), else None."""
        if token.text in WEEKDAYS:
            return token.text
        if token.text[:-1] in WEEKDAYS and token.text.endswith("s") and token.dep_ in self.possessive_deps \
                and token.head.pos_ == "NOUN":
            return token.text[:-1]
        return None

    def _weekday(self, name: str) -> date:
        """The latest such weekday on or before the publication date (news reports look back)."""
        wanted = WEEKDAYS.index(name)
        return self.published - timedelta(days=(self.published.weekday() - wanted) % 7)

    def _back(self, unit: str, count: int) -> tuple[date, date, str]:
        """The `count` units up to publication ("the past two days": publication and the day before)."""
        days = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}[unit] * count
        first = self.published - timedelta(days=max(round(days), 1) - 1)
        return first, self.published, span_precision(first, self.published)

    def _phrase(self, spec: dict) -> tuple[date, date, str]:
        if spec.get("weekend"):  # the latest Saturday–Sunday that ended before publication
            sunday = self.published - timedelta(days=(self.published.weekday() - 6) % 7 or 7)
            return sunday - timedelta(days=1), sunday, "week"
        first = self.published - timedelta(days=int(spec["days"]) - 1)
        return first, self.published, span_precision(first, self.published)

    def _parsed(self, tokens: list[Token]) -> tuple[date, date, str] | None:
        """dateparser's reading of the longest readable ending of the tokens."""
        for n in range(len(tokens)):
            text = "".join(t.text_with_ws for t in tokens[n:]).strip(" -")
            if not text or all(t.like_num or t.is_punct for t in tokens[n:]) and not self._year(tokens[n:]):
                return None
            data = _parser(self.published).get_date_data(text)
            if data.date_obj is not None:
                return _period(data.date_obj.date(), data.period or "day")
        return None

    def _range(self, tokens: list[Token]) -> tuple[date, date, str] | None:
        """"between December 15 and January 6", "from 24 to 26 March": the days from one end to the other
        (a conjunction, or a preposition between two numbers, with a readable date on each side)."""
        for n, token in enumerate(tokens[1:-1], start=1):
            between_numbers = token.pos_ == "ADP" and tokens[n - 1].tag_ == "CD" and tokens[n + 1].tag_ == "CD"
            if token.pos_ != "CCONJ" and not between_numbers:  # "between X and Y", "24 to 26 March"
                continue
            left, right = tokens[:n], tokens[n + 1:]
            ends = self._parsed(left), self._parsed(right)
            if ends[0] is None and all(t.like_num for t in left[-1:]) and right and right[0].like_num:
                # "24 to 26 March": the left end is read with the right end's month and year
                text = left[-1].text + " " + "".join(t.text_with_ws for t in right[1:])
                data = _parser(self.published).get_date_data(text.strip())
                ends = (_period(data.date_obj.date(), "day") if data.date_obj else None), ends[1]
            if ends[0] is None or ends[1] is None:
                continue
            first, last = ends[0][0], ends[1][1]
            if first > last:  # "between December 15 and January 6": December of the year before
                first = first.replace(year=first.year - 1)
            return first, last, span_precision(first, last)
        return None

    def _year(self, tokens: list[Token]) -> bool:
        return any(t.text.isdigit() and len(t.text) == 4 and FIRST_YEAR <= int(t.text) <= self.published.year
                   for t in tokens)

    def read(self, entity: Span) -> tuple[date, date, str, str] | None:
        """(first, last, precision, basis) of a DATE/TIME entity, or None when it is no date."""
        tokens = [t for t in entity if not t.is_space]
        lemmas = {t.lemma_.lower() for t in tokens}
        names = [_month_name(t) or self.weekday_name(t) for t in tokens if _month_name(t) or self.weekday_name(t)]
        basis = "explicit" if any(n in MONTHS for n in names) or self._year(tokens) else "relative"
        units = [self.units[t.lemma_.lower()] for t in tokens if t.lemma_.lower() in self.units]
        phrase = next((self.phrases[t.lemma_.lower()] for t in tokens if t.lemma_.lower() in self.phrases), None)
        if phrase and not names:
            return (*self._phrase(phrase), "relative")
        counted = _count(tokens) is not None or any(t.tag_ == "NNS" or _indefinite(t) for t in tokens
                                                     if t.lemma_.lower() in self.units)
        if units and lemmas & self.back and not names and (counted or tokens[0].lemma_ == "the"):
            unit = units[-1]
            if _count(tokens) is None and any(t.tag_ == "NNS" for t in tokens):
                unit = self.plural_spans.get(unit, unit)  # "recent days": the past week
            return (*self._back(unit, _count(tokens) or 1), "relative")
        if units and counted and not lemmas & self.ago and not names and not self._year(tokens):
            return None  # "two days", "a five-year war", "for months": a duration
        weekdays = [n for n in names if n in WEEKDAYS]
        found = None if weekdays and basis == "relative" and not any(t.like_num for t in tokens) else \
            self._range(tokens) or self._parsed(tokens)
        if weekdays and basis == "relative" and not _on_weekday(found, weekdays[0]):
            day = self._weekday(weekdays[0])  # "Wednesday", or "Wednesday seven": no date of that Wednesday
            return day, day, "day", "relative"
        if found is None or found[0] > self.published:
            return None
        first, last, precision = found
        return first, min(last, self.published), precision, basis

    # -- one sentence --------------------------------------------------------------------------

    def _since(self, entity: Span) -> bool:
        """"since Monday", "since Wednesday afternoon": the entity's time phrase is the object of a word of `since`."""
        root = time_phrase_root(entity.root)
        return root.dep_ == "pobj" and root.head.lemma_.lower() in self.since

    def find(self, sentence: Sentence) -> list[DateMention]:
        """Every date expression of the sentence, in text order."""
        if sentence.doc is None:
            return []
        found: list[DateMention] = []
        entities = [e for e in sentence.doc.ents if e.label_ in ENTITY_LABELS]
        covered = {t.i for e in entities for t in e}
        # a weekday the entity recogniser left out ("on Monday morning seized": only "morning" is TIME;
        # "Thursdays attack")
        entities += [sentence.doc[t.i:t.i + 1] for t in sentence.doc if t.i not in covered and (
            t.text in WEEKDAYS and t.pos_ == "PROPN" or t.text not in WEEKDAYS and self.weekday_name(t))]
        for entity in sorted(entities, key=lambda e: e.start):
            read = self.read(entity)
            if read is None:
                continue
            first, last, precision, basis = read
            if self._since(entity):
                last = self.published
                precision = span_precision(first, last)
            start = sentence.start + entity.start_char
            found.append(DateMention(start, sentence.start + entity.end_char, first, last, precision, basis,
                                     time_phrase_root(entity.root).i))
        return found

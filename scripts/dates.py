"""Find date expressions in a sentence and resolve them against the article's publication date."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Month names are matched capitalised, on the original text, so "may" the verb is not a date.
_DAY_MONTH = rf"\d{{1,2}}\s+(?:{MONTHS})(?:,?\s+\d{{4}})?"
_MONTH_DAY = rf"(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s*\d{{4}})?(?!\d)"
_MONTH_YEAR = rf"(?:(?:early|mid|late)[- ]?)?(?:{MONTHS})(?:\s+\d{{4}})?"
_YEAR = r"(?<=\bin\s)(?:19|20)\d\d\b|(?<=\bsince\s)(?:19|20)\d\d\b"
EXPLICIT = re.compile(rf"\b(?:{_DAY_MONTH}|{_MONTH_DAY}|{_MONTH_YEAR})|{_YEAR}")
SPAN = re.compile(rf"\bbetween\s+({_DAY_MONTH}|{_MONTH_DAY})\s+and\s+({_DAY_MONTH}|{_MONTH_DAY})")
PRECISION_BY_PERIOD = {"day": "day", "week": "week", "month": "month", "year": "year"}


@dataclass(frozen=True)
class DateMention:
    """A resolved date expression: absolute offsets in the article and the days it covers."""

    start: int
    end: int
    first: date
    last: date
    precision: str  # day, week, month, year
    basis: str  # explicit or relative


@lru_cache(maxsize=64)
def _parser(published: date) -> DateDataParser:
    base = datetime(published.year, published.month, published.day)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first"}
    return DateDataParser(languages=["en"], settings=settings)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _parse_explicit(text: str, published: date) -> tuple[date, date, str] | None:
    cleaned = re.sub(r"^(?:early|mid|late)[- ]?", "", text)
    cleaned = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", cleaned)
    data = _parser(published).get_date_data(cleaned)
    if data.date_obj is None:
        return None
    first = data.date_obj.date()
    period = PRECISION_BY_PERIOD.get(data.period or "day", "day")
    if period == "month":
        return first.replace(day=1), _month_end(first), "month"
    if period == "year":
        return first.replace(month=1, day=1), first.replace(month=12, day=31), "year"
    return first, first, "day"


def span_precision(first: date, last: date) -> str:
    days = (last - first).days + 1
    return "day" if days == 1 else "week" if days <= 7 else "month" if days <= 31 else "year"


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _resolve_relative(rule: dict, published: date) -> tuple[date, date, str]:
    precision = rule["precision"]
    if rule.get("weekend"):
        saturday = published - timedelta(days=(published.weekday() - 5) % 7)
        if saturday == published:
            saturday -= timedelta(days=7)
        return saturday, saturday + timedelta(days=1), precision
    if "offset_months" in rule:
        first = _shift_months(published, rule["offset_months"])
        return first, _month_end(first), precision
    if "offset_years" in rule:
        year = published.year + rule["offset_years"]
        return date(year, 1, 1), date(year, 12, 31), precision
    day = published + timedelta(days=rule.get("offset_days", 0))
    if precision == "week" and "span_days" not in rule:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6), precision
    return day - timedelta(days=max(rule.get("span_days", 1) - 1, 0)), day, precision


class DateFinder:
    """Date expressions of one article, resolved against its publication date."""

    def __init__(self, lexicon: dict, published: date):
        self.published = published
        self.relative = lexicon["relative"]
        names = sorted(self.relative, key=len, reverse=True)
        self._relative_re = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.I)
        days = "|".join(d.capitalize() for d in lexicon["weekdays"])
        self._weekday_re = re.compile(
            rf"\b(since\s+)?(?:(?:early|late)\s+(?:on\s+)?)?({days})(?:\s+(?:morning|night|evening|afternoon))?\b"
        )
        self._weekdays = [d.lower() for d in lexicon["weekdays"]]

    def _weekday(self, name: str) -> date:
        """The latest such weekday on or before the publication date (news reports look back)."""
        wanted = self._weekdays.index(name.lower())
        return self.published - timedelta(days=(self.published.weekday() - wanted) % 7)

    def find(self, text: str, offset: int = 0) -> list[DateMention]:
        """Every date expression in `text` (a sentence starting at `offset` in the body)."""
        found: list[DateMention] = []
        taken: list[tuple[int, int]] = []

        def add(start: int, end: int, first: date, last: date, precision: str, basis: str) -> None:
            if any(start < t_end and end > t_start for t_start, t_end in taken):
                return
            taken.append((start, end))
            found.append(DateMention(offset + start, offset + end, first, last, precision, basis))

        for match in SPAN.finditer(text):
            ends = [_parse_explicit(match.group(i), self.published) for i in (1, 2)]
            if all(ends):
                first, last = ends[0][0], ends[1][1]
                if first > last:
                    first = first.replace(year=first.year - 1)
                add(match.start(), match.end(), first, last, span_precision(first, last), "explicit")
        for match in EXPLICIT.finditer(text):
            parsed = _parse_explicit(match.group(), self.published)
            if parsed:
                add(match.start(), match.end(), *parsed, "explicit")
        for match in self._weekday_re.finditer(text):
            day = self._weekday(match.group(2))
            last = self.published if match.group(1) else day  # "since Monday": from then to the report
            add(match.start(), match.end(), day, last, span_precision(day, last), "relative")
        for match in self._relative_re.finditer(text):
            first, last, precision = _resolve_relative(self.relative[match.group().lower()], self.published)
            add(match.start(), match.end(), first, last, precision, "relative")
        return sorted(found, key=lambda d: d.start)

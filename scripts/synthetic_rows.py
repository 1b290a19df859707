"""Synthetic rows for `make bench-site`: a build's tables scaled to any number of events.

The rows of a real build are copied as often as it takes: copy 0 keeps the real ids, copy c gives every
article, event and figure the id suffix `-x{c}` and moves its dates by a whole number of days within the
years the war has covered, so that facets by month, place and actor spread as in the real data. Events copy
with their actors and mentions, figures with their events, articles (about one for ten events) with their
mentions, annotations and unresolved names. Actors, places, their aliases and the other reference tables are
the real ones: a bigger corpus names more events, not more places.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator

FIRST_DAY = datetime.date(2011, 1, 1)  # dates of copies wrap within FIRST_DAY .. FIRST_DAY + SPAN_DAYS
SPAN_DAYS = 15 * 365
DAY_STEP = 37  # copy c moves its dates by c * DAY_STEP days (mod SPAN_DAYS): a prime, so copies spread


def _copy_id(value: str | None, copy: int) -> str | None:
    return value if value is None or copy == 0 else f"{value}-x{copy}"


def _moved(value: str | None, copy: int) -> str | None:
    """The ISO date `value` moved for `copy`, kept within the span (None and partial dates as they are)."""
    if not value or copy == 0 or len(value) != 10:
        return value
    day = datetime.date.fromisoformat(value)
    offset = ((day - FIRST_DAY).days + copy * DAY_STEP) % SPAN_DAYS
    return (FIRST_DAY + datetime.timedelta(days=offset)).isoformat()


class Scale:
    """How many copies of events, figures and articles make the wanted sizes."""

    def __init__(self, rows: dict[str, list[dict]], events: int, figures: int, articles: int) -> None:
        self.events = max(1, math.ceil(events / max(1, len(rows["events"]))))
        self.figures = max(1, math.ceil(figures / max(1, len(rows["figures"]))))
        self.articles = max(1, math.ceil(articles / max(1, len(rows["articles"]))))

    def article_of_event(self, event_copy: int) -> int:
        return event_copy % self.articles

    def event_of_figure(self, figure_copy: int) -> int:
        return figure_copy % self.events


def _events(rows: list[dict], scale: Scale) -> Iterator[dict]:
    for copy in range(scale.events):
        for row in rows:
            yield {**row, "event_id": _copy_id(row["event_id"], copy),
                   "part_of_event_id": _copy_id(row["part_of_event_id"], copy),
                   "event_date": _moved(row["event_date"], copy), "event_date_end": _moved(row["event_date_end"], copy)}


def _by_event(rows: list[dict], scale: Scale) -> Iterator[dict]:
    """event_actors and event_mentions: with their event's copy (and its articles' copy)."""
    for copy in range(scale.events):
        article_copy = scale.article_of_event(copy)
        for row in rows:
            moved = {**row, "event_id": _copy_id(row["event_id"], copy)}
            if "article_id" in row:
                moved["article_id"] = _copy_id(row["article_id"], article_copy)
            yield moved


def _figures(rows: list[dict], scale: Scale) -> Iterator[dict]:
    for copy in range(scale.figures):
        event_copy = scale.event_of_figure(copy)
        for row in rows:
            yield {**row, "figure_id": _copy_id(row["figure_id"], copy),
                   "part_of_figure_id": _copy_id(row["part_of_figure_id"], copy),
                   "event_id": _copy_id(row["event_id"], event_copy),
                   "article_id": _copy_id(row["article_id"], scale.article_of_event(event_copy))}


def _articles(rows: list[dict], scale: Scale) -> Iterator[dict]:
    for copy in range(scale.articles):
        for row in rows:
            yield {**row, "article_id": _copy_id(row["article_id"], copy),
                   "duplicate_of_article_id": _copy_id(row["duplicate_of_article_id"], copy),
                   "published_date": _moved(row["published_date"], copy)}


def _by_article(rows: list[dict], scale: Scale) -> Iterator[dict]:
    """mentions, unresolved_mentions, collection_annotations: with their article's copy."""
    for copy in range(scale.articles):
        for row in rows:
            yield {**row, "article_id": _copy_id(row["article_id"], copy)}


def _collections(rows: list[dict], scale: Scale) -> Iterator[dict]:
    for row in rows:
        yield {**row, "article_count": row["article_count"] * scale.articles}


SCALED = {"events": _events, "event_actors": _by_event, "event_mentions": _by_event, "figures": _figures,
          "articles": _articles, "mentions": _by_article, "unresolved_mentions": _by_article,
          "collection_annotations": _by_article, "collections": _collections}


def scaled_table(name: str, rows: list[dict], scale: Scale) -> Iterator[dict]:
    """The rows of table `name` at `scale` (a table that does not grow: its rows as they are)."""
    return SCALED[name](rows, scale) if name in SCALED else iter(rows)

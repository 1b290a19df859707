"""The ids of extracted rows, made from their evidence only: the article and character offsets.

An id never depends on what is read from the evidence (a date, a type, a place, an actor, a count),
so it stays the same when that reading is refined, when a review is applied, or when an article is
added. The article id is its readable prefix; `e` marks an event, `f` a figure. A reviewer's
correction is numbered within its article's review file.
"""

from __future__ import annotations

import re

_FIGURE_ID = re.compile(r"^(?P<article>.+)-f(?P<start>\d+)-(?P<end>\d+)$")


def event_id(article_id: str, sentence_start: int, sentence_end: int, ordinal: int = 1) -> str:
    """An event's id, from its first report: the article, the start and end of the sentence, and the
    report's ordinal among the events that sentence reports (1, the first, is left out)."""
    suffix = f"-{ordinal}" if ordinal > 1 else ""
    return f"{article_id}-e{sentence_start}-{sentence_end}{suffix}"


def figure_id(article_id: str, number_start: int, number_end: int) -> str:
    """A figure's id: the article and the start and end of its number in the text."""
    return f"{article_id}-f{number_start}-{number_end}"


def figure_number(figure_id_: str) -> tuple[int, int] | None:
    """The offsets of the number a figure id was made from (None for an id not made by figure_id)."""
    found = _FIGURE_ID.match(figure_id_)
    return (int(found["start"]), int(found["end"])) if found else None


def review_id(article_id: str, position: int) -> str:
    """A correction's id: its article and its position in the article's review file (1, 2, …)."""
    return f"{article_id}-{position}"

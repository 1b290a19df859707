"""Split an article body into sentences with exact character offsets (pysbd inside each paragraph), each
with its spaCy parse (scripts/extraction/model.py).

A paragraph longer than the limits' max_paragraph_chars is given to pysbd in pieces, and a sentence
longer than max_sentence_chars is cut into pieces, so that no text costs more than its length
(seeds/reference/limits.yml; a news article's paragraphs and sentences are far below both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import pysbd
from spacy.tokens import Doc

from .extraction.model import parse
from .limits import Limits

# Where a long paragraph is cut: after a sentence end (the white space after it is left out), else at white space.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(\s+)")
_SPACE = re.compile(r"(\s+)")


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: `body[start:end] == text`, stripped of surrounding white space."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str
    doc: Doc | None = field(default=None, compare=False, repr=False)  # the parse of `text`

    def __reduce__(self):
        """Pickled without its parse: the extraction cache keeps offsets and text, not spaCy's objects."""
        return Sentence, (self.index, self.paragraph, self.start, self.end, self.text)


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def _spans_in_paragraph(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans within one paragraph, located in order so repeated sentences keep their place."""
    spans = []
    cursor = 0
    for piece in _segmenter().segment(paragraph):
        text = piece.sent.strip()
        if not text:
            continue
        start = paragraph.find(text, cursor)
        if start < 0:  # pysbd changed the text; fall back to the rest of the paragraph
            start = cursor + (len(paragraph[cursor:]) - len(paragraph[cursor:].lstrip()))
            spans.append((start, len(paragraph.rstrip())))
            break
        spans.append((start, start + len(text)))
        cursor = start + len(text)
    return spans


@lru_cache(maxsize=4096)  # more than the searches one sentence asks for
def found_before(pattern: re.Pattern[str], sentence: Sentence, offset: int) -> bool:
    """Whether `pattern` is found in the sentence's text before body offset `offset`. Remembered: every event
    word of a sentence asks it of each actor and place of the sentence, which would cost the cube of its length."""
    return pattern.search(sentence.text[: offset - sentence.start]) is not None


def _last_cut(window: str, pattern: re.Pattern[str]) -> tuple[int, int] | None:
    """(end of the piece, start of the next) at the last match of `pattern` in the window that leaves text before it."""
    last = None
    for match in pattern.finditer(window):
        if match.start(1) > 0:
            last = match.span(1)
    return last


def _pieces(text: str, start: int, end: int, limit: int, cuts: tuple[re.Pattern[str], ...]) -> list[tuple[int, int]]:
    """Spans of at most `limit` characters covering text[start:end], cut at the last match of the first of
    `cuts` found in each window, else at the limit; white space around a piece is left out."""
    spans = []
    while end - start > limit:
        window = text[start:start + limit]
        cut = next((c for c in (_last_cut(window, p) for p in cuts) if c), (limit, limit))
        spans.append((start, start + cut[0]))
        start += cut[1]
    spans.append((start, end))
    stripped = []
    for first, last in spans:
        piece = text[first:last]
        first, last = first + len(piece) - len(piece.lstrip()), last - len(piece) + len(piece.rstrip())
        if last > first:
            stripped.append((first, last))
    return stripped


def read_sentences(body: str, limits: Limits | None = None) -> Iterator[Sentence]:
    """Every sentence of `body` in order, each paragraph (a line) segmented on its own, one paragraph piece
    at a time as they are asked for (a reader that stops early leaves the rest of the text unread)."""
    index = 0
    for number, line in enumerate(re.finditer(r"[^\n]+", body)):
        paragraph = line.group()
        if not paragraph.strip():
            continue
        pieces = [(0, len(paragraph))] if limits is None or len(paragraph) <= limits.max_paragraph_chars else \
            _pieces(paragraph, 0, len(paragraph), limits.max_paragraph_chars, (_SENTENCE_END, _SPACE))
        for piece_start, piece_end in pieces:
            found = []
            for start, end in _spans_in_paragraph(paragraph[piece_start:piece_end]):
                start, end = piece_start + start, piece_start + end
                spans = [(start, end)] if limits is None or end - start <= limits.max_sentence_chars else \
                    _pieces(paragraph, start, end, limits.max_sentence_chars, (_SPACE,))
                found += [(line.start() + first, line.start() + last) for first, last in spans]
            for (start, end), doc in zip(found, parse([body[start:end] for start, end in found]), strict=True):
                yield Sentence(index, number, start, end, body[start:end], doc)
                index += 1

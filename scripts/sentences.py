"""Split an article body into sentences with exact character offsets (pysbd inside each paragraph)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: `body[start:end] == text`, stripped of surrounding white space."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str


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


def split_sentences(body: str) -> list[Sentence]:
    """Every sentence of `body`, in order; each paragraph (a line) is segmented on its own."""
    sentences: list[Sentence] = []
    for number, line in enumerate(re.finditer(r"[^\n]+", body)):
        if not line.group().strip():
            continue
        for start, end in _spans_in_paragraph(line.group()):
            absolute = line.start() + start
            text = body[absolute : line.start() + end]
            sentences.append(Sentence(len(sentences), number, absolute, absolute + len(text), text))
    return sentences

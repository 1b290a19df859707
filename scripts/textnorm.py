"""Text normalisation for matching: a length-preserving fold of article text.

Offsets found in the folded text are valid in the original because the fold maps every character
to exactly one character. Library transliterators (unidecode, slugify) change the length of the
text, which would break `body[start:end] == quote`, so this small fold is written by hand.
"""

from __future__ import annotations

import unicodedata
from functools import cache

_SAME_AS = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u02bf": "'", "\u02be": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ",
}


@cache  # a text has few distinct characters: each is folded once
def _fold_char(char: str) -> str:
    char = _SAME_AS.get(char, char)
    lower = char.lower()
    if len(lower) != 1:
        return char
    base = unicodedata.normalize("NFD", lower)[0]
    return base if base.isascii() or not lower.isascii() else lower


def fold(text: str) -> str:
    """Lower-case, diacritic-free, straight-quoted copy of `text` with the same length."""
    folded = "".join(_fold_char(c) for c in text)
    assert len(folded) == len(text)
    return folded

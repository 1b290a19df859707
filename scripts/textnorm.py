"""Text normalisation for matching: a length-preserving fold of article text and alias patterns.

Offsets found in the folded text are valid in the original because the fold maps every character
to exactly one character. Library transliterators (unidecode, slugify) change the length of the
text, which would break `body[start:end] == quote`, so this small fold is written by hand.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_SAME_AS = {
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u02bf": "'", "\u02be": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ",
}

# Arabic definite-article spellings that transliterations use interchangeably (al-Sham, a-Sham,
# ash-Sham, el-Sham ...). Only hyphen-joined or capitalised forms count as the article, so the
# English words "a", "as", "an", "at" are not mistaken for it.
ARTICLE_FORMS = ("al", "a", "el", "ash", "as", "ad", "ar", "az", "at", "an", "ath", "adh")
_ARTICLE_RE = "(?:" + "|".join(sorted(set(ARTICLE_FORMS), key=len, reverse=True)) + ")"


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


def _tokens(alias: str) -> list[tuple[str, bool]]:
    """Tokens of an alias, each flagged when it is an Arabic article joined to the next word."""
    folded = fold(alias).strip()
    parts = re.split(r"(\s+|-)", folded)
    tokens: list[tuple[str, bool]] = []
    for index in range(0, len(parts), 2):
        word = parts[index]
        if not word:
            continue
        joiner = parts[index + 1] if index + 1 < len(parts) else ""
        is_article = word in ARTICLE_FORMS and (joiner == "-" or (word in ("al", "el") and joiner.strip() == ""))
        is_article = is_article and index + 2 < len(parts)
        tokens.append((word, is_article))
    return tokens


def alias_key(alias: str) -> str:
    """Canonical form of an alias (articles dropped): aliases with the same key match the same text."""
    words = [word.replace("'", "") for word, is_article in _tokens(alias) if not is_article]
    return " ".join(words)


def alias_literals(alias: str) -> list[str]:
    """Pieces of folded text that every match of the alias's pattern contains (its words, without articles)."""
    return [part for word, is_article in _tokens(alias) if not is_article for part in word.split("'") if part]


def alias_pattern(alias: str) -> str:
    """Regular expression (for folded text) matching the alias with its spelling variants."""
    pieces = []
    for word, is_article in _tokens(alias):
        if is_article:
            pieces.append(f"(?:{_ARTICLE_RE}[\\s-]+)?")
            continue
        body = "'?".join(re.escape(part) for part in word.split("'"))
        pieces.append(body + "(?:[\\s-]+|$)")
    pattern = "".join(pieces)
    if pattern.endswith("(?:[\\s-]+|$)"):
        pattern = pattern[: -len("(?:[\\s-]+|$)")]
    pattern = pattern.replace("(?:[\\s-]+|$)", "[\\s-]+")
    if not pattern.startswith("(?:"):
        pattern = f"(?:{_ARTICLE_RE}-)?" + pattern  # "a-Nusra" is a spelling of "Nusra"
    return rf"(?<![a-z0-9']){pattern}(?![a-z0-9])"

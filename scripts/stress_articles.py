"""Pathological article texts, made to a given size: the inputs that once held a build for minutes.

`make bench` times the extractor on them and the tests build them (tests/test_limits.py). Each text
starts with its title line, so that it can be a seed article of its own.
"""

from __future__ import annotations

from itertools import cycle
from pathlib import Path

# Words of an event report, for the long sentence and the run of capitalised words.
REPORT_WORDS = "rebels attacked the village near the base and the regime shelled the town of Idlib".split()


def _words(words, size: int) -> str:
    """The words repeated, space-separated, to at least `size` characters."""
    out: list[str] = []
    length = 0
    for word in cycle(words):
        if length >= size:
            break
        out.append(word)
        length += len(word) + 1
    return " ".join(out)


def numbers(count: int) -> str:
    """`count` numbers in one paragraph, without a full stop."""
    return " ".join(str(n) for n in range(count))


def long_sentence(size: int) -> str:
    """One sentence of event words, `size` characters long, without punctuation."""
    return _words(REPORT_WORDS, size)


def long_word(size: int) -> str:
    """One word of `size` letters."""
    return "a" * size


def capitalised_run(size: int) -> str:
    """A run of capitalised words, `size` characters long."""
    return _words([w.capitalize() for w in REPORT_WORDS], size)


def repeated_text(articles: list[Path], size: int) -> str:
    """Realistic text: the given articles' texts, one after another and again, to `size` characters."""
    text = "\n\n".join(path.read_text(encoding="utf-8").strip() for path in articles)
    return (text * (size // len(text) + 1))[:size]


def article(title: str, body: str) -> str:
    """An article file's text: its title line, then the body."""
    return f"{title}\n\n{body}\n"

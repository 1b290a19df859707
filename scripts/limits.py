"""The bounds on one article's extraction (seeds/reference/limits.yml) and the clock of its time budget."""

from __future__ import annotations

import time
from dataclasses import dataclass, fields
from pathlib import Path

from .shapes import check_shape
from .yaml_in import read_yaml

LIMITS_FILE = "limits.yml"


@dataclass(frozen=True)
class Limits:
    """How large an article may be, how long its paragraphs and sentences are read, and for how long."""

    max_article_bytes: int
    max_paragraph_chars: int
    max_sentence_chars: int
    article_seconds: float


def read_limits(path: Path) -> dict:
    """The limits file, checked against schemas/limits.schema.json (both its parts)."""
    loaded = read_yaml(path, "reference file")
    check_shape(loaded, path, "limits.schema.json")
    return loaded


def extraction_limits(checked: dict) -> Limits:
    """The bounds on one article's extraction, from a checked limits file."""
    return Limits(**{field.name: checked[field.name] for field in fields(Limits)})


def load_limits(path: Path) -> Limits:
    """The bounds on one article's extraction in the limits file at `path`."""
    return extraction_limits(read_limits(path))


class Deadline:
    """The moment an article's extraction must stop; checked by the extractor between pieces of work."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self._start = time.monotonic()
        self._end = None if seconds is None else self._start + seconds

    def passed(self) -> bool:
        return self._end is not None and time.monotonic() >= self._end

    def elapsed(self) -> float:
        return time.monotonic() - self._start

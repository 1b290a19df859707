"""Write articles into a seeds folder: the text file and its row of the metadata file.

One writer for every way articles come in: `make add-article` appends one article to seeds/, the
collection importer writes a whole folder. The metadata columns are defined here once.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

METADATA_FILE = "articles.csv"
# Columns of a seeds folder's metadata file. The first ten are required in every folder; the two after
# them are written by the importer: whether the title is printed in the text (a collection's headline
# column may be cut or carry site furniture), and the article an identical text was imported as first.
METADATA_COLUMNS = ("seed_file", "title", "publisher", "published_date", "published_date_basis", "published_date_note",
                    "url", "byline", "language", "rights", "title_in_text", "duplicate_of")
REQUIRED_METADATA_COLUMNS = METADATA_COLUMNS[:10]


def seed_file_name(article_id: str) -> str:
    return f"{article_id}.txt"


def metadata_row(fieldnames: list[str] | tuple[str, ...], values: dict[str, str]) -> str:
    """The CSV line of one article, in the metadata file's own column order and quoting."""
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=list(fieldnames), lineterminator="\n").writerow(
        {name: values.get(name, "") for name in fieldnames})
    return buffer.getvalue()


def metadata_file(rows: list[dict[str, str]], fieldnames: tuple[str, ...] = METADATA_COLUMNS) -> bytes:
    """A whole metadata file: header, then one line per article in the order given."""
    header = metadata_row(fieldnames, dict(zip(fieldnames, fieldnames, strict=True)))
    return (header + "".join(metadata_row(fieldnames, row) for row in rows)).encode("utf-8")


def append_metadata(existing: bytes, fieldnames: list[str], values: dict[str, str]) -> bytes:
    """The metadata file with one more article at its end."""
    row = metadata_row(fieldnames, values).encode("utf-8")
    return existing + (b"" if existing.endswith(b"\n") or not existing else b"\n") + row


@contextmanager
def metadata_lock(seeds_dir: Path) -> Iterator[None]:
    """Hold the seeds folder's lock (waiting for another holder to finish) around a read-modify-write of it,
    so that two `make add-article` at once do not both read the metadata file and each write it back with
    only its own row. The lock is on the folder itself: no lock file is left in it."""
    folder = os.open(seeds_dir, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # releases the lock

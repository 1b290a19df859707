"""Read the seed articles and their hand-kept metadata file, refusing bad input with a clear message."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import BuildError
from .textnorm import fold

METADATA_FILE = "articles.csv"
REQUIRED_COLUMNS = ("seed_file", "title", "publisher", "published_date", "published_date_basis", "language")
DATE_BASES = ("stated", "inferred")
ARTICLE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Article:
    """One seed article: metadata from the metadata file plus the text of its seed file."""

    article_id: str
    seed_file: str
    title: str
    publisher: str
    published_date: date
    published_date_basis: str
    published_date_note: str
    url: str
    byline: str
    language: str
    rights: str
    body: str
    sha256: str

    @property
    def word_count(self) -> int:
        return len(self.body.split())


def _read_text(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{path}: not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1]!r})") from None
    if not text.strip():
        raise BuildError(f"{path}: the seed file is empty")
    return text, hashlib.sha256(raw).hexdigest()


def _read_metadata(seeds_dir: Path) -> list[tuple[int, dict[str, str]]]:
    meta_path = seeds_dir / METADATA_FILE
    if not meta_path.is_file():
        raise BuildError(f"{meta_path}: metadata file not found (one row per seed article)")
    try:
        with meta_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise BuildError(f"{meta_path}: missing column(s) {', '.join(missing)}")
            return [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError:
        raise BuildError(f"{meta_path}: not UTF-8 text") from None


def _article_from_row(seeds_dir: Path, line: int, row: dict[str, str]) -> Article:
    where = f"{seeds_dir / METADATA_FILE}, line {line}"
    for column in REQUIRED_COLUMNS:
        if not (row.get(column) or "").strip():
            raise BuildError(f"{where}: empty {column}")
    seed_file = row["seed_file"].strip()
    path = seeds_dir / seed_file
    if not path.is_file():
        raise BuildError(f"{where}: names seed file {seed_file}, which does not exist in {seeds_dir}")
    article_id = Path(seed_file).stem
    if not ARTICLE_ID.match(article_id):
        raise BuildError(f"{where}: article id {article_id!r} (the file stem) must be lowercase letters, digits, _ or -")
    try:
        published = date.fromisoformat(row["published_date"].strip())
    except ValueError:
        raise BuildError(f"{where}: published_date {row['published_date']!r} is not an ISO date (YYYY-MM-DD)") from None
    basis = row["published_date_basis"].strip()
    if basis not in DATE_BASES:
        raise BuildError(f"{where}: published_date_basis {basis!r} must be one of {', '.join(DATE_BASES)}")
    if basis == "inferred" and not (row.get("published_date_note") or "").strip():
        raise BuildError(f"{where}: an inferred published_date needs a published_date_note saying how")
    body, digest = _read_text(path)
    if fold(row["title"].strip()) not in fold(body):
        raise BuildError(f"{where}: title {row['title'].strip()!r} does not occur in {seed_file} (is the row for this file?)")
    return Article(
        article_id=article_id,
        seed_file=seed_file,
        title=row["title"].strip(),
        publisher=row["publisher"].strip(),
        published_date=published,
        published_date_basis=basis,
        published_date_note=(row.get("published_date_note") or "").strip(),
        url=(row.get("url") or "").strip(),
        byline=(row.get("byline") or "").strip(),
        language=row["language"].strip(),
        rights=(row.get("rights") or "").strip(),
        body=body,
        sha256=digest,
    )


def read_articles(seeds_dir: Path) -> list[Article]:
    """All articles of a seeds folder, sorted by article id; raises BuildError on the first problem."""
    rows = _read_metadata(seeds_dir)
    articles: dict[str, Article] = {}
    listed: set[str] = set()
    for line, row in rows:
        article = _article_from_row(seeds_dir, line, row)
        if article.article_id in articles:
            raise BuildError(
                f"{seeds_dir / METADATA_FILE}, line {line}: duplicate article id {article.article_id!r} "
                f"(also from {articles[article.article_id].seed_file})"
            )
        articles[article.article_id] = article
        listed.add(article.seed_file)
    for path in sorted(seeds_dir.glob("*.txt")):
        if path.name not in listed:
            raise BuildError(f"{path}: seed file has no row in {seeds_dir / METADATA_FILE}")
    if not articles:
        raise BuildError(f"{seeds_dir / METADATA_FILE}: no articles listed")
    return [articles[key] for key in sorted(articles)]

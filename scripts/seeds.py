"""Read the seed articles, their metadata file and their collections, refusing bad input with a clear message.

A seeds folder holds article texts and their metadata file (`articles.csv`). It may describe itself in
`collection.yml` (what the collection is, its credit and licence) and carry the collection's own coding of
its articles in `annotations.csv`. Imported collections sit in `collections/<name>/`, each a seeds folder
of its own (`make import` writes them); the build reads the top folder and every collection in it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .control_chars import escaped, first_control, position
from .csv_in import read_csv_rows
from .errors import BuildError
from .id_map import ID_MAP_FILE
from .seed_writer import METADATA_FILE
from .shapes import check_shape
from .textnorm import fold
from .yaml_in import read_yaml

REQUIRED_COLUMNS = ("seed_file", "title", "publisher", "published_date", "published_date_basis", "language")
COLLECTION_FILE = "collection.yml"
ANNOTATIONS_FILE = "annotations.csv"
COLLECTIONS_FOLDER = "collections"
COLLECTION_KEYS = ("collection_id", "title", "description", "credit", "licence", "licence_url", "source_url")
DATE_BASES = ("stated", "inferred")
ARTICLE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SEED_SUFFIX = ".txt"
IMPORT_REPORT_FILE = "import-report.log"  # written by `make import`; not .txt: every .txt of a seeds folder is an article
# Besides its seed files, what a seeds folder may hold (a README may explain it).
OTHER_FILES = (METADATA_FILE, COLLECTION_FILE, ANNOTATIONS_FILE, IMPORT_REPORT_FILE, ID_MAP_FILE, "README.md")
SUBFOLDERS = ("reviews", "reference", COLLECTIONS_FOLDER)  # reviews, the default reference data, collections


@dataclass(frozen=True)
class PublishedLimits:
    """The publication dates a seed article may have: from `earliest` to `days_ahead` days after the build."""

    earliest: date
    days_ahead: int
    source: str  # the file that sets them

    @classmethod
    def from_limits(cls, checked: dict, source: str) -> PublishedLimits:
        """The published_date part of a checked limits.yml."""
        earliest = checked["published_date"]["earliest"]  # a YAML date, or a quoted one (the schema checked it)
        return cls(earliest if isinstance(earliest, date) else date.fromisoformat(earliest),
                   checked["published_date"]["days_ahead"], source)

    def latest(self) -> date:
        return date.today() + timedelta(days=self.days_ahead)

    def allow(self, published: date) -> bool:
        return self.earliest <= published <= self.latest()


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
    collection_id: str = ""
    title_in_text: bool = True
    duplicate_of: str = ""

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
    control = first_control(text)
    if control is not None:
        raise BuildError(f"{path}: control character {escaped(text[control])} at {position(text, control)} "
                         "(an article is plain text: only tabs and line breaks)")
    return text, hashlib.sha256(raw).hexdigest()


def _read_metadata(seeds_dir: Path) -> list[tuple[int, dict[str, str]]]:
    meta_path = seeds_dir / METADATA_FILE
    if not meta_path.is_file():
        raise BuildError(f"{meta_path}: metadata file not found (one row per seed article)")
    header, rows = read_csv_rows(meta_path)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise BuildError(f"{meta_path}: missing column(s) {', '.join(missing)}")
    return rows


@dataclass(frozen=True)
class Collection:
    """A folder of articles that came in together: its description, credit and licence, and its own coding."""

    collection_id: str
    title: str
    description: str
    credit: str
    licence: str
    licence_url: str
    source_url: str
    folder: Path
    annotations: tuple[dict[str, str], ...] = ()


def read_collection(seeds_dir: Path, default_id: str) -> Collection:
    """The folder's collection.yml (or a collection named after the folder) and its annotations.csv."""
    path = seeds_dir / COLLECTION_FILE
    spec: dict = {"collection_id": default_id, "title": default_id}
    if path.is_file():
        loaded = read_yaml(path, "collection file")
        if not isinstance(loaded, dict) or not ARTICLE_ID.fullmatch(str(loaded.get("collection_id", ""))):
            raise BuildError(f"{path}: needs a collection_id of lowercase letters, digits, _ or -")
        check_shape(loaded, path, "collection.schema.json")
        spec = loaded
    annotations: list[dict[str, str]] = []
    annotations_path = seeds_dir / ANNOTATIONS_FILE
    if annotations_path.is_file():
        for line, row in read_csv_rows(annotations_path)[1]:
            if not row.get("article_id") or not row.get("annotation_no"):
                raise BuildError(f"{annotations_path}, line {line}: needs article_id and annotation_no")
            annotations.append(row)
    return Collection(**{key: str(spec.get(key) or "") for key in COLLECTION_KEYS}, folder=seeds_dir,
                      annotations=tuple(annotations))


def _inside(seeds_dir: Path, seed_file: str) -> bool:
    """Whether the seed file named in a metadata row is a file of the folder itself (no path that leaves it)."""
    return Path(seed_file).name == seed_file and seed_file not in ("", ".", "..") and "\x00" not in seed_file


def resolves_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, with every symbolic link followed, is still in `folder`."""
    return path.resolve().is_relative_to(folder.resolve())


def _check_published(where: str, published: date, limits: PublishedLimits | None) -> None:
    if limits is None:
        return
    if not limits.allow(published):
        raise BuildError(f"{where}: published_date {published.isoformat()} is not between {limits.earliest.isoformat()} "
                         f"and {limits.latest().isoformat()} (the limits in {limits.source})")


def _article_from_row(seeds_dir: Path, line: int, row: dict[str, str], collection_id: str,
                      limits: PublishedLimits | None = None) -> Article:
    where = f"{seeds_dir / METADATA_FILE}, line {line}"
    for column in REQUIRED_COLUMNS:
        if not (row.get(column) or "").strip():
            raise BuildError(f"{where}: empty {column}")
    seed_file = row["seed_file"].strip()
    if not _inside(seeds_dir, seed_file):
        raise BuildError(f"{where}: seed_file {seed_file!r} must name a file in {seeds_dir} itself, not a path")
    path = seeds_dir / seed_file
    if not path.is_file():
        raise BuildError(f"{where}: names seed file {seed_file}, which does not exist in {seeds_dir}")
    if not resolves_inside(path, seeds_dir):
        raise BuildError(f"{where}: seed_file {seed_file!r} is a link to a file outside {seeds_dir}")
    article_id = Path(seed_file).stem
    if not ARTICLE_ID.fullmatch(article_id):
        raise BuildError(f"{where}: article id {article_id!r} (the file stem) must be lowercase letters, digits, _ or -")
    try:
        published = date.fromisoformat(row["published_date"].strip())
    except ValueError:
        raise BuildError(f"{where}: published_date {row['published_date']!r} is not an ISO date (YYYY-MM-DD)") from None
    _check_published(where, published, limits)
    basis = row["published_date_basis"].strip()
    if basis not in DATE_BASES:
        raise BuildError(f"{where}: published_date_basis {basis!r} must be one of {', '.join(DATE_BASES)}")
    if basis == "inferred" and not (row.get("published_date_note") or "").strip():
        raise BuildError(f"{where}: an inferred published_date needs a published_date_note saying how")
    body, digest = _read_text(path)
    title_in_text = (row.get("title_in_text") or "yes").strip().lower() != "no"
    if title_in_text and fold(row["title"].strip()) not in fold(body):
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
        collection_id=collection_id,
        title_in_text=title_in_text,
        duplicate_of=(row.get("duplicate_of") or "").strip(),
    )


def read_collections(seeds_dir: Path) -> list[Collection]:
    """The seeds folder's own collection, then each imported collection in collections/, by name."""
    folders = [seeds_dir] + sorted(p for p in (seeds_dir / COLLECTIONS_FOLDER).glob("*") if p.is_dir())
    for folder in folders[1:]:
        if not resolves_inside(folder, seeds_dir):
            raise BuildError(f"{folder}: a collection folder is a link to a folder outside {seeds_dir}")
    collections = [read_collection(folder, folder.name if folder != seeds_dir else "seeds") for folder in folders]
    seen: dict[str, Path] = {}
    for collection in collections:
        if collection.collection_id in seen:
            raise BuildError(f"{collection.folder / COLLECTION_FILE}: collection_id {collection.collection_id!r} "
                             f"is also the id of {seen[collection.collection_id]}")
        seen[collection.collection_id] = collection.folder
    return collections


def _check_folder_entries(seeds_dir: Path) -> None:
    """Every file of a seeds folder is read or refused: a seed file is <id>.txt, in lower case."""
    for path in sorted(seeds_dir.iterdir()):
        name = path.name
        if name.startswith(".") or name in OTHER_FILES or (path.is_dir() and name in SUBFOLDERS):
            continue
        if path.is_file() and name.endswith(SEED_SUFFIX):
            continue
        if path.is_file() and name.lower().endswith(SEED_SUFFIX):
            raise BuildError(f"{escaped(str(path))}: a seed file's name ends in lower-case {SEED_SUFFIX}: rename it")
        kind = "folder" if path.is_dir() else "file"
        raise BuildError(f"{escaped(str(path))}: unexpected {kind} in a seeds folder, which holds articles "
                         f"(<id>{SEED_SUFFIX}), {', '.join(OTHER_FILES)} and the folders {', '.join(SUBFOLDERS)}")


def _read_folder(seeds_dir: Path, collection_id: str, limits: PublishedLimits | None) -> list[tuple[int, Article]]:
    articles: list[tuple[int, Article]] = []
    listed: set[str] = set()
    _check_folder_entries(seeds_dir)
    for line, row in _read_metadata(seeds_dir):
        articles.append((line, _article_from_row(seeds_dir, line, row, collection_id, limits)))
        listed.add(articles[-1][1].seed_file)
    for path in sorted(seeds_dir.glob(f"*{SEED_SUFFIX}")):
        if path.name not in listed:
            raise BuildError(f"{escaped(str(path))}: seed file has no row in {seeds_dir / METADATA_FILE}")
    return articles


def read_articles(seeds_dir: Path, collections: list[Collection] | None = None,
                  limits: PublishedLimits | None = None) -> list[Article]:
    """All articles of a seeds folder and its collections, sorted by article id; raises BuildError on the first
    problem. `limits` (from seeds/reference/limits.yml) bounds the publication dates."""
    articles: dict[str, Article] = {}
    for collection in collections if collections is not None else read_collections(seeds_dir):
        for line, article in _read_folder(collection.folder, collection.collection_id, limits):
            if article.article_id in articles:
                raise BuildError(
                    f"{collection.folder / METADATA_FILE}, line {line}: duplicate article id {article.article_id!r} "
                    f"(also from {articles[article.article_id].seed_file})"
                )
            articles[article.article_id] = article
    if not articles:
        raise BuildError(f"{seeds_dir / METADATA_FILE}: no articles listed")
    for article in articles.values():
        if article.duplicate_of and article.duplicate_of not in articles:
            raise BuildError(f"{article.seed_file}: duplicate_of names {article.duplicate_of!r}, which is not an article")
    return [articles[key] for key in sorted(articles)]


def refuse_oversized(collections: list[Collection], max_bytes: int) -> None:
    """Refuse, before reading it, a seed file larger than `max_bytes` (max_article_bytes in the reference's
    limits.yml): it is no news article, and reading and extracting it would hold the build."""
    for collection in collections:
        for line, row in _read_metadata(collection.folder):
            seed_file = (row.get("seed_file") or "").strip()
            path = collection.folder / seed_file
            if _inside(collection.folder, seed_file) and path.is_file() and (size := path.stat().st_size) > max_bytes:
                raise BuildError(f"{collection.folder / METADATA_FILE}, line {line}: seed file {seed_file} has {size:,} "
                                 f"bytes, more than max_article_bytes ({max_bytes:,}) in limits.yml allows for an article")

"""Run the extractor over every article: each article on its own, from a cache on disk, over a pool of processes.

An exception in one article's extraction is caught: the article is built with nothing extracted from it
and a failure record names it, the error and where in scripts/ it was raised; the other articles are
not affected. An article's extraction is cached in a file named by everything it depends on: the
article's bytes and the metadata the extractor reads, the extractor's code and the reference data, so
a rebuild extracts only the articles that are new or changed. Failures are not cached, nor is an extraction
the time budget stopped (its result depends on the machine's speed): the next build extracts them again. The results are
in article order whatever the pool does, so the build is the same for any number of jobs. Given a Dask scheduler's
address, the same map runs on that cluster's workers instead (scripts/extraction_dask.py).
"""

from __future__ import annotations

import ast
import hashlib
import pickle
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from .atomic import write_bytes
from .extract import ArticleExtraction, Extractor
from .extraction.model import model_key
from .reference import Reference
from .seeds import Article

SCRIPTS = Path(__file__).resolve().parent
# The libraries the extractor calls (sentences, dates, fuzzy name matching): their versions are part of the cache key.
EXTRACTOR_LIBRARIES = ("pysbd", "dateparser", "rapidfuzz", "text2num")
CACHE_SUFFIX = ".pickle"
# Dask's own variable for its scheduler's address (its config and `dask worker` read it too): when it is set,
# the build extracts the articles on that cluster (scripts/extraction_dask.py).
SCHEDULER_VARIABLE = "DASK_SCHEDULER_ADDRESS"
CHUNKS_PER_JOB = 4  # articles go to the pool in this many chunks per process: few round trips, even load


@dataclass(frozen=True)
class Failure:
    """An article whose extraction raised: the article is built without extracted rows."""

    article_id: str
    error: str  # "ValueError: could not convert string to float: 'a'"
    where: str  # the last frame inside scripts/: "scripts/extraction/numbers.py:120 in _value"

    def __str__(self) -> str:
        return f"{self.article_id}: {self.error} (at {self.where})"


@dataclass(frozen=True)
class RunOptions:
    """How to run the extraction: how many processes, and where the cache is (none: no cache); or on the Dask
    cluster whose scheduler is at `scheduler` (tcp://host:8786), whatever `jobs` says."""

    jobs: int = 1
    cache: Path | None = None
    reference_dir: Path | None = None  # the folder the reference was read from: part of the cache key
    scheduler: str | None = None


@dataclass
class ExtractionRun:
    """Every article's extraction, in article order, with the failures and how many were extracted anew."""

    extractions: list[ArticleExtraction]
    failures: list[Failure]
    extracted: int  # articles run through the extractor (the others came from the cache)
    cached: int


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve().parent == SCRIPTS]
    if not frames:
        return "outside scripts/"
    frame = frames[-1]
    return f"scripts/{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


def empty_extraction(article: Article) -> ArticleExtraction:
    """What a failed article is built with: its row in articles, and nothing extracted from it."""
    return ArticleExtraction(article, [], [], [], [], [])


def extract_safely(extractor: Extractor, article: Article) -> ArticleExtraction | Failure:
    """The article's extraction, or the failure that stopped it."""
    try:
        return extractor.run(article)
    except Exception as exc:  # any bug in one article must not stop the build
        return Failure(article.article_id, f"{type(exc).__name__}: {exc}", _where(exc))


def _hash_files(digest, root: Path, paths: list[Path]) -> None:
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _module_path(module: str) -> Path:
    """scripts/<a>/<b>.py for the module "a.b" of scripts/, or the package's __init__.py."""
    path = SCRIPTS.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def extractor_sources() -> list[Path]:
    """The modules an extraction runs: scripts/extract.py and every module of scripts/ (and of its packages) it
    imports, directly or not, and this one (it writes the cache); a change to the others (the build, tables,
    merge) keeps the cache."""
    seen: set[str] = set()
    todo = ["extract", Path(__file__).stem]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_path(name)
        package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                base = package[: len(package) - (node.level - 1)]
                if node.module:
                    todo.append(".".join(base + [node.module]))
                else:
                    todo += [".".join(base + [alias.name]) for alias in node.names]
    return sorted({_module_path(name) for name in seen})


def code_key() -> str:
    """Hash of the extractor's code (its modules in scripts/), the Python version and the extractor's libraries."""
    digest = hashlib.sha256(f"{sys.version}\0{model_key()}\0".encode())
    for library in EXTRACTOR_LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}\0".encode())
    _hash_files(digest, SCRIPTS, extractor_sources())
    return digest.hexdigest()


def reference_key(reference_dir: Path) -> str:
    """Hash of every file of the reference folder, sorted by path."""
    digest = hashlib.sha256()
    _hash_files(digest, reference_dir, sorted((p for p in reference_dir.rglob("*") if p.is_file()),
                                              key=lambda p: p.relative_to(reference_dir).as_posix()))
    return digest.hexdigest()


def article_key(article: Article, context: str) -> str:
    """Cache key of one article: its bytes, the metadata the extractor reads, and the code and reference hash."""
    fields = (article.sha256, article.article_id, article.title, article.published_date.isoformat(), context)
    return hashlib.sha256("\0".join(fields).encode("utf-8")).hexdigest()


class _Cache:
    """Extractions on disk, one file per article key; the article itself is not stored (the build has it)."""

    def __init__(self, folder: Path, reference_dir: Path):
        self.folder = folder
        self.context = hashlib.sha256(f"{code_key()}\0{reference_key(reference_dir)}".encode()).hexdigest()

    def _path(self, article: Article) -> Path:
        return self.folder / f"{article_key(article, self.context)}{CACHE_SUFFIX}"

    def read(self, article: Article) -> ArticleExtraction | None:
        """The cached extraction, or None when there is none or it cannot be read (it is then recomputed)."""
        try:
            stored = pickle.loads(self._path(article).read_bytes())
        except Exception:  # a missing, truncated or stale entry is recomputed
            return None
        return replace(stored, article=article) if isinstance(stored, ArticleExtraction) else None

    def write(self, extraction: ArticleExtraction) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_bytes(self._path(extraction.article), pickle.dumps(replace(extraction, article=None), pickle.HIGHEST_PROTOCOL))


_worker_extractor: Extractor | None = None


def _start_worker(reference: Reference) -> None:
    global _worker_extractor
    _worker_extractor = Extractor(reference)


def _extract_in_worker(article: Article) -> ArticleExtraction | Failure:
    result = extract_safely(_worker_extractor, article)
    # The article goes back without its body: the parent process has it.
    return replace(result, article=None) if isinstance(result, ArticleExtraction) else result


def _extract_all(articles: list[Article], reference: Reference, jobs: int,
                 scheduler: str | None = None) -> list[ArticleExtraction | Failure]:
    if not articles:  # all cached: no extractor to build
        return []
    if scheduler:
        from .extraction_dask import extract_on_cluster  # Dask is imported only when a cluster is used

        return extract_on_cluster(articles, reference, scheduler)
    if jobs <= 1 or len(articles) <= 1:
        extractor = Extractor(reference)
        return [extract_safely(extractor, article) for article in articles]
    chunk = max(1, len(articles) // (jobs * CHUNKS_PER_JOB))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(reference,)) as pool:
        results = list(pool.map(_extract_in_worker, articles, chunksize=chunk))
    return [replace(r, article=a) if isinstance(r, ArticleExtraction) else r for a, r in zip(articles, results, strict=True)]


def run_extractions(articles: list[Article], reference: Reference, options: RunOptions = RunOptions()) -> ExtractionRun:
    """Every article's extraction in article order (an empty one for an article that failed), and the failures."""
    if options.cache is not None and options.reference_dir is None:
        raise ValueError("a cached run needs the reference folder (it is part of the cache key)")
    cache = _Cache(options.cache, options.reference_dir) if options.cache is not None else None
    found = {a.article_id: x for a in articles if cache and (x := cache.read(a)) is not None}
    todo = [a for a in articles if a.article_id not in found]
    failures = []
    for article, result in zip(todo, _extract_all(todo, reference, options.jobs, options.scheduler), strict=True):
        if isinstance(result, Failure):
            failures.append(result)
            found[article.article_id] = empty_extraction(article)
        else:
            found[article.article_id] = result
            if cache and result.cut is None:
                cache.write(result)
    return ExtractionRun([found[a.article_id] for a in articles], failures, len(todo), len(articles) - len(todo))

"""Measure the build's speed on the seeds and on the FA-KES dev corpus (`make bench`; a measurement, not a test).

    python -m scripts.bench [--jobs N] [--corpus DIR ...]

For each folder of articles: the extractor's rate in one process (articles and words per second of CPU
time) beside the bare spaCy pipeline's over the same texts (issue 13's yardstick: the extractor may take
at most 1.25 times the bare parse), a cold build over N processes with an empty cache (its time, each
stage's share, the peak memory of the build process and of its largest extraction process), a warm
rebuild, and the time to add one article to the built folder (which must extract that article only).
Each folder is measured in a process of its own, so that its peak memory is its own. The FA-KES dev
corpus is imported into build/corpora/fakes-dev first when it is not there. Then the pathological articles of
scripts/stress_articles.py, each in a process of its own: the extractor's time and peak memory on a
100 KB sentence, a 1 MB and a 5 MB article read to their end, and on the 5 MB one within the time budget.
"""

from __future__ import annotations

import argparse
import csv
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from . import stress_articles
from .build import ROOT, BuildWatch, build, cores
from .errors import BuildError
from .extract import Extractor
from .extraction.model import installed_package, pipeline
from .extraction_runs import run_extractions
from .import_collection import FAKES_DEV_CORPUS
from .limits import Deadline
from .reference import load_reference
from .reviews import REVIEW_DIR
from .seed_writer import METADATA_FILE, append_metadata, metadata_file
from .seeds import Article, read_articles, read_collections

REFERENCE = ROOT / "seeds" / "reference"
FAKES_SOURCE = FAKES_DEV_CORPUS
FAKES = ROOT / "build" / "corpora" / "fakes-dev"
# The pathological articles measured: (what it is, kind, characters, whether the time budget applies).
STRESS = (("a 100 KB sentence without punctuation", "sentence", 100_000, False),
          ("a 1 MB article (the seed articles' text repeated)", "text", 990_000, False),
          ("a 5 MB article (the same), read to its end", "text", 4_950_000, False),
          ("the 5 MB article within the time budget", "text", 4_950_000, True))


class StageClock(BuildWatch):
    """Times each stage of a build (wall clock)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def _timed_build(seeds: Path, out: Path, cache: Path, jobs: int, datapackage: Path) -> tuple[float, StageClock]:
    clock = StageClock()
    start = time.perf_counter()
    build(seeds, out, REFERENCE, datapackage, ROOT / "metadata.yml", jobs=jobs, cache=cache, watch=clock)
    return time.perf_counter() - start, clock


def _held_out(seeds: Path) -> dict[str, str]:
    """The last article of the folder's own metadata file that no review or other article refers to."""
    with (seeds / METADATA_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    named = {row.get("duplicate_of") or "" for row in rows}
    reviewed = {path.stem for path in (seeds / REVIEW_DIR).glob("*.yml")}
    return next(row for row in reversed(rows) if Path(row["seed_file"]).stem not in named | reviewed)


def _without(seeds: Path, copy: Path, held: dict[str, str]) -> list[str]:
    """Copy the folder without the held-out article; returns the metadata file's columns."""
    shutil.copytree(seeds, copy, ignore=shutil.ignore_patterns("reference", "import-report.log"))
    with (seeds / METADATA_FILE).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if row["seed_file"] != held["seed_file"]]
        fieldnames = list(reader.fieldnames or [])
    (copy / METADATA_FILE).write_bytes(metadata_file(rows, tuple(fieldnames)))
    (copy / held["seed_file"]).unlink()
    return fieldnames


def _mib(kilobytes: int) -> str:
    return f"{kilobytes / 1024:.0f} MiB"


def _builds(seeds: Path, articles: int, jobs: int, datapackage: Path) -> None:
    """Print the cold build's, the warm rebuild's and the added article's figures."""
    held = _held_out(seeds)
    with tempfile.TemporaryDirectory(prefix="bench-") as temp:
        temp_dir = Path(temp)
        copy, out, cache = temp_dir / "seeds", temp_dir / "out", temp_dir / "cache"
        fieldnames = _without(seeds, copy, held)
        try:
            cold, clock = _timed_build(copy, out, cache, jobs, datapackage)
        except BuildError as exc:
            print(f"  build failed: {exc}".splitlines()[0])
            return
        own, workers = (resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        failures = clock.run.failures
        print(f"  cold build, {jobs} job(s), empty cache ({articles - 1} articles): {cold:.2f} s; "
              f"peak RSS {_mib(own)} (build process), {_mib(workers)} (largest extraction process)")
        if failures:
            print(f"  extraction failed for {len(failures)} article(s) (built without rows; see the build report)")
        shares = [f"{stage} {seconds / cold:.1%}" for stage, seconds in clock.seconds.items()]
        print("  stages (share of the cold build): " + ", ".join(shares))

        warm, clock = _timed_build(copy, out, cache, jobs, datapackage)
        print(f"  warm rebuild: {warm:.2f} s, {clock.run.extracted} article(s) extracted (failures are not cached)")
        retried = len(clock.run.failures)

        shutil.copy(seeds / held["seed_file"], copy / held["seed_file"])
        (copy / METADATA_FILE).write_bytes(append_metadata((copy / METADATA_FILE).read_bytes(), fieldnames, held))
        added, clock = _timed_build(copy, out, cache, jobs, datapackage)
        new = clock.run.extracted - retried
        print(f"  add one article ({held['seed_file']}) and rebuild: {added:.2f} s, "
              f"{new} new article extracted" + (f" (+{retried} retried failures)" if retried else "")
              + ("" if new == 1 else "  ← expected 1: the cache missed"))


def measure(name: str, seeds: Path, jobs: int, datapackage: Path) -> None:
    """Print the figures of one folder of articles."""
    articles = read_articles(seeds, read_collections(seeds))
    words = sum(a.word_count for a in articles)
    where = seeds.relative_to(ROOT) if seeds.is_relative_to(ROOT) else seeds
    print(f"\n{name}: {len(articles)} articles, {words:,} words ({where})")
    _builds(seeds, len(articles), jobs, datapackage)  # first: the peak memory of a build, not of the run below
    reference = load_reference(REFERENCE)
    start = time.process_time()
    run = run_extractions(articles, reference)
    cpu = time.process_time() - start
    print(f"  extraction in one process: {len(articles) / cpu:.1f} articles/s, {words / cpu:,.0f} words/s "
          f"of CPU time ({cpu:.1f} s; {len(run.failures)} failed)")
    bare = _bare_parse(articles)
    print(f"  the bare {installed_package()} pipeline over the same texts (every line, nothing else): "
          f"{len(articles) / bare:.1f} articles/s ({bare:.1f} s); the extractor takes {cpu / bare:.2f}× its time")


def _bare_parse(articles: list[Article]) -> float:
    """CPU seconds the spaCy pipeline alone takes to parse every non-empty line of the articles (loaded before)."""
    nlp = pipeline()
    lines = [line for article in articles for line in article.body.splitlines() if line.strip()]
    start = time.process_time()
    for _ in nlp.pipe(lines, batch_size=64):
        pass
    return time.process_time() - start


def stress(label: str, kind: str, size: int, budget: bool) -> None:
    """Print the extractor's time and peak memory on one pathological article (run in a process of its own)."""
    reference = load_reference(REFERENCE)
    text = stress_articles.long_sentence(size) if kind == "sentence" else \
        stress_articles.repeated_text(sorted((ROOT / "seeds").glob("*.txt")), size)
    title = "Stress article"
    body = stress_articles.article(title, text)
    article = Article(article_id="stress", seed_file="stress.txt", title=title, publisher="bench",
                      published_date=date(2019, 5, 20), published_date_basis="stated", published_date_note="", url="",
                      byline="", language="en", rights="", body=body, sha256="")
    extractor = Extractor(reference)
    start = time.perf_counter()
    extraction = extractor.run(article, None if budget else Deadline(None))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size_bytes = len(body.encode("utf-8"))
    refused = (f"; a build refuses it ({size_bytes:,} bytes > max_article_bytes)"
               if size_bytes > reference.limits.max_article_bytes else "")
    read = f"{extraction.cut}" if extraction.cut else f"read to its end ({len(extraction.sentences):,} sentences)"
    print(f"  {label}: {seconds:.1f} s, peak RSS {_mib(peak)}; {read}; {len(extraction.events):,} event reports"
          + refused)


def _fakes_corpus() -> Path | None:
    """build/corpora/fakes-dev, imported afresh (an import of an unchanged file writes the same bytes, so a
    folder left by an older importer is never measured); None (said so) when its source is missing."""
    if not FAKES_SOURCE.is_file():
        print(f"\nFA-KES dev corpus: not measured: {FAKES_SOURCE.relative_to(ROOT.parent)} is missing "
              f"({'../shared is missing' if not FAKES_SOURCE.parents[2].is_dir() else 'no such file in ../shared'}).")
        return None
    print(f"\nImporting {FAKES_SOURCE.relative_to(ROOT.parent)} into {FAKES} …")
    subprocess.run([sys.executable, "-m", "scripts.import_collection", str(FAKES_SOURCE), "--format", "fakes",
                    "--out", str(FAKES)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return FAKES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=cores(), help="processes for the builds (default: all cores)")
    parser.add_argument("--datapackage", type=Path, default=ROOT / "datapackage.json", help="schema descriptor")
    parser.add_argument("--corpus", type=Path, help="measure this one folder (in this process)")
    parser.add_argument("--name", default="", help="the folder's name in the output")
    parser.add_argument("--stress", type=int, help="measure this pathological article of STRESS (in this process)")
    args = parser.parse_args(argv)
    if args.stress is not None:
        stress(*STRESS[args.stress])
        return 0
    if args.corpus:
        measure(args.name or args.corpus.name, args.corpus.resolve(), args.jobs, args.datapackage)
        return 0
    print(f"idlib-events bench: {cores()} core(s), Python {platform.python_version()}, {args.jobs} job(s) per build")
    folders = [("seeds", ROOT / "seeds")]
    fakes = _fakes_corpus()
    if fakes:
        folders.append(("FA-KES dev corpus", fakes))
    for name, folder in folders:
        sys.stdout.flush()
        subprocess.run([sys.executable, "-m", "scripts.bench", "--corpus", str(folder), "--name", name,
                        "--jobs", str(args.jobs), "--datapackage", str(args.datapackage)], cwd=ROOT, check=True)
    print("\nPathological articles (scripts/stress_articles.py), the extractor in one process:")
    for number in range(len(STRESS)):
        sys.stdout.flush()
        subprocess.run([sys.executable, "-m", "scripts.bench", "--stress", str(number)], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Per-article extraction: a failing article is built without rows and reported, results are cached and
reused, and a pool of processes gives exactly the rows of one process."""

from __future__ import annotations

import csv
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

import scripts.extract
import scripts.extraction_runs
from scripts.build import BuildWatch, build
from scripts.extract import Extractor
from scripts.extraction_runs import RunOptions, code_key, run_extractions
from scripts.schema import load_descriptor, tables
from scripts.seed_writer import METADATA_FILE, append_metadata
from scripts.seeds import read_articles

from .conftest import DATAPACKAGE, REFERENCE, SITE_METADATA, seeds_without_collections

# The five seed articles (without the imported FA-KES collection, which the collection tests build).
SEEDS = seeds_without_collections(Path(tempfile.mkdtemp(prefix="idlib-events-seeds-")) / "seeds")

FIXTURES = Path(__file__).parent / "fixtures"
FAILING = "003_4fee710319d38640"  # a seed article, built without its review file (which would add rows to it)
NEW_ARTICLE = "f02_kafr_nubl_market.txt"
TABLES = [t.name for t in tables(load_descriptor(DATAPACKAGE))]


@pytest.fixture(scope="module")
def articles():
    return read_articles(SEEDS)


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fail_on(monkeypatch, article_id: str) -> None:
    """Make the extraction of one article raise inside scripts/extract.py (its sentence splitter breaks)."""
    body = next(a.body for a in read_articles(SEEDS) if a.article_id == article_id)
    split = scripts.extract.read_sentences

    def broken(text, *limits):
        if text == body:
            raise RuntimeError("the splitter broke")
        return split(text, *limits)

    monkeypatch.setattr(scripts.extract, "read_sentences", broken)


def _count_runs(monkeypatch) -> list[str]:
    """The ids of the articles the extractor runs on from now on (in this process)."""
    seen: list[str] = []
    run = Extractor.run

    def counted(self, article):
        seen.append(article.article_id)
        return run(self, article)

    monkeypatch.setattr(Extractor, "run", counted)
    return seen


def _build(seeds: Path, out: Path, **options) -> tuple[dict, BuildWatch]:
    watch = BuildWatch()
    rows = build(seeds, out, REFERENCE, DATAPACKAGE, SITE_METADATA, watch=watch, **options)
    return rows, watch


def _seeds_with_new_article(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds, ignore=shutil.ignore_patterns("reference"))
    shutil.copy(FIXTURES / NEW_ARTICLE, seeds / NEW_ARTICLE)
    row = next(r for r in _csv(FIXTURES / METADATA_FILE) if r["seed_file"] == NEW_ARTICLE)
    fieldnames = list(_csv(SEEDS / METADATA_FILE)[0])
    (seeds / METADATA_FILE).write_bytes(append_metadata((SEEDS / METADATA_FILE).read_bytes(), fieldnames, row))
    return seeds


# A failing article ---------------------------------------------------------------------------------

def test_a_failing_article_is_built_without_rows_and_named_in_the_report(built, monkeypatch, tmp_path):
    _fail_on(monkeypatch, FAILING)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "reviews" / f"{FAILING}.yml").unlink()
    out = tmp_path / "out"
    rows, watch = _build(seeds, out, jobs=1)

    [failure] = watch.run.failures
    assert failure.article_id == FAILING
    assert failure.error == "RuntimeError: the splitter broke"
    assert failure.where.startswith("scripts/extract.py:") and failure.where.endswith(" in run")
    report = (out / "build-report.txt").read_text(encoding="utf-8")
    assert "Extraction failed for 1 article(s)" in report
    assert f"  {FAILING}: RuntimeError: the splitter broke (at scripts/extract.py:" in report

    assert FAILING in {a["article_id"] for a in rows["articles"]}  # the article itself is still published
    for table in ("event_mentions", "figures", "mentions", "unresolved_mentions"):
        assert not [r for r in rows[table] if r["article_id"] == FAILING], table
    # The other articles keep what was extracted from them (their events may merge differently).
    for table, key in (("mentions", None), ("figures", "event_id")):
        before = [{k: v for k, v in r.items() if k != key} for r in _csv(built / "data" / f"{table}.csv")
                  if r["article_id"] != FAILING]
        after = [{k: v for k, v in r.items() if k != key} for r in _csv(out / "data" / f"{table}.csv")]
        assert after == before and after, table


def test_a_failing_article_leaves_the_others_extractions_unchanged(articles, reference, monkeypatch):
    whole = run_extractions(articles, reference)
    assert whole.failures == []
    _fail_on(monkeypatch, FAILING)
    broken = run_extractions(articles, reference)
    assert [f.article_id for f in broken.failures] == [FAILING]
    assert [x.article.article_id for x in broken.extractions] == [a.article_id for a in articles]
    for good, partial in zip(whole.extractions, broken.extractions, strict=True):
        if partial.article.article_id == FAILING:
            assert (partial.events, partial.figures, partial.mentions, partial.unresolved) == ([], [], [], [])
            assert good.events and good.figures
        else:
            assert partial == good


# The cache -----------------------------------------------------------------------------------------

def test_a_warm_build_extracts_nothing_and_writes_the_same_bytes(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _, cold = _build(SEEDS, tmp_path / "cold", jobs=1, cache=cache)
    assert (cold.run.extracted, cold.run.cached) == (5, 0)
    seen = _count_runs(monkeypatch)
    _, warm = _build(SEEDS, tmp_path / "warm", jobs=1, cache=cache)
    assert (warm.run.extracted, warm.run.cached) == (0, 5) and seen == []
    for name in TABLES + ["build-report.txt"]:
        path = f"data/{name}.csv" if name in TABLES else name
        assert (tmp_path / "warm" / path).read_bytes() == (tmp_path / "cold" / path).read_bytes(), path


def test_adding_an_article_extracts_only_that_article(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _build(SEEDS, tmp_path / "out", jobs=1, cache=cache)
    seeds = _seeds_with_new_article(tmp_path)
    seen = _count_runs(monkeypatch)
    rows, watch = _build(seeds, tmp_path / "out", jobs=1, cache=cache)
    assert seen == [Path(NEW_ARTICLE).stem]
    assert (watch.run.extracted, watch.run.cached) == (1, 5)
    assert {r["article_id"] for r in rows["event_mentions"]} >= {Path(NEW_ARTICLE).stem}


def test_a_changed_title_or_reference_file_extracts_again(articles, reference, tmp_path):
    ref_dir = tmp_path / "reference"
    shutil.copytree(REFERENCE, ref_dir)
    options = RunOptions(cache=tmp_path / "cache", reference_dir=ref_dir)
    assert run_extractions(articles, reference, options).extracted == 5
    assert run_extractions(articles, reference, options).extracted == 0
    retitled = [replace(a, title="Another headline") if a.article_id == FAILING else a for a in articles]
    assert run_extractions(retitled, reference, options).extracted == 1
    with (ref_dir / "lexicon" / "names.yml").open("a", encoding="utf-8") as handle:
        handle.write("\n# a comment changes the reference data's hash\n")
    assert run_extractions(articles, reference, options).extracted == 5


def test_the_code_key_follows_the_extractors_modules_only(tmp_path, monkeypatch):
    scripts_copy = tmp_path / "scripts"
    shutil.copytree(scripts.extraction_runs.SCRIPTS, scripts_copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(scripts.extraction_runs, "SCRIPTS", scripts_copy)
    key = code_key()
    for module in ("build.py", "merge.py", "tables.py", "reviews.py"):  # run after extraction
        with (scripts_copy / module).open("a", encoding="utf-8") as handle:
            handle.write("# changed\n")
    assert code_key() == key
    # extraction/roles.py is imported by extraction/events.py, which extract.py imports
    with (scripts_copy / "extraction" / "roles.py").open("a", encoding="utf-8") as handle:
        handle.write("# changed\n")
    assert code_key() != key
    key = code_key()
    with (scripts_copy / "extraction" / "model.py").open("a", encoding="utf-8") as handle:  # a module of a package
        handle.write("# changed\n")
    assert code_key() != key


def test_a_cache_entry_keeps_no_parse(articles, reference, tmp_path):
    """The sentences' spaCy parses are not pickled (a parse drags the whole vocabulary into each entry)."""
    run_extractions(articles, reference, RunOptions(cache=tmp_path / "cache", reference_dir=REFERENCE))
    for entry in (tmp_path / "cache").iterdir():
        data = entry.read_bytes()
        assert b"spacy" not in data and len(data) < 200_000, entry.name


def test_a_corrupt_cache_entry_is_recomputed(articles, reference, tmp_path):
    options = RunOptions(cache=tmp_path / "cache", reference_dir=REFERENCE)
    first = run_extractions(articles, reference, options)
    entries = sorted((tmp_path / "cache").iterdir())
    assert len(entries) == 5
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # truncated
    entries[1].write_bytes(b"not a pickle")
    again = run_extractions(articles, reference, options)
    assert (again.extracted, again.cached) == (2, 3)
    assert again.extractions == first.extractions
    assert run_extractions(articles, reference, options).extracted == 0  # the entries were written anew


def test_failures_are_not_cached(articles, reference, tmp_path, monkeypatch):
    options = RunOptions(cache=tmp_path / "cache", reference_dir=REFERENCE)
    _fail_on(monkeypatch, FAILING)
    assert run_extractions(articles, reference, options).extracted == 5
    again = run_extractions(articles, reference, options)
    assert (again.extracted, [f.article_id for f in again.failures]) == (1, [FAILING])
    monkeypatch.undo()
    fixed = run_extractions(articles, reference, options)
    assert (fixed.extracted, fixed.failures) == (1, [])
    assert next(x for x in fixed.extractions if x.article.article_id == FAILING).events


# The pool ------------------------------------------------------------------------------------------

def test_a_pool_gives_the_rows_of_one_process(built, articles, reference, tmp_path):
    one = run_extractions(articles, reference, RunOptions(jobs=1))
    pool = run_extractions(articles, reference, RunOptions(jobs=2))
    assert pool.extractions == one.extractions and pool.extracted == 5
    out = tmp_path / "pool"
    _build(SEEDS, out, jobs=2)
    for name in TABLES:
        assert (out / "data" / f"{name}.csv").read_bytes() == (built / "data" / f"{name}.csv").read_bytes(), name

"""Extraction on Dask: the map over articles run by a distributed.LocalCluster (two worker processes, one thread each)
over the five seed articles and a slice of the FA-KES collection builds the bytes of the local process pool; each
worker process builds the extractor once; an article the extractor fails on is reported and the build goes on; a
scheduler that cannot be reached or a worker with other code is one error line."""

from __future__ import annotations

import csv
import shutil
import socket
from pathlib import Path

import pytest

import scripts.extract
import scripts.extraction_dask
from scripts.build import BuildWatch, build, main
from scripts.errors import BuildError
from scripts.extraction_dask import extract_on_cluster
from scripts.extraction_runs import SCHEDULER_VARIABLE
from scripts.schema import load_descriptor, tables
from scripts.seeds import ANNOTATIONS_FILE, COLLECTIONS_FOLDER, read_articles

from .conftest import DATAPACKAGE, REFERENCE, SEEDS, SITE_METADATA, seeds_without_collections

FAKES = SEEDS / COLLECTIONS_FOLDER / "fakes"
SLICE = 5  # FA-KES articles beside the five seeds
FAILING = "003_4fee710319d38640"  # a seed article
TABLES = [t.name for t in tables(load_descriptor(DATAPACKAGE))]


def _write_rows(path: Path, fieldnames: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def _read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The five seed articles and the first FA-KES articles of the collection (none a duplicate), with their annotations."""
    seeds = seeds_without_collections(tmp_path_factory.mktemp("dask") / "seeds")
    fakes = seeds / COLLECTIONS_FOLDER / "fakes"
    fakes.mkdir(parents=True)
    shutil.copy(FAKES / "collection.yml", fakes)
    fieldnames, rows = _read_rows(FAKES / "articles.csv")
    kept = [row for row in rows if not row["duplicate_of"]][:SLICE]
    _write_rows(fakes / "articles.csv", fieldnames, kept)
    for row in kept:
        shutil.copy(FAKES / row["seed_file"], fakes)
    ids = {Path(row["seed_file"]).stem for row in kept}
    fieldnames, rows = _read_rows(FAKES / ANNOTATIONS_FILE)
    _write_rows(fakes / ANNOTATIONS_FILE, fieldnames, [row for row in rows if row["article_id"] in ids])
    return seeds


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def _extractors_built() -> int:
    """In a worker: how many extractors this process has built."""
    return scripts.extraction_dask.extractors_built


def _break_splitter_on(body: str) -> None:
    """In a worker: the sentence splitter (inside scripts/extract.py) raises on this body."""
    split = scripts.extract.read_sentences

    def broken(text, *limits):
        if text == body:
            raise RuntimeError("the splitter broke")
        return split(text, *limits)

    broken.mended = split
    scripts.extract.read_sentences = broken


def _mend_splitter() -> None:
    scripts.extract.read_sentences = getattr(scripts.extract.read_sentences, "mended", scripts.extract.read_sentences)


def _on_workers(cluster, function, *args) -> dict[str, object]:
    from distributed import Client

    with Client(cluster.scheduler_address, set_as_default=False) as client:
        return client.run(function, *args)


def test_a_build_on_dask_writes_the_bytes_of_the_local_pool(corpus, cluster, tmp_path, monkeypatch, capsys):
    articles = len(read_articles(corpus))
    assert articles == 5 + SLICE
    build(corpus, tmp_path / "pool", REFERENCE, DATAPACKAGE, SITE_METADATA, jobs=2)

    monkeypatch.setenv(SCHEDULER_VARIABLE, cluster.scheduler_address)
    argv = ["--seeds", str(corpus), "--out", str(tmp_path / "dask"), "--cache", str(tmp_path / "cache"), "--jobs", "1"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"Extracted {articles} article(s) on the Dask cluster at {cluster.scheduler_address}, 0 from the cache" in printed

    for name in [f"data/{table}.csv" for table in TABLES] + ["build-report.txt"]:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes(), name
    assert len(list((tmp_path / "cache").iterdir())) == articles  # the cache is written by the build's process
    # Both worker processes extracted, each with the one extractor it built: ten tasks of one article, eight sent
    # ahead (four per worker thread) and two as the first came back.
    assert sorted(_on_workers(cluster, _extractors_built).values()) == [1, 1]


def test_an_article_that_fails_on_a_worker_is_reported_and_the_build_goes_on(corpus, cluster, tmp_path):
    body = next(a.body for a in read_articles(corpus) if a.article_id == FAILING)
    _on_workers(cluster, _break_splitter_on, body)
    try:
        watch = BuildWatch()
        rows = build(corpus, tmp_path / "out", REFERENCE, DATAPACKAGE, SITE_METADATA, watch=watch,
                     scheduler=cluster.scheduler_address)
    finally:
        _on_workers(cluster, _mend_splitter)

    [failure] = watch.run.failures
    assert (failure.article_id, failure.error) == (FAILING, "RuntimeError: the splitter broke")
    assert failure.where.startswith("scripts/extract.py:") and failure.where.endswith(" in run")
    report = (tmp_path / "out" / "build-report.txt").read_text(encoding="utf-8")
    assert f"  {FAILING}: RuntimeError: the splitter broke (at scripts/extract.py:" in report
    assert FAILING in {a["article_id"] for a in rows["articles"]}
    assert not [r for r in rows["mentions"] if r["article_id"] == FAILING]
    assert {r["article_id"] for r in rows["mentions"]} >= {a.article_id for a in read_articles(corpus)} - {FAILING}
    # The workers kept the extractor of the first build (same code and reference data).
    assert sorted(_on_workers(cluster, _extractors_built).values()) == [1, 1]


def test_a_worker_with_other_extractor_code_stops_the_build(corpus, cluster, reference, monkeypatch):
    monkeypatch.setattr(scripts.extraction_dask, "code_key", lambda: "the code of another checkout")
    with pytest.raises(BuildError, match=r"^the Dask worker tcp://127\.0\.0\.1:\d+ runs other extractor code than the build"):
        extract_on_cluster(read_articles(corpus)[:2], reference, cluster.scheduler_address)


def test_a_scheduler_that_cannot_be_reached_is_one_error_line(corpus, tmp_path, monkeypatch, capsys):
    with socket.socket() as probe:  # a port on this machine that nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setattr(scripts.extraction_dask, "CONNECT_SECONDS", 2)
    monkeypatch.setenv(SCHEDULER_VARIABLE, address)
    assert main(["--seeds", str(corpus), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"build failed: cannot reach the Dask scheduler at {address} ({SCHEDULER_VARIABLE}): ")

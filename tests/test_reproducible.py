"""Same seeds, same bytes; and adding an unrelated article changes no existing id."""

from __future__ import annotations

import csv

import pytest

from scripts.schema import load_descriptor, tables

from .conftest import DATAPACKAGE, run_build, seeds_without_collections

UNRELATED = (
    "Warplanes strike Ariha\n\n"
    "AMMAN: Syrian regime warplanes carried out at least 12 airstrikes on Ariha on Tuesday, killing at least "
    "5 civilians, the Syrian Observatory for Human Rights said.\n"
)
ID_COLUMNS = {"events": "event_id", "figures": "figure_id", "articles": "article_id"}


def _ids(out, table):
    with (out / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return {row[ID_COLUMNS[table]] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def again(tmp_path_factory):
    """A second build of the seeds, from another copy of them into another folder (the tests compare it with
    `built`)."""
    folder = tmp_path_factory.mktemp("again")
    run_build(seeds_without_collections(folder / "seeds"), folder / "again")
    return folder / "again"


def test_two_builds_write_byte_identical_csvs(built, again):
    for table in tables(load_descriptor(DATAPACKAGE)):
        name = f"data/{table.name}.csv"
        assert (again / name).read_bytes() == (built / name).read_bytes(), name


def test_ids_are_stable_when_an_unrelated_article_is_added(built, tmp_path):
    seeds = seeds_without_collections(tmp_path / "seeds")
    (seeds / "900_unrelated_test.txt").write_text(UNRELATED, encoding="utf-8")
    with (seeds / "articles.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["900_unrelated_test.txt", "Warplanes strike Ariha", "Test wire", "2016-06-14", "stated", "", "", "", "en", ""])
    out = tmp_path / "out"
    run_build(seeds, out)
    for table in ID_COLUMNS:
        before, after = _ids(built, table), _ids(out, table)
        assert before <= after, f"{table}: ids changed: {sorted(before - after)}"
        assert after - before, f"{table}: the new article added nothing"


def test_two_builds_hold_the_same_database_and_downloads(built, again):
    import sqlite3

    def dump(folder):
        conn = sqlite3.connect(folder / "idlib-events.db")
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    first, second = dump(built), dump(again)
    assert len(first) > 1000 and first == second
    downloads = sorted(p.name for p in (built / "downloads").iterdir())
    assert downloads == sorted(p.name for p in (again / "downloads").iterdir())
    assert {"idlib-events-datapackage.zip", "events.geojson", "events_flat.csv", "events.csv"} <= set(downloads)
    for name in [f"downloads/{name}" for name in downloads] + ["metadata.yml"]:
        assert (again / name).read_bytes() == (built / name).read_bytes(), name
    for report in (built / "review").glob("*.txt"):
        assert (again / "review" / report.name).read_bytes() == report.read_bytes(), report.name

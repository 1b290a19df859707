"""Build entry point: seeds → extraction → CSV → Frictionless validation → SQLite → Datasette metadata.

    python -m scripts.build [--seeds DIR] [--out DIR] [--reference DIR] [--jobs N] [--cache DIR]
    DASK_SCHEDULER_ADDRESS=tcp://host:8786 python -m scripts.build ...   (extraction on a Dask cluster)

Every build is written into a folder of its own, out/.builds/<n>/, and published only when every step
has passed, by one atomic switch of the link out/current (scripts/output_folder.py): a failed or killed
build leaves the previous output untouched, and the next build clears what it left. A second build into
the same folder waits for the first (a lock in out/). The articles are extracted
over N processes (all cores by default), or on the Dask cluster whose scheduler DASK_SCHEDULER_ADDRESS names
(scripts/extraction_dask.py), each from the extraction cache when it is there
(scripts/extraction_runs.py); an article whose extraction fails is built without extracted rows and
named in the build report.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import sqlite3
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from . import output_folder
from .control_chars import escaped, one_line
from .csv_out import write_table
from .datasette1 import CONFIG_FILE as DATASETTE1_CONFIG
from .datasette1 import METADATA_FILE as DATASETTE1_METADATA
from .datasette1 import write_datasette1
from .downloads import write_downloads
from .errors import BuildError
from .extraction.new_places import SOURCE as NEW_PLACE_SOURCE
from .extraction_runs import SCHEDULER_VARIABLE, ExtractionRun, Failure, RunOptions, run_extractions
from .id_map import ID_MAP_FILE, REDIRECTS, evidence_tables, read_id_map, redirect_rows
from .load_sqlite import load_database
from .reference import load_reference
from .review_report import REVIEW_FOLDER, write_review_reports
from .reviews import apply_reviews, read_reviews, role_names
from .schema import load_descriptor, tables
from .seeds import read_articles, read_collections, refuse_oversized
from .serve import INSPECT_FILE, write_inspect_file
from .site_metadata import DATABASE, read_site_metadata, with_coverage, with_descriptions, write_site_metadata
from .summaries import FLAT
from .tables import EXTRACTION_CUT, NOT_PUBLISHED, NOT_UNDERSTOOD, STALE_REVIEWS, collection_tables, merged_tables
from .unresolved import ADD_TO
from .validate import validate_package

ROOT = Path(__file__).resolve().parents[1]
DB_FILE = f"{DATABASE}.db"
CACHE = ROOT / "build" / ".cache" / "extraction"
OUTPUTS = ("data", "datapackage.json", DB_FILE, INSPECT_FILE, "metadata.yml", DATASETTE1_CONFIG, DATASETTE1_METADATA,
           "build-report.txt", "downloads", REVIEW_FOLDER)
# Test hook: a build run with this variable set to a stage's name stops itself (SIGSTOP) as it enters that
# stage, so that tests/test_kill.py can kill it at a known point; unset, it changes nothing.
STOP_AT = "IDLIB_BUILD_STOP_AT"


def _stage_descriptor(descriptor: dict, collections: list[dict]) -> dict:
    """The package descriptor as it sits in the output folder: resource paths relative to it, and the
    collections the articles came from as its sources (with the credit and licence each asks for)."""
    staged = json.loads(json.dumps(descriptor))
    for resource in staged["resources"]:
        resource["path"] = f"data/{resource['name']}.csv"
    sources = [{"title": f"{c['title']}: {c['credit']}" if c["credit"] else c["title"],
                **({"path": c["source_url"]} if c["source_url"] else {}),
                **({"licenses": [{"name": c["licence"], "path": c["licence_url"]}]} if c["licence"] else {})}
               for c in collections if c["article_count"]]
    if sources:
        staged["sources"] = sources
    return staged


class BuildWatch:
    """What a caller sees of a build as it runs: a context around each stage (this one times nothing;
    scripts/bench.py times them) and the extraction's outcome. `stop_at` names the stage the process
    stops itself at (the STOP_AT test hook); None, the default, stops nowhere."""

    def __init__(self, stop_at: str | None = None) -> None:
        self.run: ExtractionRun | None = None
        self.stop_at = stop_at

    def stage(self, name: str) -> AbstractContextManager:
        if name == self.stop_at:
            os.kill(os.getpid(), signal.SIGSTOP)
        return nullcontext()

    def extracted(self, run: ExtractionRun) -> None:
        self.run = run


def _report(rows: dict[str, list[dict]], failures: list[Failure]) -> str:
    lines = ["idlib-events build", ""]
    lines += [f"  {name:<22} {len(table_rows):>6} rows" for name, table_rows in rows.items() if name not in NOT_PUBLISHED]
    if rows.get(NOT_UNDERSTOOD):
        articles = len({n["article_id"] for n in rows[NOT_UNDERSTOOD]})
        lines += ["", f"Number phrases not understood: {len(rows[NOT_UNDERSTOOD])} in {articles} article(s), "
                      "left out of the figures (see their review reports)"]
    if rows.get(EXTRACTION_CUT):
        lines += ["", f"Extraction stopped by the time budget (article_seconds in seeds/reference/limits.yml) for "
                      f"{len(rows[EXTRACTION_CUT])} article(s): built with what was read before; not cached, so the "
                      "next build extracts them again:"]
        lines += [f"  {cut['article_id']}: {cut['note']}" for cut in rows[EXTRACTION_CUT]]
    if failures:
        lines += ["", f"Extraction failed for {len(failures)} article(s): they are built without extracted rows:"]
        lines += [f"  {failure}" for failure in failures]
    if rows["reviews"]:
        files = len({r["article_id"] for r in rows["reviews"]})
        confirmed = sum(r["action"] == "confirm" for r in rows["reviews"])
        lines += ["", f"Reviewer corrections applied: {len(rows['reviews'])} from {files} file(s) in seeds/reviews/"
                      + (f" ({confirmed} confirm a row read right)" if confirmed else "")]
    if rows.get(STALE_REVIEWS):
        lines += ["", f"Stale reviewer corrections: {len(rows[STALE_REVIEWS])} no longer find their row and were not "
                      "applied (see their articles' review reports); update or remove them in seeds/reviews/:"]
        lines += [f"  {stale['article_id']}.yml {stale['where']}: {stale['problem']}" for stale in rows[STALE_REVIEWS]]
    new = [p for p in rows["places"] if p["coord_source"].startswith(NEW_PLACE_SOURCE)]
    if new:
        named_in: dict[str, set[str]] = {}
        for mention in rows["mentions"]:
            named_in.setdefault(mention["entity_id"], set()).add(mention["article_id"])
        lines += ["", f"Places not in the gazetteer ({len(new)}), published without a point where the articles name "
                      "them under a word for a place: add them to seeds/reference/places.csv with their coordinates:"]
        lines += [f"  {p['place_id']} ({p['name']}, {p['place_type']}, {p['governorate'] or 'governorate unknown'}): "
                  f"{', '.join(sorted(named_in.get(p['place_id'], ())))}" for p in new]
    names: dict[str, list[dict]] = {}
    for row in rows["unresolved_mentions"]:
        names.setdefault(row["surface"], []).append(row)
    if names:
        lines += ["", f"Unresolved names ({len(names)}): add them to seeds/reference/actors.yml or places.csv,",
                  "or to not_names / ignore_names in seeds/reference/lexicon/names.yml if they are not names to code:"]
        for surface, hits in sorted(names.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            articles = ", ".join(sorted({h["article_id"] for h in hits}))
            hint = f"  (maybe {hits[0]['suggested_entity_id']}?)" if hits[0]["suggested_entity_id"] else ""
            kinds = sorted({h["looks_like"] for h in hits if h.get("looks_like")})
            files = sorted({ADD_TO[kind] for kind in kinds})
            hint += f"  (looks like: {', '.join(kinds)}; add to {' or '.join(files)})" if kinds else ""
            lines.append(f"  {surface} ×{len(hits)} in {articles}{hint}")
    return escaped("\n".join(lines) + "\n")  # printed to terminals: no raw control characters


def built_article_ids(out: Path) -> set[str]:
    """Articles of the build already in `out` (none if there is none)."""
    try:
        with (out / "data" / "articles.csv").open(encoding="utf-8", newline="") as handle:
            return {row["article_id"] for row in csv.DictReader(handle)}
    except OSError:
        return set()


def flat_columns(db_path: Path) -> dict[str, list[str]]:
    """The flat events table's columns (described from the events table's, or in metadata.yml)."""
    with sqlite3.connect(db_path) as conn:
        return {FLAT: [row[1] for row in conn.execute(f"PRAGMA table_info([{FLAT}])")]}


def build(seeds: Path, out: Path, reference_dir: Path, descriptor_path: Path, site_path: Path, *, jobs: int = 1,
          cache: Path | None = None, watch: BuildWatch | None = None, scheduler: str | None = None) -> dict[str, list[dict]]:
    """Build every output into `out`; raises BuildError and leaves `out` as it was on any problem.
    `jobs` processes extract the articles, or the workers of the Dask scheduler at `scheduler` if given, reusing
    the extractions cached in `cache` (none: no cache)."""
    with output_folder.locked(out):
        with output_folder.writing_into(out):
            output_folder.prepare(out, OUTPUTS)
        return _build(seeds, out, reference_dir, descriptor_path, site_path, RunOptions(jobs, cache, reference_dir, scheduler),
                      watch or BuildWatch())


def _build(seeds: Path, out: Path, reference_dir: Path, descriptor_path: Path, site_path: Path, options: RunOptions,
           watch: BuildWatch) -> dict[str, list[dict]]:
    with watch.stage("read"):
        collections = read_collections(seeds)
        reference = load_reference(reference_dir)
        refuse_oversized(collections, reference.limits.max_article_bytes)
        articles = read_articles(seeds, collections, reference.published)
        descriptor = load_descriptor(descriptor_path)
        schema = tables(descriptor)
        site = read_site_metadata(site_path)
        reviews = read_reviews(seeds, {a.article_id for a in articles})
        renamable = {name: next(t.primary_key[0] for t in schema if t.name == name) for name in evidence_tables(schema)}
        id_map = read_id_map(seeds / ID_MAP_FILE, set(renamable))

    with watch.stage("extract"):
        run = run_extractions(articles, reference, options)
    watch.extracted(run)
    with watch.stage("merge+tables"):
        rows = merged_tables(run.extractions, reference)
    with watch.stage("reviews"):
        units = reference.extraction["figures"]["figures"]["units"]["by_category"]
        rows = apply_reviews(rows, reviews, units, reference.published, role_names(schema))
    annotation_columns = next(t.columns for t in schema if t.name == "collection_annotations")
    rows.update(collection_tables(collections, articles, annotation_columns))
    rows[REDIRECTS] = redirect_rows(id_map, rows, renamable)  # old ids of published releases → ids now

    with output_folder.writing_into(out):  # a full or read-only disk: one line, and the previous build kept
        build_dir = output_folder.new_build(out)
        try:
            with watch.stage("CSV"):
                (build_dir / "data").mkdir()
                for table in schema:
                    write_table(table, rows[table.name], build_dir / "data" / f"{table.name}.csv")
                staged_descriptor = build_dir / "datapackage.json"
                staged = _stage_descriptor(descriptor, rows["collections"])
                staged_descriptor.write_text(json.dumps(staged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            with watch.stage("validate"):
                validate_package(staged_descriptor, descriptor_path)
            with watch.stage("SQLite"):
                load_database(build_dir / DB_FILE, schema, build_dir / "data", site, DATABASE)
                write_inspect_file(build_dir)
            with watch.stage("downloads"):  # after the database: the flat CSV is its events_flat
                events = next(t for t in schema if t.name == "events")
                precision = next(f for f in events.fields if f["name"] == "geo_precision")
                downloads = write_downloads(build_dir, rows, build_dir / DB_FILE, build_dir / "downloads",
                                            {c["value"]: c["label"] for c in precision["categories"]})
            with watch.stage("site metadata"):
                site_metadata = with_descriptions(site, schema, flat_columns(build_dir / DB_FILE))
                site_metadata = with_coverage(site_metadata, rows, descriptor.get("version", ""), downloads)
                write_site_metadata(site_metadata, build_dir / "metadata.yml")
                write_datasette1(site_metadata, build_dir)  # the same, in Datasette 1.0's two files
            with watch.stage("review reports"):
                (build_dir / "build-report.txt").write_text(_report(rows, run.failures), encoding="utf-8")
                write_review_reports(rows, build_dir / REVIEW_FOLDER)
            with watch.stage("publish"):
                output_folder.switch(out, build_dir, OUTPUTS)
        except BaseException:
            output_folder.abandon(out, build_dir)
            raise
        with watch.stage("clean up"):
            output_folder.discard(out)  # the previous build
    return rows


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of articles + articles.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="output folder")
    parser.add_argument("--reference", type=Path, default=ROOT / "seeds" / "reference", help="actors, places, lexicons")
    parser.add_argument("--datapackage", type=Path, default=ROOT / "datapackage.json", help="schema descriptor")
    parser.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml", help="Datasette metadata")
    parser.add_argument("--jobs", type=int, default=cores(), help="processes that extract articles (default: all cores)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="folder of cached extractions")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    before = built_article_ids(args.out)
    scheduler = os.environ.get(SCHEDULER_VARIABLE) or None
    watch = BuildWatch(os.environ.get(STOP_AT) or None)
    try:
        rows = build(args.seeds, args.out, args.reference, args.datapackage, args.metadata, jobs=args.jobs,
                     cache=args.cache, watch=watch, scheduler=scheduler)
    except BuildError as exc:
        print(f"build failed: {one_line(str(exc))}", file=sys.stderr)
        return 1
    print(_report(rows, watch.run.failures), end="")
    on = f" on the Dask cluster at {scheduler}" if scheduler else ""
    print(f"\nExtracted {watch.run.extracted} article(s){on}, {watch.run.cached} from the cache in {args.cache}")
    if before:  # a first build is not followed by a review of every article
        for article in rows["articles"]:
            if article["article_id"] not in before:
                report = args.out / REVIEW_FOLDER / f"{article['article_id']}.txt"
                print(f"\nNew article (report in {report}):\n")
                print(report.read_text(encoding="utf-8"), end="")
    print(f"  → {args.out / DB_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

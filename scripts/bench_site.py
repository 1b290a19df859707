"""Time the served site on a large database beside the small one (`make bench-site`; a measurement, not a test).

    python -m scripts.bench_site [--build DIR] [--events N] [--runs K] [--out DIR] [--rebuild]

Builds a large database from a build's own tables (scripts/synthetic_rows.py: N events, twice as many
figures, one article for ten events; 1,000,000 events by default) with the build's own code (the CSV writer,
scripts/load_sqlite.py, the site metadata), and keeps it in DIR/N-events/ for the next run while its inputs
and the code that made it stay the same. Then it serves the small build and the large one in turn, each as
`make serve` does (scripts/serve.py, the deployment's settings) but with the page cache off, so that every
run computes its page; and asks each one for every default table page with its facets, facet selections,
the map's data, the search page and each of its previews, a text search of the events, every canned query
(empty and filled in), the dashboard and its chart's data, row pages, and the streamed CSV exports, K times
in a row (5 by default) on one keep-alive connection on loopback. It prints the minimum and the median of
each (the time from request to the last byte of the answer: the server's time, as the client on the same
machine waits for nothing else), and its answer's status and size; every streamed CSV is checked to hold
every row of its table. At the end: the pages whose median at N events is over the target (200 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import html
import io
import json
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from datasette.utils import tilde_encode

from .build import flat_columns
from .csv_out import write_table
from .downloads import Download, write_downloads
from .load import MAP_QUERY, SEARCH_PREVIEW, Connection, wait_until_up
from .load_sqlite import load_database, read_typed_csv
from .schema import load_descriptor, tables
from .serve import DB_FILE, INSPECT_FILE, ROOT, free_port, plugin_module, serve_command, write_inspect_file
from .site_metadata import DATABASE, read_site_metadata, with_coverage, with_descriptions, write_site_metadata
from .summaries import facet_counts_table
from .synthetic_rows import Scale, scaled_table

HOST = "127.0.0.1"
TARGET_MS = 200
PAGE_TIMEOUT_S = 120  # a page slower than this is reported, not waited for
EXPORT_TIMEOUT_S = 600  # a streamed CSV export not done by then is reported as not done
SEARCH_WORD = "strike"
# What makes a large database: change any of these (or the tables' facets and sort in metadata.yml) and it is
# built again. The site's metadata is written anew on every run, from metadata.yml as it is.
CODE = ("scripts/synthetic_rows.py", "scripts/load_sqlite.py", "scripts/summaries.py", "scripts/csv_out.py",
        "scripts/schema.py", "scripts/downloads.py", "plugins/counted_facets.py", "datapackage.json",
        *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scripts" / "sql").rglob("*.sql")))
DOWNLOADS_LIST = "bench-downloads.json"  # the downloads the large build wrote, for its home page
KEPT_TABLES = ("events", "articles", "places", "actors", "collections")  # read by the home page's coverage
SEARCHABLE_TABLES = re.compile(r'<script type="application/json" id="searchable-tables">(.*?)</script>', re.S)


@dataclass
class Timing:
    label: str
    status: int
    size: int
    seconds: list[float]
    note: str = ""
    export: bool = False

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.seconds) * 1000


def _key(small: Path, events: int, site: dict) -> str:
    digest = hashlib.sha256(f"{events}".encode())
    shaping = {name: {k: v for k, v in (spec or {}).items() if k in ("facets", "sort", "sort_desc")}
               for name, spec in site.get("databases", {}).get(DATABASE, {}).get("tables", {}).items()}
    digest.update(json.dumps([shaping, facet_counts_table(site)], sort_keys=True).encode())  # not its other settings
    for path in sorted((small / "data").glob("*.csv")) + [ROOT / name for name in CODE]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_large(small: Path, target: Path, events: int) -> None:
    """A build folder in `target` with the tables of the build in `small` scaled to `events` events: its CSVs,
    database, counts and downloads (its metadata: write_metadata)."""
    schema = tables(load_descriptor(ROOT / "datapackage.json"))
    rows = {table.name: list(read_typed_csv(table, small / "data" / f"{table.name}.csv")) for table in schema}
    scale = Scale(rows, events, 2 * events, events // 10)
    (target / "data").mkdir(parents=True)
    kept: dict[str, list[dict]] = {}  # what the GeoJSON and the home page read; of the other tables their count
    for table in schema:
        scaled = list(scaled_table(table.name, rows[table.name], scale))
        write_table(table, scaled, target / "data" / f"{table.name}.csv")
        kept[table.name] = scaled if table.name in KEPT_TABLES else [{}] * len(scaled)
        print(f"  {table.name}: {len(scaled):,} rows", flush=True)
        del scaled
    load_database(target / DB_FILE, schema, target / "data", read_site_metadata(ROOT / "metadata.yml"), DATABASE)
    write_inspect_file(target)
    shutil.copyfile(small / "datapackage.json", target / "datapackage.json")
    events_table = next(t for t in schema if t.name == "events")
    precision = next(f for f in events_table.fields if f["name"] == "geo_precision")
    downloads = write_downloads(target, kept, target / DB_FILE, target / "downloads",
                                {c["value"]: c["label"] for c in precision["categories"]})
    (target / DOWNLOADS_LIST).write_text(json.dumps([asdict(d) for d in downloads]), encoding="utf-8")


def write_metadata(target: Path) -> None:
    """The large build's metadata.yml, from metadata.yml as it is now (as the build writes it)."""
    schema = tables(load_descriptor(ROOT / "datapackage.json"))
    with sqlite3.connect(f"file:{target / DB_FILE}?immutable=1", uri=True) as conn:
        counts = {t.name: conn.execute(f"select count(*) from [{t.name}]").fetchone()[0] for t in schema}
    kept = {t.name: list(read_typed_csv(t, target / "data" / f"{t.name}.csv")) if t.name in KEPT_TABLES
            else [{}] * counts[t.name] for t in schema}
    downloads = [Download(**d) for d in json.loads((target / DOWNLOADS_LIST).read_text(encoding="utf-8"))]
    site = read_site_metadata(ROOT / "metadata.yml")
    metadata = with_coverage(with_descriptions(site, schema, flat_columns(target / DB_FILE)), kept, "bench", downloads)
    write_site_metadata(metadata, target / "metadata.yml")


def ensure_large(small: Path, out: Path, events: int, rebuild: bool) -> Path:
    target = out / f"{events}-events"
    key = _key(small, events, read_site_metadata(ROOT / "metadata.yml"))
    stamp = target / ".bench-key"
    if not rebuild and stamp.is_file() and stamp.read_text() == key and (target / DB_FILE).is_file():
        print(f"bench-site: reusing the database of {target} (same inputs and code)", flush=True)
        write_metadata(target)
        return target
    if target.exists():
        subprocess.run(["rm", "-rf", str(target)], check=True)
    print(f"bench-site: building {target} with {events:,} events …", flush=True)
    began = time.perf_counter()
    build_large(small, target, events)
    write_metadata(target)
    stamp.write_text(key)
    print(f"bench-site: built in {time.perf_counter() - began:.0f} s, "
          f"{(target / DB_FILE).stat().st_size / 2**20:,.0f} MiB", flush=True)
    return target


def without_page_cache(build_dir: Path, into: Path) -> Path:
    """A folder that serves `build_dir` with the page cache off (every run computes its page)."""
    metadata = yaml.safe_load((build_dir / "metadata.yml").read_text(encoding="utf-8"))
    metadata.setdefault("plugins", {})["page-cache"] = {"max_bytes": 0, "max_entry_bytes": 0}
    into.mkdir(parents=True)
    (into / "metadata.yml").write_text(yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name in (DB_FILE, INSPECT_FILE, "downloads"):
        if (build_dir / name).exists():
            (into / name).symlink_to((build_dir / name).resolve())
    return into


def _first(db: Path, sql: str) -> str:
    with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as conn:
        row = conn.execute(sql).fetchone()
    return row[0] if row else ""


def pages(db: Path, metadata: dict, search_page: str) -> list[tuple[str, str]]:
    """(label, URL) of every page timed, found in the database and the site's metadata."""
    base = f"/{DATABASE}"
    with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as conn:
        shown = [name for (name,) in conn.execute(
            "select name from sqlite_master where type in ('table', 'view') and name not like '%_fts%' "
            "and name not like 'sqlite_%' order by name")]
    config = metadata["databases"][DATABASE]
    found = [("home page", "/"), ("database page", base)]
    found += [(f"table {name}", f"{base}/{name}") for name in shown]
    event_type = _first(db, "select event_type from events group by 1 order by count(*) desc limit 1")
    month = _first(db, "select substr(event_date, 1, 7) from events group by 1 order by count(*) desc limit 1")
    actor = _first(db, "select actor1_id from events where actor1_id is not null group by 1 order by count(*) desc limit 1")
    found += [
        (f"events ?event_type={event_type}", f"{base}/events?{urlencode({'event_type': event_type})}"),
        (f"events ?event_type=…&actor1_id={actor}", f"{base}/events?{urlencode({'event_type': event_type, 'actor1_id': actor})}"),
        (f"events in {month} (month facet)", f"{base}/events?{urlencode(MONTH.selection('event_date', month))}"),
        (f"events _search={SEARCH_WORD}", f"{base}/events?{urlencode({'_search': SEARCH_WORD})}"),
        ("map data (events)", f"{base}/events.json?{MAP_QUERY}"),
        ("map data (places)", f"{base}/places.json?{MAP_QUERY}"),
        (f"search page q={SEARCH_WORD}", f"/-/search?{urlencode({'q': SEARCH_WORD})}"),
    ]
    preview = SEARCHABLE_TABLES.search(search_page)
    for item in json.loads(html.unescape(preview.group(1))) if preview else []:
        params = {"_search": SEARCH_WORD, **SEARCH_PREVIEW}
        found.append((f"search preview {item['table']}", f"{item['url_json']}?{urlencode(params)}"))
    filled = {"actor": _first(db, "select name from actors where actor_id = " + repr(actor)) if actor else "",
              "place": _first(db, "select p.name from events e join places p using (place_id) group by 1 "
                                  "order by count(*) desc limit 1"), "km": "10"}
    for name, query in config.get("queries", {}).items():
        found.append((f"query {name}", f"{base}/{name}"))
        if query.get("params"):
            values = {p: filled.get(p, "") for p in query["params"]}
            found.append((f"query {name} ({', '.join(values.values())})", f"{base}/{name}?{urlencode(values)}"))
    for name, dashboard in metadata.get("plugins", {}).get("datasette-dashboards", {}).items():
        found.append((f"dashboard {name}", f"/-/dashboards/{name}"))
        for chart_name, chart in dashboard.get("charts", {}).items():
            found.append((f"dashboard chart {chart_name}",
                          f"/{chart['db']}.json?sql={quote(chart['query'])}&_shape=objects"))
    event = _first(db, "select event_id from events order by rowid limit 1")
    article = _first(db, "select article_id from articles order by rowid limit 1")
    found += [("event page", f"{base}/events/{tilde_encode(event)}"),
              ("article page", f"{base}/articles/{tilde_encode(article)}")]
    return found


# (label, table, URL): what a reader downloads, each checked to hold every row of its table, or to end with the
# site's notice that it does not (plugins/csv_errors.py).
EXPORTS = (("events.csv streamed", "events", f"/{DATABASE}/events.csv?_stream=on&_size=max"),
           ("events_flat.csv streamed", "events_flat", f"/{DATABASE}/events_flat.csv?_stream=on&_size=max"),
           ("events.csv file (downloads)", "events", "/downloads/events.csv"),
           ("events_flat.csv file (downloads)", "events_flat", "/downloads/events_flat.csv"))
INCOMPLETE = plugin_module("csv_errors").INCOMPLETE.strip()
MONTH = plugin_module("counted_facets").MonthFacet  # how the site selects a month  # the last line of a CSV export cut short


def _csv_rows(body: bytes) -> tuple[int, int]:
    """How many rows a CSV holds, and how many different first cells (keys) they have (a notice line aside)."""
    rows = [row for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) if row and not row[0].startswith(INCOMPLETE)]
    return len(rows) - 1, len({row[0] for row in rows[1:]})


async def time_site(build_dir: Path, runs: int) -> dict[str, Timing]:
    """Serve `build_dir` and time every page `runs` times; label → Timing."""
    port = free_port()
    results: dict[str, Timing] = {}
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        served = without_page_cache(build_dir, Path(tmp) / "site")
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(serve_command(served, HOST, port), stdout=out, stderr=subprocess.STDOUT)
        connection = Connection(port, timeout=PAGE_TIMEOUT_S)
        try:
            await wait_until_up(connection, process, log)
            metadata = json.loads((await connection.get("/-/metadata.json"))[1])
            search_page = (await connection.get(f"/-/search?{urlencode({'q': SEARCH_WORD})}"))[1].decode()
            for label, url in pages(build_dir / DB_FILE, metadata, search_page):
                seconds, status, size, note = [], 0, 0, ""
                for _ in range(runs):
                    began = time.perf_counter()
                    try:
                        status, body = await connection.get(url)
                    except TimeoutError:
                        status, body, note = 0, b"", f"NOT DONE in {PAGE_TIMEOUT_S} s"
                    seconds.append(time.perf_counter() - began)
                    size = len(body)
                    if note:
                        break
                results[label] = Timing(label, status, size, seconds, note)
            db = build_dir / DB_FILE
            for label, table, url in EXPORTS:
                began = time.perf_counter()
                exporting = Connection(port, timeout=EXPORT_TIMEOUT_S)
                try:
                    status, body = await exporting.get(url)
                except TimeoutError:
                    results[label] = Timing(label, 0, 0, [EXPORT_TIMEOUT_S], f"NOT DONE in {EXPORT_TIMEOUT_S} s", True)
                    continue
                finally:
                    exporting.close()
                seconds = [time.perf_counter() - began]
                rows, keys, whole = _csv_rows(body) + (int(_first(db, f"select count(*) from [{table}]")),)
                if rows == keys == whole:
                    note = "every row"
                elif body.rstrip().rsplit(b"\n", 1)[-1].startswith(INCOMPLETE.encode()):
                    note = f"{keys:,} of {whole:,} rows, then the notice that the download is incomplete"
                else:
                    note = f"{keys:,} different of {rows:,} rows for {whole:,}: CUT SHORT OR WRONG"
                results[label] = Timing(label, status, len(body), seconds, note, True)
        finally:
            connection.close()
            process.terminate()
            process.wait(timeout=30)
    return results


def report(small: dict[str, Timing], large: dict[str, Timing], events: int, small_events: int) -> str:
    lines = [f"{'page':<58}{'small: min':>11}{'median':>8}   {f'{events:,} events: min':>22}{'median':>8}"
             f"{'status':>7}{'size':>12}",
             f"{'':<58}{f'({small_events} events, ms)':>19}   {'(ms)':>30}"]
    for label, timing in large.items():
        before = small.get(label)
        lines.append(f"{label[:57]:<58}{before.min_ms if before else float('nan'):>11.0f}"
                     f"{before.median_ms if before else float('nan'):>8.0f}   {timing.min_ms:>22.0f}"
                     f"{timing.median_ms:>8.0f}{timing.status:>7}{timing.size:>12,}"
                     + (f"  {timing.note}" if timing.note else ""))
    pages_only = [t for t in large.values() if not t.export]
    slow = [t for t in pages_only if t.median_ms > TARGET_MS or not 200 <= t.status < 400]
    lines.append("")
    lines.append(f"{len(pages_only) - len(slow)} of {len(pages_only)} pages answer within {TARGET_MS} ms (median) at "
                 f"{events:,} events" + (":" if slow else "."))
    lines += [f"  over: {t.label} ({t.median_ms:.0f} ms, HTTP {t.status})" for t in slow]
    wrong = [t for t in large.values() if t.export and ("CUT SHORT" in t.note or "NOT DONE" in t.note)]
    said = ("every row, or a notice that the download is incomplete" if not wrong
            else "CUT SHORT SILENTLY: " + ", ".join(t.label for t in wrong))
    lines.append(f"exports: {said}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="the small build (its tables are scaled)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the large database")
    parser.add_argument("--runs", type=int, default=5, help="times each page is asked for")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench-site", help="where large databases are kept")
    parser.add_argument("--rebuild", action="store_true", help="build the large database even if one is kept")
    args = parser.parse_args(argv)
    if not (args.build / DB_FILE).is_file():
        parser.error(f"{args.build / DB_FILE}: missing; run `make` first")
    large_dir = ensure_large(args.build, args.out, args.events, args.rebuild)
    small_events = int(_first(args.build / DB_FILE, "select count(*) from events"))
    small = asyncio.run(time_site(args.build, args.runs))
    large = asyncio.run(time_site(large_dir, args.runs))
    print(report(small, large, args.events, small_events))
    return 0


if __name__ == "__main__":
    sys.exit(main())

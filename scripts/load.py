"""Load-test the served site on loopback and print its figures (`make load`; a measurement, not a test).

    python -m scripts.load [--build DIR] [--duration S] [--connections N]

Starts the site exactly as `make serve` does (scripts/serve.py's serve_command) on a free port of
127.0.0.1, then keeps N connections busy for S seconds, each asking in turn for: the events page with
its facets, an event's page, the search page, one of the JSON previews that page's script fetches
(static/search.js), a canned query, a table's CSV streamed whole, and the map's data (the JSON the
cluster-map plugin fetches, static/map.js). Before the clock starts, each URL is asked for once, one
at a time, and timed apart ("first visits": a page's cost before the site keeps it in memory). Prints
requests/s, p50/p99 per kind of request and overall, the error count, and the server's resident
memory at the start, the end and its peak. The defaults and the hard upper bounds on S and N are in
scripts/load.yml.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import math
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import yaml
from datasette.utils import tilde_encode

from .serve import DB_FILE, ROOT, free_port, serve_command

CONFIG = Path(__file__).with_name("load.yml")
DATABASE = "idlib-events"
HOST = "127.0.0.1"  # loopback only: the test never leaves the machine
# What the cluster-map plugin appends to the table's JSON URL (datasette-cluster-map.js), and what
# static/map.js adds to it (no facets, no suggestions).
MAP_QUERY = "_size=max&_labels=on&_extra=count&_extra=next_url&_shape=objects&_nofacet=1&_nosuggest=1"
SEARCH_PREVIEW = {"_shape": "objects", "_labels": "on", "_size": 5, "_nofacet": 1, "_nosuggest": 1}  # static/search.js
SEARCHABLE_TABLES = re.compile(r'<script type="application/json" id="searchable-tables">(.*?)</script>', re.S)


def read_config(path: Path = CONFIG) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class Kind:
    """One kind of request: its name, the URLs it cycles through, and what it measured."""

    name: str
    urls: list[str]
    follow_next: bool = False  # the map follows next_url until the rows are all loaded
    seconds: list[float] = field(default_factory=list)
    first_visits: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    def __post_init__(self) -> None:
        self._urls = itertools.cycle(self.urls)

    def next_url(self) -> str:
        return next(self._urls)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (share 0.5 = median, 0.99 = p99)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def event_ids(db_path: Path) -> list[str]:
    with sqlite3.connect(f"file:{db_path}?immutable=1", uri=True) as conn:
        return [row[0] for row in conn.execute("select event_id from events order by event_id")]


class Connection:
    """One keep-alive HTTP/1.1 connection to the site, on asyncio streams (httpx costs the client ~6 ms of
    CPU a request, on the same cores as the server)."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout = port, timeout
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, url: str) -> tuple[int, bytes]:
        """GET `url` (a path and query): its status and whole body."""
        try:
            return await asyncio.wait_for(self._get(url), self.timeout)
        except BaseException:
            self.close()
            raise

    async def _get(self, url: str) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(HOST, self.port)
        reader, writer = self.streams
        writer.write(f"GET {url} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n\r\n".encode("latin-1"))
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in head[1:] if line)}
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            body = b"".join(chunks)
        else:
            body = await reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def fetch(connection: Connection, url: str, follow_next: bool) -> tuple[int, bytes]:
    """GET `url` and read its whole body (following the map's next_url pages when asked)."""
    while True:
        status, body = await connection.get(url)
        if status >= 400 or not follow_next:
            return status, body
        next_url = json.loads(body).get("next_url") or ""
        if not next_url:
            return status, body
        url = urlsplit(next_url)._replace(scheme="", netloc="").geturl()


async def kinds(connection: Connection, db_path: Path, config: dict) -> list[Kind]:
    """The kinds of request, with their URLs found on the running site."""
    words = config["search_words"]
    search_page = (await connection.get(f"/-/search?{urlencode({'q': words[0]})}"))[1].decode()
    found = SEARCHABLE_TABLES.search(search_page)
    if not found:
        raise SystemExit("load: the search page lists no searchable tables")
    previews = [f"{table['url_json']}?{urlencode({'_search': word, **SEARCH_PREVIEW})}"
                for word in words for table in json.loads(html.unescape(found.group(1)))]
    return [
        Kind("events page (facets)", [f"/{DATABASE}/events"]),
        Kind("event page", [f"/{DATABASE}/events/{tilde_encode(event_id)}" for event_id in event_ids(db_path)]),
        Kind("search page", [f"/-/search?{urlencode({'q': word})}" for word in words]),
        Kind("search preview", previews),
        Kind("canned query", [f"/{DATABASE}/{config['canned_query']}"]),
        Kind("streamed CSV", [f"/{DATABASE}/{config['streamed_csv']}"]),
        Kind("map data", [f"/{DATABASE}/events.json?{MAP_QUERY}"], follow_next=True),
    ]


async def drive(port: int, mix: list[Kind], connections: int, duration: float, timeout: float) -> float:
    """Keep `connections` connections busy for `duration` seconds; returns the seconds it took."""
    order = itertools.cycle(mix)
    start = time.perf_counter()
    stop = start + duration

    async def worker() -> None:
        connection = Connection(port, timeout)
        while time.perf_counter() < stop:
            kind = next(order)
            began = time.perf_counter()
            try:
                status, _ = await fetch(connection, kind.next_url(), kind.follow_next)
                failed = f"HTTP {status}" if status >= 400 else ""
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                failed = f"{type(exc).__name__}: {exc}"
            kind.seconds.append(time.perf_counter() - began)
            if failed:
                kind.errors += 1
                kind.first_error = kind.first_error or failed
        connection.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - start


def rss_mib(pid: int, key: str = "VmRSS") -> float:
    """Resident memory of process `pid` (VmRSS now, or VmHWM: its peak), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def wait_until_up(connection: Connection, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if (await connection.get("/-/versions.json"))[0] == 200:
                return
        except (OSError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.2)
    raise SystemExit(f"load: the site did not start:\n{log.read_text(errors='replace')[-2000:]}")


def report(mix: list[Kind], elapsed: float, connections: int, memory: dict[str, float], log_bytes: int) -> str:
    every = [s for kind in mix for s in kind.seconds]
    errors = sum(kind.errors for kind in mix)
    lines = [f"{'request':<22}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}"
             f"   first visits: {'count':>6}{'p50 ms':>9}{'p99 ms':>9}"]
    firsts = [s for kind in mix for s in kind.first_visits]
    for name, seconds, failed, first in [(k.name, k.seconds, k.errors, k.first_visits) for k in mix] + [
            ("all", every, errors, firsts)]:
        lines.append(f"{name:<22}{len(seconds):>8}{failed:>8}{percentile(seconds, 0.5) * 1000:>9.0f}"
                     f"{percentile(seconds, 0.99) * 1000:>9.0f}{'':17}{len(first):>6}"
                     f"{percentile(first, 0.5) * 1000:>9.0f}{percentile(first, 0.99) * 1000:>9.0f}")
    lines.append(f"{len(every) / elapsed:.1f} requests/s over {elapsed:.1f} s with {connections} connections; "
                 f"{errors} error(s)")
    lines += [f"  {kind.name}: {kind.first_error}" for kind in mix if kind.errors]
    lines.append(f"server memory (RSS): start {memory['start']:.0f} MiB, end {memory['end']:.0f} MiB, "
                 f"peak {memory['peak']:.0f} MiB; server log {log_bytes:,} bytes")
    return "\n".join(lines)


async def run(build_dir: Path, duration: float, connections: int, config: dict) -> int:
    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(serve_command(build_dir, HOST, port), stdout=out, stderr=subprocess.STDOUT)
        setup = Connection(port, config["request_timeout_s"])
        try:
            await wait_until_up(setup, process, log)
            mix = await kinds(setup, build_dir / DB_FILE, config)
            for kind in mix:  # first visits, one at a time: what a page costs before the site has kept it
                for url in kind.urls[:config["first_visits_per_kind"]]:
                    began = time.perf_counter()
                    await fetch(setup, url, kind.follow_next)
                    kind.first_visits.append(time.perf_counter() - began)
            setup.close()
            start_rss = rss_mib(process.pid)
            print(f"load: {connections} connections for {duration:g} s against {base}/ "
                  f"({build_dir / DB_FILE})", flush=True)
            elapsed = await drive(port, mix, connections, duration, config["request_timeout_s"])
            memory = {"start": start_rss, "end": rss_mib(process.pid), "peak": rss_mib(process.pid, "VmHWM")}
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        print(report(mix, elapsed, connections, memory, log.stat().st_size))
    return 1 if sum(kind.errors for kind in mix) else 0


def main(argv: list[str] | None = None) -> int:
    config = read_config()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build output folder")
    parser.add_argument("--duration", type=float, default=config["duration_s"], help="seconds of load")
    parser.add_argument("--connections", type=int, default=config["connections"], help="concurrent connections")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= config["max_duration_s"]:
        parser.error(f"--duration must be more than 0 and at most {config['max_duration_s']} s")
    if not 0 < args.connections <= config["max_connections"]:
        parser.error(f"--connections must be 1 to {config['max_connections']}")
    if not (args.build / DB_FILE).is_file():
        parser.error(f"{args.build / DB_FILE}: missing; run `make` first")
    return asyncio.run(run(args.build, args.duration, args.connections, config))


if __name__ == "__main__":
    sys.exit(main())

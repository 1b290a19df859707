"""The site under the newest Datasette 1.0 alpha: what works and what breaks (`make datasette1-check`).

    python -m scripts.datasette1_check [--build DIR] [--venv DIR]

Installs requirements-datasette1.txt (the alpha and the site's Datasette plugins at versions that install beside
it, with hashes) into a virtualenv of its own (.venv-datasette1/, apart from .venv, where the site runs on 0.65),
serves the build with its Datasette 1.0 files (build/datasette.yaml and build/metadata-1.0.yml,
scripts/datasette1.py) and the site's templates, plugins and static files, and runs the site's smoke checks:
the home page, every main table page with its facets, an event's and an article's page, every canned query,
the search page and its JSON previews, the dashboards, the map's data, the CSV exports, every extra CSS/JS
URL and the effects of the site's own plugins. Prints one line per check: works, or breaks with the error.
A site plugin that Datasette 1.0 cannot import or start with is reported and left out, so that the others are
checked. A report, not a test: it exits 0 whatever breaks (1 only when it cannot run at all). README,
"Datasette 1.0".
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import html
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .datasette1 import CONFIG_FILE, METADATA_FILE
from .serve import DB_FILE, PLUGINS, ROOT, TEMPLATES, free_port, serve_command, static_mounts
from .site_metadata import DATABASE, HOME_PAGE, VALUE_LABELS

VENV = ROOT / ".venv-datasette1"
REQUIREMENTS = ROOT / "requirements-datasette1.txt"
STAMP = ".requirements-installed"
START_SECONDS = 60
# What the site's scripts ask of the JSON API (static/search.js: a preview of each searchable table;
# datasette-cluster-map and static/map.js: the map's rows) and the keys they read from the answer.
SEARCH_PREVIEW = {"_shape": "objects", "_labels": "on", "_size": "5"}
SEARCH_PREVIEW_KEYS = ("rows", "primary_keys", "filtered_table_rows_count")
MAP_DATA = {"_shape": "objects", "_labels": "on", "_size": "max"}
FORMULA_SQL = "select '=1+1' as cell"  # plugins/csv_formulas.py writes it as '=1+1


class Broken(Exception):
    """A check that failed, with what went wrong."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


@dataclass
class Site:
    """The served site under test, with the configuration and database it serves."""

    base: str
    config: dict
    metadata: dict
    db: sqlite3.Connection
    log: Path
    results: list[tuple[str, str, str]] = field(default_factory=list)

    def get(self, path: str, params: dict | None = None, follow: bool = True) -> Answer:
        """The answer to GET `path` (following the site's redirects, as a browser does, unless `follow` is False)."""
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        for _ in range(5):
            answer = self._fetch(url)
            location = answer.headers.get("location")
            if not (follow and 300 <= answer.status < 400 and location):
                break
            url = urllib.parse.urljoin(url, location)
        return answer

    @staticmethod
    def _fetch(url: str) -> Answer:
        try:
            with OPENER.open(url, timeout=60) as response:
                return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def ok(self, path: str, params: dict | None = None) -> Answer:
        """The answer to GET `path`, which must be 200 (else Broken with the status and the error)."""
        logged_before = self.log.stat().st_size
        answer = self.get(path, params)
        if answer.status != 200:
            raise Broken(f"HTTP {answer.status}: {self.error_of(answer, logged_before)}")
        return answer

    def error_of(self, answer: Answer, logged_before: int) -> str:
        """The error of an answer, on one line: the exception the server logged for it, else the page's message."""
        if 300 <= answer.status < 400:
            return f"redirects to {answer.headers.get('location')}"
        with self.log.open("rb") as log:
            log.seek(logged_before)
            logged = [line for line in log.read().decode(errors="replace").splitlines()
                      if re.match(r"^[\w.]+(Error|Exception)\b", line)]
        found = re.search(r'"error":\s*"([^"]+)"|<p class="message-error">(.*?)</p>|<pre>(.*?)</pre>', answer.text, re.S)
        shown = next((g for g in found.groups() if g), "") if found else ""
        return " ".join((logged[-1] if logged else shown or answer.text[:200]).split())[:300]

    def check(self, name: str, run: Callable[[], str]) -> None:
        try:
            self.results.append((name, "works", run() or ""))
        except Broken as error:
            self.results.append((name, "BREAKS", str(error)))
        except Exception as error:  # noqa: BLE001 (a check that crashes is reported like one that fails)
            self.results.append((name, "BREAKS", f"{type(error).__name__}: {error}"))


def ensure_venv(venv: Path) -> Path:
    """The `datasette` of `venv`, with requirements-datasette1.txt installed (again when it changed)."""
    stamp = venv / STAMP
    if not stamp.exists() or stamp.stat().st_mtime < REQUIREMENTS.stat().st_mtime:
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--require-hashes", "-r", str(REQUIREMENTS)], check=True)
        stamp.touch()
    return venv / "bin" / "datasette"


IMPORT_PLUGIN = """
import sys
from datasette.utils import module_from_path
try:
    module_from_path(sys.argv[1], name=sys.argv[1].rsplit("/", 1)[-1])
except Exception as error:
    print(f"{type(error).__name__}: {error}")
"""


def unimportable_plugins(venv: Path) -> dict[str, str]:
    """Site plugin file name → the error Datasette 1.0 raises importing it (as `--plugins-dir` does)."""
    failed = {}
    for path in sorted(PLUGINS.glob("*.py")):
        run = subprocess.run([str(venv / "bin" / "python"), "-c", IMPORT_PLUGIN, str(path)], capture_output=True, text=True)
        error = run.stdout.strip() or ((run.stderr.strip().splitlines() or ["failed"])[-1] if run.returncode else "")
        if error:
            failed[path.name] = error
    return failed


def serve_argv(datasette: Path, build_dir: Path, plugins_dir: Path, port: int) -> list[str]:
    """scripts/serve.py's command line for Datasette 1.0: the 1.0 files instead of metadata.yml and --setting."""
    argv = [str(datasette), "serve", "-i", str(build_dir / DB_FILE), "-m", str(build_dir / METADATA_FILE),
            "-c", str(build_dir / CONFIG_FILE), "--template-dir", str(TEMPLATES), "--plugins-dir", str(plugins_dir)]
    for mount, folder in static_mounts(build_dir):
        argv += ["--static", f"{mount}:{folder}"]
    return argv + ["--host", "127.0.0.1", "--port", str(port)]


def answers(url: str) -> bool:
    """Whether `url` answers at all (any status)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@contextlib.contextmanager
def running(argv: list[str], base: str, log: Path) -> Iterator[str | None]:
    """Start `argv`; yield None once it answers, or the end of its log if it exits or does not answer."""
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_SECONDS
    try:
        while not (up := answers(f"{base}/-/versions.json")) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.3)
        yield None if up else log.read_text(errors="replace").strip() or "no output"
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        process.kill()  # nothing when it has ended
        process.wait()


def culprit(log: str, plugins_dir: Path) -> str | None:
    """The site plugin (a file of `plugins_dir`) named last in the traceback of `log`."""
    named = re.findall(r'File "' + re.escape(str(plugins_dir)) + r'/([^/"]+\.py)"', log)
    return named[-1] if named else None


def plugins_copy(folder: Path, left_out: set[str]) -> Path:
    """A copy of plugins/ in `folder` without the files in `left_out`."""
    target = folder / "plugins"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for path in PLUGINS.glob("*.py"):
        if path.name not in left_out:
            shutil.copy(path, target / path.name)
    return target


# The canned queries' parameters, each as the SQL that picks an example from the build's database.
EXAMPLE_PARAMS = {
    "actor": "select actor_id from event_actors order by actor_id limit 1",
    "place": "select place_id from events order by event_id limit 1",
    "km": "select 25",
}
# A query that runs until stopped: plugins/public_sql.py stops it at its time_limit_ms, before the site's limit.
ENDLESS_SQL = "with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n"


def _database(site: Site) -> dict:
    return site.config["databases"][DATABASE]


def _facet_columns(spec: dict) -> list[str]:
    """The column of each configured facet ("event_type", or {"month": "event_date"})."""
    return [f if isinstance(f, str) else next(iter(f.values())) for f in spec.get("facets", [])]


def _one(site: Site, sql: str) -> str:
    return str(site.db.execute(sql).fetchone()[0])


def _csv_rows(answer: Answer) -> list[list[str]]:
    if not answer.body.startswith(b"\xef\xbb\xbf"):
        raise Broken("no byte-order mark (plugins/csv_bom.py)")
    return list(csv.reader(io.StringIO(answer.body.decode("utf-8-sig"))))


def home_page(site: Site) -> str:
    text = site.ok("/").text
    sections = [s["title"] for s in site.config["plugins"][HOME_PAGE]["sections"]]
    missing = [title for title in sections if title not in text]
    if missing:
        raise Broken(f"sections not shown (plugins/home_page.py): {', '.join(missing)}")
    return f"{len(sections)} sections"


def table_page(site: Site, table: str) -> Callable[[], str]:
    def run() -> str:
        text = site.ok(f"/{DATABASE}/{table}").text
        columns = _facet_columns(_database(site)["tables"][table])
        missing = [c for c in columns if f'data-column="{c}"' not in text]
        if missing:
            raise Broken(f"facets not shown: {', '.join(missing)}")
        return f"{len(columns)} facets"
    return run


def settings(site: Site) -> str:
    served = site.ok("/-/settings.json").json()
    wrong = {k: served.get(k) for k, v in site.config["settings"].items() if served.get(k) != v}
    if wrong:
        raise Broken(f"served with {wrong}")
    return f"{len(site.config['settings'])} settings as configured"


def descriptions(site: Site) -> str:
    described = site.metadata["databases"][DATABASE]["tables"]["events"]
    text = html.unescape(site.ok(f"/{DATABASE}/events").text)
    column, description = next(iter(described["columns"].items()))
    if " ".join(described["description"].split()) not in text or 'class="column-descriptions"' not in text:
        raise Broken("the table's description or its column descriptions are not on the page")
    if description not in text:
        raise Broken(f"the description of {column} is not on the page")
    return "table and columns described"


def page_assets(site: Site, path: str) -> Callable[[], str]:
    """Every script and stylesheet the page at `path` loads from the site answers 200."""
    def run() -> str:
        text = site.ok(path).text
        urls = sorted(set(re.findall(r'<script[^>]*\ssrc="(/[^"]*)"|<link[^>]*\shref="(/[^"]*\.css[^"]*)"', text)))
        urls = [a or b for a, b in urls]
        broken = [f"{url} ({site.get(url).status})" for url in urls if site.get(url).status != 200]
        if broken:
            raise Broken(f"not loading: {', '.join(broken)}")
        return f"{len(urls)} load"
    return run


def value_labels(site: Site) -> str:
    labels = site.config["plugins"][VALUE_LABELS]["events"]["geo_precision"]
    value = _one(site, "select geo_precision from events where geo_precision is not null limit 1")
    if labels[value] not in site.ok(f"/{DATABASE}/events").text:
        raise Broken(f"geo_precision {value} is not shown as {labels[value]!r} (plugins/value_labels.py)")
    return f"{value} shown as {labels[value]!r}"


def row_page(site: Site, table: str, marker: str) -> Callable[[], str]:
    def run() -> str:
        key = _one(site, f"select {table[:-1]}_id from {table} order by 1 limit 1")
        if marker not in site.ok(f"/{DATABASE}/{table}/{urllib.parse.quote(key)}").text:
            raise Broken(f"the site's row template is not used ({marker} missing)")
        return key
    return run


def canned_query(site: Site, name: str) -> Callable[[], str]:
    def run() -> str:
        params = {p: _one(site, EXAMPLE_PARAMS[p]) for p in _database(site)["queries"][name].get("params", [])}
        site.ok(f"/{DATABASE}/{name}", params)
        rows = site.ok(f"/{DATABASE}/{name}.json", {**params, "_shape": "array"}).json()
        return f"{len(rows)} rows"
    return run


def foreign_key_links(site: Site) -> str:
    actor = _one(site, EXAMPLE_PARAMS["actor"])
    event = _one(site, f"select event_id from event_actors where actor_id = '{actor}' order by event_id limit 1")
    if f'href="/{DATABASE}/events/{event}"' not in site.ok(f"/{DATABASE}/actor_record", {"actor": actor}).text:
        raise Broken("event ids in query results are not links (plugins/foreign_key_links.py)")
    return "ids link their rows"


def _search_term(site: Site) -> str:
    return _one(site, "select p.name from events e join places p using (place_id) order by e.event_id limit 1")


def search_page(site: Site) -> list[dict]:
    text = site.ok("/-/search", {"q": _search_term(site)}).text
    found = re.search(r'<script type="application/json" id="searchable-tables">(.*?)</script>', text, re.S)
    if not found:
        raise Broken("no list of searchable tables in the page (templates/search_all.html)")
    return json.loads(found[1])


def search_preview(site: Site, item: dict) -> Callable[[], str]:
    def run() -> str:
        path = urllib.parse.urlsplit(item["url_json"]).path
        data = site.ok(path, {**SEARCH_PREVIEW, "_search": _search_term(site)}).json()
        missing = [key for key in SEARCH_PREVIEW_KEYS if key not in data]
        if missing:
            raise Broken(f"the JSON lacks {', '.join(missing)}, which static/search.js reads")
        return f"{data['filtered_table_rows_count']} matches"
    return run


def dashboard(site: Site, name: str, spec: dict) -> Callable[[], str]:
    def run() -> str:
        if spec.get("title", name) not in site.ok(f"/-/dashboards/{name}").text:
            raise Broken("the dashboard's title is not on its page")
        for chart in spec.get("charts", {}).values():
            site.ok(f"/{chart['db']}.json", {"sql": chart["query"], "_shape": "array"})
        return f"{len(spec.get('charts', {}))} charts' queries run"
    return run


def map_data(site: Site, table: str) -> Callable[[], str]:
    def run() -> str:
        columns = _database(site)["tables"][table]["plugins"]["datasette-cluster-map"]
        if f'DATASETTE_CLUSTER_MAP_LATITUDE_COLUMN = "{columns["latitude_column"]}"' not in site.ok(f"/{DATABASE}/{table}").text:
            raise Broken("the page does not load the cluster map with its columns")
        data = site.ok(f"/{DATABASE}/{table}.json", MAP_DATA).json()
        points = [r for r in data.get("rows", []) if isinstance(r, dict) and r.get(columns["latitude_column"]) is not None]
        if not points or "next_url" not in data:
            raise Broken(f"no rows with {columns['latitude_column']}, or no next_url (datasette-cluster-map pages by it)")
        return f"{len(points)} points"
    return run


def map_labels(site: Site) -> str:
    answer = site.ok("/-/metadata.json")
    if VALUE_LABELS not in (answer.json().get("plugins") or {}):
        raise Broken(f"/-/metadata.json has no plugins → {VALUE_LABELS} (static/map.js popups)")
    return "popups get the value labels"


def csv_export(site: Site, path: str) -> Callable[[], str]:
    def run() -> str:
        parts = urllib.parse.urlsplit(path)
        table = parts.path.rsplit("/", 1)[-1].removesuffix(".csv")
        rows = _csv_rows(site.ok(parts.path, dict(urllib.parse.parse_qsl(parts.query))))
        expected = int(_one(site, f"select count(*) from [{table}]"))
        if len(rows) - 1 != expected:
            raise Broken(f"{len(rows) - 1} rows of {expected}")
        return f"all {expected} rows"
    return run


def csv_formulas(site: Site) -> str:
    rows = _csv_rows(site.ok(f"/{DATABASE}.csv", {"sql": FORMULA_SQL}))
    if rows[1:] != [["'=1+1"]]:
        raise Broken(f"formula cell written as {rows[1:]} (plugins/csv_formulas.py)")
    return "=1+1 written as '=1+1"


def csv_errors(site: Site) -> str:
    answer = site.get(f"/{DATABASE}.csv", {"sql": "select no_such_column"})
    if answer.status != 400:
        raise Broken(f"HTTP {answer.status} for a failing query (plugins/csv_errors.py answers 400)")
    return "400"


def public_sql(site: Site) -> str:
    limit = site.config["plugins"]["public-sql"]["time_limit_ms"]
    started = time.monotonic()
    answer = site.get(f"/{DATABASE}.json", {"sql": ENDLESS_SQL})
    seconds = time.monotonic() - started
    if answer.status == 200 or seconds * 1000 > (limit + site.config["settings"]["sql_time_limit_ms"]) / 2:  # nearer

        raise Broken(f"HTTP {answer.status} after {seconds:.1f} s (plugins/public_sql.py stops it at {limit} ms)")
    return f"stopped after {seconds:.1f} s"


def asset(site: Site, url: str) -> Callable[[], str]:
    def run() -> str:
        site.ok(url)
        if f'"{url}"' not in site.ok(f"/{DATABASE}/events").text:
            raise Broken("loads, but pages do not include it")
        return "loads and pages include it"
    return run


def robots(site: Site) -> str:
    if "Disallow" not in site.ok("/robots.txt").text:
        raise Broken("robots.txt disallows nothing (datasette-block-robots)")
    return "disallows the database"


def download(site: Site, path: str) -> Callable[[], str]:
    return lambda: f"{len(site.ok(path).body):,} bytes"


def id_redirect(site: Site) -> str:
    found = site.db.execute("select table_name, old_id, new_id from id_redirects order by 1, 2 limit 1").fetchone()
    if not found:
        return "no old ids in this build"
    answer = site.get(f"/{DATABASE}/{found[0]}/{urllib.parse.quote(found[1])}", follow=False)
    if answer.status != 301 or not answer.headers.get("location", "").endswith(urllib.parse.quote(found[2])):
        raise Broken(f"HTTP {answer.status} for an old id (plugins/id_redirects.py answers 301)")
    return "301 to the new id"


def _home_links(site: Site) -> list[str]:
    """The site paths the build's downloads paragraph links (scripts/site_metadata.py)."""
    html = site.config["plugins"][HOME_PAGE]["downloads_html"]
    return [link.replace("&amp;", "&") for link in re.findall(r'href="(/[^"]+)"', html)]


def run_checks(site: Site) -> None:
    """Every smoke check of the site, into site.results."""
    site.check("settings", lambda: settings(site))
    site.check("home page", lambda: home_page(site))
    for table in _database(site)["tables"]:
        site.check(f"table page {table}", table_page(site, table))
    site.check("value labels on the events page", lambda: value_labels(site))
    site.check("descriptions on the events page", lambda: descriptions(site))
    site.check("event page", row_page(site, "events", 'class="event-card"'))
    site.check("article page", row_page(site, "articles", 'class="article-text"'))
    for name in _database(site)["queries"]:
        site.check(f"canned query {name}", canned_query(site, name))
    site.check("ids link their rows in query results", lambda: foreign_key_links(site))
    site.check("search page", lambda: f"{len(search_page(site))} tables searched")
    with contextlib.suppress(Exception):
        for item in search_page(site):
            site.check(f"search preview {item['table']}", search_preview(site, item))
    for name, spec in site.config["plugins"].get("datasette-dashboards", {}).items():
        site.check(f"dashboard {name}", dashboard(site, name, spec))
    for table, spec in _database(site)["tables"].items():
        if "datasette-cluster-map" in spec.get("plugins", {}):
            site.check(f"map data {table}", map_data(site, table))
    site.check("map popups' value labels", lambda: map_labels(site))
    site.check("CSV events (streamed)", csv_export(site, f"/{DATABASE}/events.csv?_stream=on&_size=max"))
    for link in _home_links(site):
        # the files of /downloads/ are the package's CSVs as they are (no byte-order mark): a download, not an export
        check = csv_export(site, link) if ".csv" in link and not link.startswith("/downloads/") else download(site, link)
        site.check(f"home page link {link.split('?')[0]}", check)
    site.check("CSV formula cells", lambda: csv_formulas(site))
    site.check("CSV of a failing query", lambda: csv_errors(site))
    site.check("public SQL time limit", lambda: public_sql(site))
    for url in [u if isinstance(u, str) else u["url"] for key in ("extra_css_urls", "extra_js_urls")
                for u in site.config.get(key, [])]:
        site.check(f"extra CSS/JS {url}", asset(site, url))
    for path in ("/", f"/{DATABASE}/events", f"/{DATABASE}/near_a_place", "/-/search?q=a", "/-/dashboards/overview"):
        site.check(f"scripts and styles of {path.split('?')[0]}", page_assets(site, path))
    site.check("robots.txt", lambda: robots(site))
    site.check("old id redirects", lambda: id_redirect(site))


def start_site(argv_for: Callable[[Path, int], list[str]], folder: Path,
               left_out: dict[str, str]) -> tuple[str, Path, contextlib.ExitStack]:
    """Serve the build with `argv_for(plugins folder, port)`, leaving out every site plugin Datasette cannot start
    with (added to `left_out`):
    (base URL, log, the stack that stops the server). Raises RuntimeError when it does not start for another reason."""
    log = folder / "datasette.log"
    while True:
        plugins_dir = plugins_copy(folder, set(left_out))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        stack = contextlib.ExitStack()
        failure = stack.enter_context(running(argv_for(plugins_dir, port), base, log))
        if failure is None:
            return base, log, stack
        stack.close()
        name = culprit(failure, plugins_dir)
        if name is None or name in left_out:
            raise RuntimeError(f"Datasette 1.0 does not serve the site:\n{failure}")
        left_out[name] = f"stops the server starting: {failure.strip().splitlines()[-1]}"


def report(site: Site, versions: dict, plugins: list[dict], left_out: dict[str, str]) -> str:
    """The table of what works and what breaks."""
    lines = [f"Datasette {versions['datasette']['version']} (Python {versions['python']['version']}), plugins: "
             + ", ".join(f"{p['name']} {p.get('version') or ''}".strip() for p in plugins if p.get("version"))]
    rows = [(f"site plugin {name}", "BREAKS", f"left out: {error}") for name, error in sorted(left_out.items())]
    rows += site.results
    width = max(len(name) for name, _, _ in rows)
    lines += [f"{name:<{width}}  {result:<6}  {detail}".replace(f"{ROOT}/", "").rstrip() for name, result, detail in rows]
    broken = sum(result != "works" for _, result, _ in rows)
    lines.append(f"{len(rows) - broken} of {len(rows)} checks work, {broken} break")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build output folder")
    parser.add_argument("--venv", type=Path, default=VENV, help="virtualenv for Datasette 1.0")
    parser.add_argument("--baseline", action="store_true",
                        help="run the same checks on the site as `make serve` serves it (Datasette 0.65, .venv)")
    args = parser.parse_args(argv)
    missing = [name for name in (DB_FILE, CONFIG_FILE, METADATA_FILE) if not (args.build / name).exists()]
    if missing:
        print(f"{args.build}: no {', '.join(missing)}; run `make` first", file=sys.stderr)
        return 1
    build_dir = args.build.resolve()
    if args.baseline:
        left_out: dict[str, str] = {}
        argv_for = lambda plugins_dir, port: serve_command(build_dir, port=port)  # noqa: E731 (the site's own)
    else:
        datasette = ensure_venv(args.venv)
        left_out = {name: f"cannot be imported: {error}" for name, error in unimportable_plugins(args.venv).items()}
        argv_for = lambda plugins_dir, port: serve_argv(datasette, build_dir, plugins_dir, port)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="datasette1-") as folder:
        try:
            base, log, server = start_site(argv_for, Path(folder), left_out)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 1
        with server, contextlib.closing(sqlite3.connect(args.build / DB_FILE)) as db:
            config, metadata = (yaml.safe_load((args.build / name).read_text(encoding="utf-8"))
                                for name in (CONFIG_FILE, METADATA_FILE))
            site = Site(base, config, metadata, db, log)
            run_checks(site)
            print(report(site, site.ok("/-/versions.json").json(), site.ok("/-/plugins.json").json(), left_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

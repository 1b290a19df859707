"""The served site under load and against public SQL: time limits, bounded memory, short logs, the cache, `make load`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import datasette.database
import pytest
import yaml

from scripts.serve import DB_FILE, PLUGINS, ROOT, SETTINGS

from .serving import serving

DB = "idlib-events"
NEVER_ENDS = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


def _plugin_settings(name: str) -> dict:
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["plugins"][name]


def _load_plugin(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"site_plugin_{name}", PLUGINS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """The seed build served by `make serve`'s command line; yields (base URL, its log file)."""
    log = tmp_path_factory.mktemp("serve") / "server.log"
    with serving(built, log) as base:
        yield base, log


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _sql_url(base: str, sql: str) -> str:
    return f"{base}/{DB}.json?{urllib.parse.urlencode({'sql': sql})}"


@pytest.mark.parametrize("sql", ["select length(randomblob(1e9))", "select length(zeroblob(1e9))",
                                 "select length(replace(hex(zeroblob(600000)), '0', '00000'))"])
def test_a_query_that_would_make_a_huge_value_fails_and_the_server_stays_up(server, sql):
    base, _ = server
    status, body = _get(_sql_url(base, sql))
    assert status == 400
    assert json.loads(body)["error"] == "string or blob too big"
    assert _get(f"{base}/-/versions.json")[0] == 200


def test_a_query_whose_rows_would_hold_too_much_fails_and_the_server_stays_up(server):
    base, _ = server
    rows = "with recursive c(x) as (select 1 union all select x + 1 from c limit 100) select x, zeroblob(1000000) from c"
    status, body = _get(_sql_url(base, rows))
    assert status == 400
    assert json.loads(body)["error"].startswith("query result too large")
    assert _get(f"{base}/-/versions.json")[0] == 200
    status, body = _get(f"{base}/{DB}/articles.csv?_stream=on")  # the site's largest query still runs
    assert status == 200 and body.count(b"\n") > 5


def test_the_longest_stored_value_fits_the_length_limit_many_times(built):
    limit = _plugin_settings("public-sql")["max_value_bytes"]
    with sqlite3.connect(built / DB_FILE) as conn:
        tables = [row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")]
        longest = max(conn.execute(f'select max(length(cast("{column}" as blob))) from "{table}"').fetchone()[0] or 0
                      for table in tables for column in [c[1] for c in conn.execute(f'pragma table_info("{table}")')])
    assert 0 < longest * 50 < limit


def test_a_stopped_query_logs_one_short_line(server):
    base, log = server
    before = log.stat().st_size
    status, body = _get(_sql_url(base, NEVER_ENDS + " -- " + "x" * 5000))
    assert status == 400 and "took too long" in json.loads(body)["error"]
    _get(f"{base}/-/versions.json")  # its access line comes after the stopped query's lines
    with log.open("rb") as handle:
        handle.seek(before)
        added = handle.read().decode("utf-8", "replace").splitlines()
    stopped = [line for line in added if line.startswith("query stopped at its time limit: GET /idlib-events.json?sql=")]
    assert len(stopped) == 1
    assert all(len(line) < 400 for line in added), added
    assert not any("Traceback" in line or "locals" in line for line in added)


@pytest.fixture(scope="module")
def site(built):
    """The seed build in a Datasette with the settings and plugins of `make serve`."""
    from datasette.app import Datasette

    from scripts.serve import TEMPLATES

    metadata = yaml.safe_load((built / "metadata.yml").read_text(encoding="utf-8"))
    return Datasette(immutables=[str(built / DB_FILE)], metadata=metadata, template_dir=str(TEMPLATES),
                     plugins_dir=str(PLUGINS), settings=SETTINGS)


@pytest.fixture
def time_limits(monkeypatch) -> list[int]:
    """The time limit (ms) Datasette sets on each query it runs on the site's database, in the order they run."""
    limits: list[int] = []
    real = datasette.database.sqlite_timelimit

    @contextlib.contextmanager
    def recording(conn, ms):
        if conn.execute("pragma database_list").fetchone()[2].endswith(DB_FILE):
            limits.append(ms)
        with real(conn, ms):
            yield

    monkeypatch.setattr(datasette.database, "sqlite_timelimit", recording)
    return limits


async def test_arbitrary_sql_runs_under_the_lower_limit_and_the_sites_pages_keep_theirs(site, time_limits):
    datasette = site
    await datasette.client.get("/")
    lower = _plugin_settings("public-sql")["time_limit_ms"]
    assert lower < SETTINGS["sql_time_limit_ms"]
    for url in (f"/{DB}.json?sql=select+1", f"/{DB}.json?sql=select+2&_timelimit=99999", f"/{DB}.csv?sql=select+3"):
        time_limits.clear()
        assert (await datasette.client.get(url)).status_code == 200
        assert time_limits[-1] == lower, url  # before it, only Datasette's `explain` of it, which runs nothing
    time_limits.clear()
    await datasette.client.get(f"/{DB}.json?sql=select+4&_timelimit=50")
    assert time_limits[-1] == 50  # a client may still lower it
    time_limits.clear()
    response = await datasette.client.get(f"/{DB}/events.json?_where=fatalities+>+0")
    assert response.status_code == 200 and response.json()["rows"]
    # the rows last, after Datasette's look-ups of the table: no count or facets with the _where after them
    assert time_limits[-1] == lower and time_limits.count(lower) == 1
    for url in (f"/{DB}/timeline_by_month.json?_limits=1", f"/{DB}/events.json?_limits=1"):
        time_limits.clear()
        assert (await datasette.client.get(url)).status_code == 200
        assert max(time_limits) == SETTINGS["sql_time_limit_ms"], url


async def test_arbitrary_sql_waits_for_its_slot_and_the_sites_pages_do_not():
    public_sql = _load_plugin("public_sql")

    class Settings:
        def plugin_config(self, name):
            return {"time_limit_ms": 1000, "concurrent": 1, "wait_s": 0.05, "max_value_bytes": 1000, "max_result_bytes": 1000,
                    "max_search_work": 1000}

    release = asyncio.Event()
    seen: list[bytes] = []

    async def app(scope, receive, send):
        seen.append(scope["query_string"])
        if b"sql=" in scope["query_string"] and not release.is_set():
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    wrapped = public_sql.asgi_wrapper(Settings())(app)

    async def request(query: bytes) -> int:
        sent: list[dict] = []

        async def send(message):
            sent.append(message)

        await wrapped({"type": "http", "path": "/x", "query_string": query}, None, send)
        return sent[0]["status"]

    first = asyncio.create_task(request(b"sql=select+1"))
    await asyncio.sleep(0.01)
    assert await request(b"sql=select+2") == 503  # the one slot is taken
    assert await request(b"_sort=event_date") == 200  # a site page does not wait
    release.set()
    assert await first == 200
    assert await request(b"sql=select+3") == 200
    assert seen[0] == b"sql=select+1&_timelimit=1000"


async def test_the_page_cache_keeps_site_pages_only_and_within_its_budget():
    page_cache = _load_plugin("page_cache")
    calls: list[bytes] = []

    async def app(scope, receive, send):
        calls.append(scope["query_string"])
        headers = [(b"set-cookie", b"a=b")] if b"cookie" in scope["query_string"] else []
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"x" * 40, "more_body": True})
        await send({"type": "http.response.body", "body": scope["query_string"]})

    cache = page_cache.PageCache(max_bytes=150, max_entry_bytes=60)
    wrapped = page_cache.cached(app, cache)

    async def get(query: bytes, path: str = "/idlib-events/events") -> bytes:
        sent: list[dict] = []

        async def send(message):
            sent.append(message)

        await wrapped({"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []}, None, send)
        return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")

    for query in (b"a=1", b"a=1", b"sql=select+1", b"sql=select+1", b"cookie=1", b"cookie=1", b"big=" + b"y" * 30,
                  b"big=" + b"y" * 30):
        assert await get(query) == b"x" * 40 + query
    assert calls == [b"a=1", b"sql=select+1", b"sql=select+1", b"cookie=1", b"cookie=1"] + [b"big=" + b"y" * 30] * 2
    await get(b"", path="/-/actor.json")
    await get(b"", path="/-/actor.json")
    assert calls[-2:] == [b"", b""]
    for n in range(5):  # 43 bytes each: the budget of 150 holds three
        await get(f"n={n}".encode())
    assert cache.held <= 150 and len(cache.pages) == 3
    await get(b"n=4")
    assert calls[-1] == b"n=4" and calls.count(b"n=4") == 1


def test_the_load_test_runs_briefly_with_no_error(built):
    result = subprocess.run([sys.executable, "-m", "scripts.load", "--build", str(built), "--duration", "2",
                             "--connections", "2"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for kind in ("events page (facets)", "event page", "search page", "search preview", "canned query", "streamed CSV",
                 "map data", "all"):
        row = next(line for line in out.splitlines() if line.startswith(kind + " "))
        count, errors = row[len(kind):].split()[:2]
        assert int(count) > 0 and int(errors) == 0, row
    assert "requests/s over" in out and "0 error(s)" in out
    assert "server memory (RSS): start" in out and " MiB, peak " in out


def test_the_load_test_refuses_more_than_its_bounds(built):
    bounds = yaml.safe_load((ROOT / "scripts" / "load.yml").read_text(encoding="utf-8"))
    for option, value in (("--duration", bounds["max_duration_s"] + 1), ("--connections", bounds["max_connections"] + 1)):
        result = subprocess.run([sys.executable, "-m", "scripts.load", "--build", str(built), option, str(value)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and option in result.stderr


def test_the_served_site_loads_the_limit_plugins_with_their_settings(server, built):
    base, _ = server
    plugins = {plugin["name"] for plugin in json.loads(_get(f"{base}/-/plugins.json")[1])}
    assert {"public_sql.py", "page_cache.py"} <= plugins
    metadata = yaml.safe_load((built / "metadata.yml").read_text(encoding="utf-8"))
    assert metadata["plugins"]["public-sql"] == _plugin_settings("public-sql")
    assert metadata["plugins"]["page-cache"] == _plugin_settings("page-cache")


def test_the_length_limit_lets_the_largest_article_allowed_be_read():
    """An article body is one value: SQLite refuses to read a value above the site's length limit, so the
    limit must lie above the largest article the build accepts (max_article_bytes in limits.yml)."""
    from scripts.limits import LIMITS_FILE, load_limits

    largest = load_limits(ROOT / "seeds" / "reference" / LIMITS_FILE).max_article_bytes
    assert _plugin_settings("public-sql")["max_value_bytes"] > largest
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, int(_plugin_settings("public-sql")["max_value_bytes"]))
    conn.execute("create table articles (body text)")
    conn.execute("insert into articles values (?)", ("é" * (largest // 2),))  # two bytes a character
    assert len(conn.execute("select body from articles").fetchone()[0].encode("utf-8")) == largest


PRINTF_SLOW = "select length(printf('%.*c', 2147483647, 'x'))"  # 2^31 appends inside one call: 8-16 s unguarded


def _guarded(max_value_bytes: int = 2_000_000, max_search_work: int = 100_000_000) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max_value_bytes)
    _load_plugin("public_sql").guard_functions(conn, max_value_bytes, max_search_work)
    return conn


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # Datasette turns on sqlite3's tracebacks
def test_printf_refuses_a_width_or_precision_over_the_length_limit():
    conn = _guarded(max_value_bytes=1000)
    for sql, args in ((PRINTF_SLOW, ()), ("select format('%!.*c', ?, 'x')", (1001,)), ("select printf('%1001d', 1)", ()),
                      ("select printf('%.1001s', 'x')", ()), ("select printf('%*d', -1001, 1)", ()),
                      ("select printf('%d %.*c', 1, 5000, 'x')", ()), ("select printf('%5d%-,*lld', 1, 1001, 2)", ()),
                      ("select printf('%.*c', '1001abc', 'x')", ()), ("select printf('%.2000lf', 1.5)", ())):
        with pytest.raises(sqlite3.DataError, match="string or blob too big"):
            conn.execute(sql, args).fetchone()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # Datasette turns on sqlite3's tracebacks
def test_printf_gives_sqlites_own_result_otherwise():
    guarded, builtin = _guarded(), sqlite3.connect(":memory:")
    builtin.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 2_000_000)
    formats = ["%d", "%5d|%-5d|%05d|%+d|% d", "%,d", "%.3f|%10.2e|%g|%G|%E", "%x|%X|%o|%#x|%#o", "%s|%.2s|%10s|%-10s|",
               "%q|%Q|%w|%z", "%c|%5c|%.3c|%!.3c", "%%|%5%|%n|%r", "%lld|%lli|%llu|%lx", "%*d|%-*d|%.*f", "%.*s|%*.*s",
               "%4294967297d|%.4294967299s", "%!s|%!.2f|%#g", "%y %d", "%", "abc", "%l", "%10", "%.*c",
               "%1999999d|%1999999d"]  # the last is too long: NULL
    args = [(1234567, -3, 2.5, "it's", None, b"\xc3\xa9t", 7, 3, "abcdef"), (-5, 9, 3, 1.25, "xyz", 2, 4, "hello"),
            (4294967301, "a", 2.0), ("5", "ab", 3.9, -7)]
    for fmt in formats:
        for values in args:
            for name in ("printf", "format"):
                sql = f"select {name}(?{', ?' * len(values)})"
                assert guarded.execute(sql, (fmt, *values)).fetchone() == builtin.execute(sql, (fmt, *values)).fetchone()
    assert guarded.execute("select printf(5), printf(null), printf('%s-%s', 1)").fetchone() == ("5", None, "1-")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # Datasette turns on sqlite3's tracebacks
def test_text_searches_refuse_more_work_than_the_limit_and_give_sqlites_result_otherwise():
    guarded = _guarded(max_search_work=10_000)
    text, pattern = "0" * 1000, "0" * 20 + "1"  # 21,000 > 10,000
    for sql, args in (("select instr(?, ?)", (text, pattern)), ("select replace(?, ?, '')", (text, pattern)),
                      ("select trim(?, ?)", (text, pattern)), ("select ? like ?", (text, "%" + pattern)),
                      ("select ? glob ?", (text, "*" + pattern)), ("select like(?, ?, '!')", ("%" + pattern, text)),
                      ("select json_patch(?, ?)", ("[" + "0," * 500 + "0]", '{"a":' + "1" * 20 + "}"))):
        with pytest.raises(sqlite3.DataError, match="string or blob too big"):
            guarded.execute(sql, args).fetchone()
    plain = sqlite3.connect(":memory:")
    same = ("select instr('hello', 'll'), replace('abcabc', 'b', 'XY'), trim('xxhixx', 'x'), ltrim('  a'), rtrim('ab', 'b'),"
            " 'ABC' like 'a%', 'abc' glob 'a*', like('a!%', 'a%', '!'), json_patch('{\"a\":1}', '{\"b\":2}'), instr(null, 'a'),"
            " replace(1234, 3, 9), 'é' like 'É'")
    assert guarded.execute(same).fetchone() == plain.execute(same).fetchone()


def test_printf_that_would_run_for_seconds_fails_at_once_and_the_site_is_unaffected(server):
    base, log = server
    before = log.stat().st_size
    status, body = _get(_sql_url(base, PRINTF_SLOW))
    assert status == 400 and json.loads(body)["error"] == "string or blob too big"
    status, body = _get(f"{base}/{DB}/articles.csv?" + urllib.parse.urlencode(
        {"_where": "length(printf('%.*c', 2147483647, 'x')) > 0"}))
    assert status == 400 and b"string or blob too big" in body
    normal = "select printf('%5.1f|%-4s|%03d|%,d', 2.25, 'ab', 7, 1234567)"
    assert json.loads(_get(_sql_url(base, normal))[1])["rows"] == [list(sqlite3.connect(":memory:").execute(normal).fetchone())]
    assert _get(f"{base}/{DB}/events")[0] == 200 and _get(f"{base}/-/versions.json")[0] == 200
    with log.open("rb") as handle:
        handle.seek(before)
        added = handle.read().decode("utf-8", "replace")
    assert added.count("query refused: printf: a width or precision over the length limit\n") == 2


def test_a_csv_of_a_failing_query_is_an_error_not_an_empty_download(server):
    base, _ = server
    rows = "with recursive c(x) as (select 1 union all select x + 1 from c limit 100) select x, zeroblob(1000000) from c"
    for extra in ("", "&_stream=on"):
        status, body = _get(f"{base}/{DB}.csv?" + urllib.parse.urlencode({"sql": rows}) + extra)
        assert status == 400 and b"query result too large" in body, extra


async def test_a_stream_that_fails_midway_ends_with_a_line_saying_so_and_is_not_cached():
    csv_errors, page_cache = _load_plugin("csv_errors"), _load_plugin("page_cache")
    assert csv_errors.STREAM_FAILED == page_cache.STREAM_FAILED

    class Request:
        def __init__(self, scope):
            self.scope = scope

    pages = iter([({"ok": True, "rows": [[1]]}, None, None), RuntimeError("SQL query took too long")])

    async def data(request, **kwargs):
        page = next(pages)
        if isinstance(page, Exception):
            raise page
        return page

    failed: list[str] = []
    reporting = csv_errors._reporting(data)
    assert (await reporting(Request({csv_errors.STREAM_FAILED: failed})))[0]["rows"] == [[1]]
    with pytest.raises(csv_errors.IncompleteDownload) as stopped:
        await reporting(Request({csv_errors.STREAM_FAILED: failed}))
    assert str(stopped.value) == "download incomplete: SQL query took too long\r\n" and failed

    calls: list[bytes] = []

    async def app(scope, receive, send):  # a stream that fails after its first rows, as csv_errors marks it
        calls.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"a\r\n1\r\n", "more_body": True})
        scope[page_cache.STREAM_FAILED].append("SQL query took too long")
        await send({"type": "http.response.body", "body": b"download incomplete: SQL query took too long\r\n"})

    wrapped = page_cache.cached(app, page_cache.PageCache(max_bytes=10_000, max_entry_bytes=10_000))
    for _ in range(2):
        await wrapped({"type": "http", "method": "GET", "path": "/idlib-events/articles.csv", "query_string": b"_stream=on",
                       "headers": []}, None, lambda message: asyncio.sleep(0))
    assert len(calls) == 2


async def test_the_sites_own_streamed_csv_is_complete_and_kept(site):
    first = await site.client.get(f"/{DB}/articles.csv?_stream=on")
    again = await site.client.get(f"/{DB}/articles.csv?_stream=on")
    assert first.status_code == 200 and first.content == again.content and b"download incomplete" not in first.content

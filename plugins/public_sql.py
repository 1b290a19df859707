"""Datasette plugin: arbitrary SQL from the public cannot starve the site's own pages or its memory.

"Arbitrary SQL" is a request with a `sql=` parameter (a query typed on the database page, or its
JSON/CSV) or a `_where=` fragment on a table page. Such a request
- runs under a lower time limit than the site's own pages: the wrapper sets Datasette's `_timelimit`
  parameter (which Datasette honours only to lower `sql_time_limit_ms`) to the smaller of the client's
  and `time_limit_ms`; a `_where=` page also skips its count and facets, which would run with the
  site's longer limits;
- waits for one of `concurrent` slots, so that slow queries hold at most that many of Datasette's SQL
  threads and the site's pages keep the others; a request that waits longer than `wait_s` gets 503 with
  Retry-After.
Every connection refuses to make a string or blob longer than `max_value_bytes` (SQLite's
SQLITE_LIMIT_LENGTH): randomblob(1e9), zeroblob, printf widths and replace() growth fail with "string
or blob too big" instead of taking the memory; and every query fails once its rows hold more than
`max_result_bytes` (many rows of large values). A stopped query logs one short line instead of
Datasette's traceback with every local (about 100 KB each), and access-log lines are cut short.
The numbers are the `public-sql` plugin settings in metadata.yml.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import weakref
from urllib.parse import parse_qsl, urlencode

import datasette.handle_exception as datasette_errors
from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.views.base import DatasetteError

PLUGIN = "public-sql"
ARBITRARY_SQL = ("sql", "_where")  # query-string parameters that carry SQL written by the client
SHORT_LINE = 200  # characters of a request's path and query kept in a log line


def _settings(datasette) -> dict:
    config = datasette.plugin_config(PLUGIN) or {}
    missing = {"time_limit_ms", "concurrent", "wait_s", "max_value_bytes", "max_result_bytes",
               "max_search_work"} - set(config)
    if missing:
        raise ValueError(f"metadata.yml: plugins → {PLUGIN} lacks {', '.join(sorted(missing))}")
    return config


def short(text: str) -> str:
    return text if len(text) <= SHORT_LINE else text[:SHORT_LINE] + f"… ({len(text):,} characters)"


def limited_query_string(params: list[tuple[str, str]], time_limit_ms: int) -> bytes:
    """The query string with `_timelimit` at most `time_limit_ms` (and no count or facets under `_where`)."""
    asked = [value for key, value in params if key == "_timelimit"]
    limit = time_limit_ms
    if asked and asked[-1].isdigit() and 0 < int(asked[-1]) < limit:
        limit = int(asked[-1])
    kept = [(key, value) for key, value in params if key not in ("_timelimit", "_nocount", "_nofacet")]
    extra = [("_nocount", "1"), ("_nofacet", "1")] if any(key == "_where" for key, _ in params) else []
    return urlencode(kept + extra + [("_timelimit", str(limit))]).encode("latin-1")


async def _busy(send, wait_s: float) -> None:
    body = f"Too many SQL queries are running; try again in {wait_s:g} seconds.\n".encode()
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"retry-after", str(int(wait_s)).encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        slots: dict[str, asyncio.Semaphore] = {}

        async def wrapped(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            if not any(key in ARBITRARY_SQL for key, _ in params):
                await app(scope, receive, send)
                return
            settings = _settings(datasette)
            slot = slots.setdefault("sql", asyncio.Semaphore(settings["concurrent"]))
            try:
                await asyncio.wait_for(slot.acquire(), settings["wait_s"])
            except TimeoutError:
                await _busy(send, settings["wait_s"])
                return
            try:
                limited = {**scope, "query_string": limited_query_string(params, settings["time_limit_ms"])}
                await app(limited, receive, send)
            finally:
                slot.release()

        return wrapped

    return wrap


def _value_size(value) -> int:
    return len(value) if isinstance(value, str | bytes) else 8


def budgeted_rows(max_result_bytes: int):
    """A row factory that makes Datasette's rows (sqlite3.Row) and fails a query whose rows hold more than
    `max_result_bytes`: the time limit stops a query, not the rows it has already made (200 rows of a
    2 MB zeroblob took 100 ms, then 12 GB and 110 s to write out as JSON)."""
    held: weakref.WeakKeyDictionary[sqlite3.Cursor, int] = weakref.WeakKeyDictionary()  # bytes per query

    def row(cursor: sqlite3.Cursor, values: tuple) -> sqlite3.Row:
        total = held.get(cursor, 0) + sum(_value_size(value) for value in values)
        if total > max_result_bytes:
            raise sqlite3.DataError(f"query result too large: its rows hold over {max_result_bytes:,} bytes "
                                    "(select fewer rows or columns)")
        held[cursor] = total
        return sqlite3.Row(cursor, values)

    return row


# SQLite's printf() conversions as its own formatter (3.40) reads them: those that take an argument, and
# those after which it stops formatting (internal ones, refused in SQL). Anything else ends the format too.
PRINTF_TAKES_ARGUMENT = frozenset("dsgzqQwcouxXfeEGipr")
PRINTF_TAKES_NOTHING = frozenset("%n")
PRINTF_FLAGS = frozenset("-+ #!0,")
INT32 = 1 << 32


def _int32(value: int) -> int:
    """`value` as C's (int) cast of a 64-bit integer makes it."""
    value &= INT32 - 1
    return value - INT32 if value >= INT32 // 2 else value


def _digits(fmt: str, i: int) -> tuple[int, int]:
    """The number at fmt[i:] as SQLite reads a width or precision (an unsigned 32-bit sum, top bit cleared)."""
    value = 0
    while i < len(fmt) and "0" <= fmt[i] <= "9":
        value = (value * 10 + ord(fmt[i]) - 48) % INT32
        i += 1
    return value & 0x7FFFFFFF, i


def printf_sizes(fmt: str, star_values) -> list[int]:
    """Every width and precision SQLite's printf(fmt, …) would use. `star_values(k)` is the integer value
    SQLite reads from argument k (0-based, after the format) for a `*`, or 0 past the last argument.
    Mirrors the flag/width/precision loop of sqlite3_str_vappendf: flags in any order, width digits or `*`
    (a negative `*` width counts as its absolute value), `.` and precision digits or `*`, `l` or `ll`,
    then the conversion; `%%` and `%n` take no argument."""
    sizes: list[int] = []
    argument = 0
    i, end = 0, len(fmt)

    def at(k: int) -> str:
        return fmt[k] if k < end else ""

    def star() -> int:
        nonlocal argument
        value = _int32(star_values(argument))
        argument += 1
        return value

    while True:
        i = fmt.find("%", i)
        if i < 0 or i + 1 >= end:
            return sizes
        i += 1
        c = fmt[i]
        while True:
            if c in PRINTF_FLAGS:
                pass
            elif c == "l":
                i += 2 if at(i + 1) == "l" else 1
                break
            elif "1" <= c <= "9":
                width, i = _digits(fmt, i)
                sizes.append(width)
                if at(i) not in (".", "l"):
                    break
                i -= 1
            elif c == "*":
                width = star()
                sizes.append(abs(width) if width >= -0x7FFFFFFF else 0)
                if at(i + 1) not in (".", "l"):
                    i += 1
                    break
            elif c == ".":
                i += 1
                if at(i) == "*":
                    precision = star()
                    sizes.append(abs(precision) if precision >= -0x7FFFFFFF else 0)
                    i += 1
                else:
                    precision, i = _digits(fmt, i)
                    sizes.append(precision)
                if at(i) != "l":
                    break
                i -= 1
            else:
                break
            i += 1
            c = at(i)
            if not c:
                break
        conversion = at(i)
        if conversion in PRINTF_TAKES_ARGUMENT:
            argument += 1
        elif conversion not in PRINTF_TAKES_NOTHING:
            return sizes  # SQLite stops formatting here
        i += 1


class Refused(OverflowError):
    """A guarded function's refusal: sqlite3 reports an OverflowError as SQLite's "string or blob too big"
    (a Python function cannot give SQLite its own message), and it is logged in one line (startup)."""


def _length(value) -> int:
    """Bytes of a value as SQLite's text and blob functions see it."""
    if value is None:
        return 0
    if isinstance(value, bytes):
        return len(value)
    return len(str(value).encode("utf-8", "surrogatepass"))


class SqliteBuiltins:
    """A private in-memory connection that still has SQLite's own functions, under the same length limit:
    the guarded functions below compute their result there once their arguments are known to be cheap."""

    def __init__(self, max_value_bytes: int) -> None:
        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max_value_bytes)

    def call(self, name: str, args: tuple):
        sql = f"select {name}({', '.join('?' * len(args))})"
        try:
            return self.conn.execute(sql, args).fetchone()[0]
        except sqlite3.DataError as exc:
            if "too big" in str(exc):
                raise Refused(str(exc)) from None
            raise


# The text searches whose one call compares every position of a text with a pattern (so it takes about
# len(text) × len(pattern) steps, uninterruptible): (name, number of arguments, text argument, pattern argument).
SEARCHES = (("like", 2, 1, 0), ("like", 3, 1, 0), ("glob", 2, 1, 0), ("instr", 2, 0, 1), ("replace", 3, 0, 1),
            ("trim", 2, 0, 1), ("ltrim", 2, 0, 1), ("rtrim", 2, 0, 1), ("json_patch", 2, 0, 1))


def guard_functions(conn: sqlite3.Connection, max_value_bytes: int, max_search_work: int) -> None:
    """Replace SQLite's printf/format and its text searches on `conn` by functions that refuse, with
    "string or blob too big", a call that would run for seconds inside SQLite (where the time limit cannot
    stop it) and otherwise return exactly SQLite's own result."""
    builtins = SqliteBuiltins(max_value_bytes)

    def printf(*args):
        if args and isinstance(args[0], str | bytes):
            fmt = args[0] if isinstance(args[0], str) else args[0].decode("utf-8", "replace")

            def star_value(k: int) -> int:
                return int(builtins.call("printf", ("%lld", args[1 + k]))) if 1 + k < len(args) else 0

            if any(size > max_value_bytes for size in printf_sizes(fmt, star_value)):
                raise Refused("printf: a width or precision over the length limit")
        return builtins.call("printf", args)

    conn.create_function("printf", -1, printf, deterministic=True)
    conn.create_function("format", -1, printf, deterministic=True)

    def searching(name: str, text: int, pattern: int):
        def search(*args):
            if _length(args[text]) * _length(args[pattern]) > max_search_work:
                raise Refused(f"{name}: its text times its pattern is over max_search_work")
            return builtins.call(name, args)

        return search

    for name, arguments, text, pattern in SEARCHES:
        conn.create_function(name, arguments, searching(name, text, pattern), deterministic=True)


@hookimpl
def prepare_connection(conn, datasette):
    settings = _settings(datasette)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, int(settings["max_value_bytes"]))
    conn.row_factory = budgeted_rows(int(settings["max_result_bytes"]))
    guard_functions(conn, int(settings["max_value_bytes"]), int(settings["max_search_work"]))


class _ShortAccessLines(logging.Filter):
    """uvicorn's access line names the whole path and query, which can be a whole SQL query: cut it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, short(str(path)), version, status)
        return True


def _one_line_for_refusals(hook):
    def unraisable(info) -> None:
        if isinstance(info.exc_value, Refused):
            sys.stderr.write(f"query refused: {short(str(info.exc_value))}\n")
            sys.stderr.flush()
        else:
            hook(info)

    unraisable.logs_refusals = True
    return unraisable


@hookimpl
def startup(datasette):
    _settings(datasette)  # a missing setting stops the server at start, not at the first query
    # Datasette 0.65 prints every error, even a 400 for a stopped query, as a rich traceback with the value
    # of every local (the request, the query, the page): ~100 KB a time. Unexpected errors (500) are still
    # printed by Datasette as a plain traceback; a stopped query is logged in one line (handle_exception).
    datasette_errors.rich = None
    # Datasette turns on sqlite3's callback tracebacks: a refused call would print a traceback each time.
    if not getattr(sys.unraisablehook, "logs_refusals", False):
        sys.unraisablehook = _one_line_for_refusals(sys.unraisablehook)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _ShortAccessLines) for f in access.filters):
        access.addFilter(_ShortAccessLines())


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    if isinstance(exception.__context__, QueryInterrupted) or isinstance(exception, QueryInterrupted):
        path = request.path + (f"?{request.query_string}" if request.query_string else "")
        sys.stderr.write(f"query stopped at its time limit: {request.method} {short(path)}\n")
        sys.stderr.flush()
    if isinstance(exception, sqlite3.DataError):
        # A value or a result over its limit (the length limit, a refused call, budgeted_rows) on a table page
        # (`_where=`): Datasette's table views answer 500 with a traceback; it is the query's fault, a 400.
        return datasette_errors.handle_exception(datasette, request,
                                                 DatasetteError(str(exception), title="Invalid SQL", status=400))
    return None  # Datasette's own handler renders the error page

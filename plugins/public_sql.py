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

PLUGIN = "public-sql"
ARBITRARY_SQL = ("sql", "_where")  # query-string parameters that carry SQL written by the client
SHORT_LINE = 200  # characters of a request's path and query kept in a log line


def _settings(datasette) -> dict:
    config = datasette.plugin_config(PLUGIN) or {}
    missing = {"time_limit_ms", "concurrent", "wait_s", "max_value_bytes", "max_result_bytes"} - set(config)
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


@hookimpl
def prepare_connection(conn, datasette):
    settings = _settings(datasette)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, int(settings["max_value_bytes"]))
    conn.row_factory = budgeted_rows(int(settings["max_result_bytes"]))


class _ShortAccessLines(logging.Filter):
    """uvicorn's access line names the whole path and query, which can be a whole SQL query: cut it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, short(str(path)), version, status)
        return True


@hookimpl
def startup(datasette):
    _settings(datasette)  # a missing setting stops the server at start, not at the first query
    # Datasette 0.65 prints every error, even a 400 for a stopped query, as a rich traceback with the value
    # of every local (the request, the query, the page): ~100 KB a time. Unexpected errors (500) are still
    # printed by Datasette as a plain traceback; a stopped query is logged in one line (handle_exception).
    datasette_errors.rich = None
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _ShortAccessLines) for f in access.filters):
        access.addFilter(_ShortAccessLines())


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    if isinstance(exception.__context__, QueryInterrupted) or isinstance(exception, QueryInterrupted):
        path = request.path + (f"?{request.query_string}" if request.query_string else "")
        sys.stderr.write(f"query stopped at its time limit: {request.method} {short(path)}\n")
        sys.stderr.flush()
    return None  # Datasette's own handler renders the error page

"""Datasette plugin: a CSV download that is not whole says so, and a stream cut short is never cached.

Datasette 0.65 drops the error of a `sql=` query asked for as CSV: the query page hands the error back
with empty rows, and the CSV is a 200 answer holding only the header line (an empty one here). A
streamed CSV (`_stream=on`) that fails on a later page writes the error text after the last row, with
no line break, as a 200 answer a page cache would keep; one that reaches the `max_csv_mb` setting stops
there, with "CSV contains more than N bytes" glued to its last line; a CSV without `_stream` holds one
page of a table, and a query's CSV at most `max_returned_rows` rows, without a word. This plugin wraps
the view's CSV rendering:
- a query that fails before any row is sent gets Datasette's own "Invalid SQL" error answer, status 400;
- a failure after rows were sent (the status is gone) ends the download with the line
  `download incomplete: <why>`, and the request's scope is marked (`STREAM_FAILED`), so that
  plugins/page_cache.py does not keep the answer;
- a download that stops before the last row for any other reason (the size cap, one page, a query's row
  cap) ends with a line `download incomplete: …` too, which says why, how many rows it holds and where
  every row is: the table's whole CSV when a static folder of the site holds `<table>.csv` (the build's
  downloads, scripts/downloads.py), the home page's list of downloads otherwise.
"""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import AsgiStream
from datasette.views.base import DatasetteError, DataView

STREAM_FAILED = "idlib.stream_failed"  # scope key: a list page_cache.py puts there; a failure appends to it
INCOMPLETE = "download incomplete: "
INCOMPLETE_LINE = INCOMPLETE + "{}\r\n"
# What Datasette 0.65 writes in place of the row that would pass `max_csv_mb` (datasette.utils.LimitedWriter)
SIZE_CAP_MESSAGE = "CSV contains more than {} bytes"


class IncompleteDownload(Exception):
    """Written by Datasette as the last line of the stream (it writes str() of the error)."""


class Pages:
    """What the pages of one CSV download said: whether more rows lie beyond the last one fetched."""

    def __init__(self) -> None:
        self.more = False  # the last page had a next page (a table), or its query stopped at the row cap
        self.query_capped = False

    def saw(self, result) -> None:
        data = result[0] if isinstance(result, tuple) and result and isinstance(result[0], dict) else {}
        self.query_capped = bool(data.get("truncated"))
        self.more = bool(data.get("next")) or self.query_capped


def _query_error(result) -> str | None:
    """The error the query page returned in its data (Datasette's QueryView does not raise it)."""
    if isinstance(result, tuple) and result and isinstance(result[0], dict) and result[0].get("ok") is False:
        return str(result[0].get("error") or "query failed")
    return None


def _reporting(data, pages: Pages | None = None):
    fetched = 0

    async def data_reporting_errors(request, **kwargs):
        nonlocal fetched
        fetched += 1
        try:
            result = await data(request, **kwargs)
            error = _query_error(result)
        except Exception as exc:  # noqa: BLE001 (any failure ends the stream; Datasette writes it out)
            if fetched == 1:
                raise
            result, error = None, str(exc) or type(exc).__name__
        if error is None:
            if pages is not None:
                pages.saw(result)
            return result
        if fetched == 1:
            raise DatasetteError(error, title="Invalid SQL", status=400)
        failed = request.scope.get(STREAM_FAILED)
        if isinstance(failed, list):
            failed.append(error)
        raise IncompleteDownload(INCOMPLETE_LINE.format(" ".join(error.split())))

    return data_reporting_errors


class _Watched:
    """The stream's writer, counting what is written and putting the notice in place of Datasette's size-cap text."""

    def __init__(self, writer, size_cap_text: str, notice) -> None:
        self.writer, self.size_cap_text, self.notice = writer, size_cap_text, notice
        self.lines = 0  # Datasette writes the header and each row in one call
        self.ended = False  # a `download incomplete` line is written

    async def write(self, text: str) -> None:
        if text == self.size_cap_text:
            text = INCOMPLETE_LINE.format(self.notice("size", self.lines))
        elif text and not text.startswith(INCOMPLETE):  # Datasette ends with an empty write
            self.lines += 1
        self.ended = self.ended or text.startswith(INCOMPLETE)
        await self.writer.write(text)


def whole_file(datasette, table: str | None) -> str | None:
    """The path of the table's whole CSV among the site's static folders, if one holds it."""
    if not table:
        return None
    for mount, folder in datasette.static_mounts:
        if (Path(folder) / f"{table}.csv").is_file():
            return f"/{mount}/{table}.csv"
    return None


def _notice_writer(datasette, request):
    """notice(why, lines): the text of the line that ends a download stopped for `why` after `lines` lines."""
    table = request.url_vars.get("table")
    table = tilde_decode(table) if table else None
    header = 0 if request.args.get("_header") == "off" else 1
    path = whole_file(datasette, table)
    where = (f"every row of {table} is one file: {datasette.absolute_url(request, path)}" if path else
             f"every table is one whole file (listed under Downloads at {datasette.absolute_url(request, '/')})")

    def notice(why: str, lines: int) -> str:
        count = max(lines - header, 0)
        rows = f"{count} row{'' if count == 1 else 's'}"  # no comma in the line: a CSV reader sees one cell
        if why == "size":
            stop = f"the site stops a CSV download at {datasette.setting('max_csv_mb')} MB (max_csv_mb) after {rows}"
        elif why == "query":
            stop = f"a query's answer stops at {datasette.setting('max_returned_rows')} rows (max_returned_rows)"
        elif why == "page":
            stop = f"this CSV holds one page ({rows}); add _stream=on to the address for every row it matches"
        else:
            stop = f"this download stopped after {rows} before its last row"
        return f"{stop}; {where}"

    return notice


def _whole_or_saying_so(datasette, request, stream_fn, pages: Pages):
    notice = _notice_writer(datasette, request)
    size_cap_text = SIZE_CAP_MESSAGE.format(datasette.setting("max_csv_mb") * 1024 * 1024)
    streaming = bool(request.args.get("_stream"))

    async def stream_whole_or_saying_so(writer):
        watched = _Watched(writer, size_cap_text, notice)
        await stream_fn(watched)
        if pages.more and not watched.ended:
            why = "query" if pages.query_capped else "stopped" if streaming else "page"
            await writer.write(INCOMPLETE_LINE.format(notice(why, watched.lines)))

    return stream_whole_or_saying_so


def _as_csv_reporting_errors(as_csv):
    async def as_csv_reporting_errors(self, request, database):
        pages = Pages()
        self.data = _reporting(self.data, pages)  # the view object serves this one request
        response = await as_csv(self, request, database)
        if isinstance(response, AsgiStream) and not request.args.get("_trace"):
            response.stream_fn = _whole_or_saying_so(self.ds, request, response.stream_fn, pages)
        return response

    as_csv_reporting_errors.reports_errors = True
    return as_csv_reporting_errors


@hookimpl
def startup(datasette):
    if not getattr(DataView.as_csv, "reports_errors", False):
        DataView.as_csv = _as_csv_reporting_errors(DataView.as_csv)

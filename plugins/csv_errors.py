"""Datasette plugin: a CSV download whose query fails says so, and a stream cut short is never cached.

Datasette 0.65 drops the error of a `sql=` query asked for as CSV: the query page hands the error back
with empty rows, and the CSV is a 200 answer holding only the header line (an empty one here). A
streamed CSV (`_stream=on`) that fails on a later page writes the error text after the last row, with
no line break, as a 200 answer a page cache would keep. This plugin wraps the view's CSV rendering:
- a query that fails before any row is sent gets Datasette's own "Invalid SQL" error answer, status 400;
- a failure after rows were sent (the status is gone) ends the download with the line
  `download incomplete: <why>`, and the request's scope is marked (`STREAM_FAILED`), so that
  plugins/page_cache.py does not keep the answer.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.views.base import DatasetteError, DataView

STREAM_FAILED = "idlib.stream_failed"  # scope key: a list page_cache.py puts there; a failure appends to it
INCOMPLETE_LINE = "download incomplete: {}\r\n"


class IncompleteDownload(Exception):
    """Written by Datasette as the last line of the stream (it writes str() of the error)."""


def _query_error(result) -> str | None:
    """The error the query page returned in its data (Datasette's QueryView does not raise it)."""
    if isinstance(result, tuple) and result and isinstance(result[0], dict) and result[0].get("ok") is False:
        return str(result[0].get("error") or "query failed")
    return None


def _reporting(data):
    pages = 0

    async def data_reporting_errors(request, **kwargs):
        nonlocal pages
        pages += 1
        try:
            result = await data(request, **kwargs)
            error = _query_error(result)
        except Exception as exc:  # noqa: BLE001 (any failure ends the stream; Datasette writes it out)
            if pages == 1:
                raise
            result, error = None, str(exc) or type(exc).__name__
        if error is None:
            return result
        if pages == 1:
            raise DatasetteError(error, title="Invalid SQL", status=400)
        failed = request.scope.get(STREAM_FAILED)
        if isinstance(failed, list):
            failed.append(error)
        raise IncompleteDownload(INCOMPLETE_LINE.format(" ".join(error.split())))

    return data_reporting_errors


def _as_csv_reporting_errors(as_csv):
    async def as_csv_reporting_errors(self, request, database):
        self.data = _reporting(self.data)  # the view object serves this one request
        return await as_csv(self, request, database)

    as_csv_reporting_errors.reports_errors = True
    return as_csv_reporting_errors


@hookimpl
def startup(datasette):
    if not getattr(DataView.as_csv, "reports_errors", False):
        DataView.as_csv = _as_csv_reporting_errors(DataView.as_csv)

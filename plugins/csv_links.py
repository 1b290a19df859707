"""Datasette plugin: a table page's CSV link gives every row the page matches, not its first page.

Datasette's "CSV" link on a table or view page asks for `?_size=max` without `_stream`, which holds at
most `max_returned_rows` rows (plugins/csv_errors.py ends such a file with a line saying so). Here the
link streams (`_stream=on`) with the page's filters and sort, without its `_next` (a stream starts at the
first row) or `_size`, and with `_labels=on` where Datasette adds it (a table with foreign keys). A
stream stops at the `max_csv_mb` setting, with a last line that links the table's whole CSV file.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import path_with_format

PAGE_ONLY = ("_next", "_size", "_stream", "_labels")  # replaced in the link (a stream refuses `_next`)


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "table" or not table or request is None:
        return {}

    async def streamed_csv_link():
        keys = await datasette.get_database(database).foreign_keys_for_table(table)
        kept = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True) if k not in PAGE_ONLY]
        kept += [("_size", "max"), ("_stream", "on")] + ([("_labels", "on")] if keys else [])
        path = datasette.urls.path(path_with_format(path=request.path, format="csv"))
        return {"url_csv": f"{path}?{urlencode(kept)}"}

    return streamed_csv_link

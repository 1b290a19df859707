"""Datasette plugin: a coded value is shown with what it means ("2 · near the place (approximate point)").

The meanings are the `categories` of datapackage.json's fields, which the build copies into the site's
metadata under the `value-labels` plugin key (scripts/site_metadata.py), per table and column; a canned
query's column takes the label of the events column of that name. Only HTML pages change: the JSON and
CSV keep the bare value.
"""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(value, column, table, datasette):
    labels = datasette.plugin_config("value-labels") or {}
    meanings = labels.get(table or "events", {}).get(column)
    if not meanings or value is None or str(value) not in meanings:
        return None
    return Markup('{} <span class="value-label">· {}</span>').format(escape(str(value)), meanings[str(value)])

"""Datasette plugin: the site's metadata merged once, not for every cell of a page.

Datasette 0.65 merges its metadata anew on every call of `metadata()` and `plugin_config()`, and plugins ask
for their configuration for every cell they render (datasette-render-markdown, plugins/value_labels.py): on
a page of 2,000 rows that was two thirds of the page's time. The site's metadata is a file the build writes
and does not change while the site runs, and no plugin of the site adds metadata of its own
(`get_metadata`), so each answer is kept, per arguments.
"""

from __future__ import annotations

import functools

from datasette import hookimpl

KEPT = 4096  # different (key, database, table) questions kept: the site asks a few hundred


@hookimpl
def startup(datasette):
    for method in ("metadata", "plugin_config"):  # Datasette 1.0 has no metadata(): left as it is there
        if hasattr(datasette, method):
            setattr(datasette, method, functools.lru_cache(maxsize=KEPT)(getattr(datasette, method)))

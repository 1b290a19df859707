"""Datasette plugin: the page of an id that a release changed redirects (301) to the row's page now.

Links people saved keep working when an event's or a figure's id changes between releases: the
database's `id_redirects` table (table_name, old_id, new_id; built from the id map seeds/id-map.csv,
see scripts/id_map.py) lists every old id with the id its row has now, and never an id that is a row's
id now. A request for a row page `/<database>/<table>/<old id>` (with a format such as `.json`, and
its query string) of a listed id answers 301 with the new row page; every other request goes on to
Datasette. The table is read once per database: the database is served immutable.
"""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode

TABLE = "id_redirects"
ROW_PAGE = re.compile(r"^/(?P<database>[^/.]+)/(?P<table>[^/]+?)/(?P<row>[^/]+?)(?P<format>\.\w+)?$")


async def _redirects(datasette, database: str, known: dict) -> dict[tuple[str, str], str]:
    """(table, old id) → new id of `database` (empty when it has no redirect table)."""
    if database not in known:
        db = datasette.databases.get(database)
        found: dict[tuple[str, str], str] = {}
        if db is not None and await db.table_exists(TABLE):
            result = await db.execute(f"select table_name, old_id, new_id from [{TABLE}]")
            found = {(row["table_name"], row["old_id"]): row["new_id"] for row in result.rows}
        known[database] = found
    return known[database]


def redirecting(app, datasette):
    known: dict[str, dict[tuple[str, str], str]] = {}

    async def wrapped(scope, receive, send):
        match = ROW_PAGE.match(scope.get("path", "")) if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") else None
        if match is not None:
            database, table = tilde_decode(match["database"]), tilde_decode(match["table"])
            redirects = await _redirects(datasette, database, known)
            new_id = redirects.get((table, tilde_decode(match["row"])))
            if new_id is not None:
                location = f"{datasette.urls.table(database, table)}/{tilde_encode(new_id)}{match['format'] or ''}"
                query = scope.get("query_string", b"").decode("latin-1")
                location += f"?{query}" if query else ""
                await send({"type": "http.response.start", "status": 301,
                            "headers": [(b"location", location.encode("latin-1")),
                                        (b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": f"Moved to {location}\n".encode()})
                return
        await app(scope, receive, send)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: redirecting(app, datasette)

"""Datasette plugin: the site's pages are kept in memory after their first request, up to a byte budget.

The database is served immutable and the metadata and templates do not change while the server
runs, so a page asked for again is the same bytes: the events page with its facets costs about
70 ms of one Python thread to render, and at 50 connections the site cannot keep up without this.
Only complete 200 answers to GET requests are kept, keyed by scheme, host, path and query (the JSON
holds absolute next_url links); not kept: arbitrary SQL (`sql=`, `_where=`, see public_sql.py), answers
that set a cookie, requests carrying a signed-in actor or messages, Datasette's own `/-/` pages
other than search and dashboards, any answer larger than `max_entry_bytes`, and a streamed CSV that
failed after it started (plugins/csv_errors.py appends to the list at scope[STREAM_FAILED]). The least recently
used pages go first when the cache holds more than `max_bytes`: memory stays bounded. The numbers are
the `page-cache` plugin settings in metadata.yml.
"""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import parse_qsl

from datasette import hookimpl

PLUGIN = "page-cache"
NOT_KEPT_PARAMS = ("sql", "_where")  # arbitrary SQL: public_sql.py
PERSONAL_COOKIES = (b"ds_actor", b"ds_messages")  # Datasette's signed-in actor and flash messages
KEPT_TOOL_PAGES = ("/-/search", "/-/dashboards")  # Datasette's /-/ pages that are the site's own pages
STREAM_FAILED = "idlib.stream_failed"  # scope key of the list a failed CSV stream appends to (csv_errors.py)


class PageCache:
    """Responses by key, least recently used first, holding at most `max_bytes` of bodies."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.held = 0
        self.pages: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()

    def get(self, key: tuple) -> tuple[dict, bytes] | None:
        page = self.pages.get(key)
        if page is not None:
            self.pages.move_to_end(key)
        return page

    def put(self, key: tuple, start: dict, body: bytes) -> None:
        if len(body) > self.max_entry_bytes or key in self.pages:
            return
        self.pages[key] = (start, body)
        self.held += len(body)
        while self.held > self.max_bytes:
            _, (_, dropped) = self.pages.popitem(last=False)
            self.held -= len(dropped)


def _key(scope) -> tuple | None:
    """The cache key of a request, or None when its answer must not be kept."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    path = scope["path"]
    if path.startswith("/-/") and not path.startswith(KEPT_TOOL_PAGES):
        return None
    headers = dict(scope.get("headers") or [])
    if b"authorization" in headers or any(name in headers.get(b"cookie", b"") for name in PERSONAL_COOKIES):
        return None
    query = scope.get("query_string", b"")
    if any(key in NOT_KEPT_PARAMS for key, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True)):
        return None
    return (scope.get("scheme"), headers.get(b"host"), path, query)


def cached(app, cache: PageCache):
    async def wrapped(scope, receive, send):
        key = _key(scope)
        if key is None:
            await app(scope, receive, send)
            return
        page = cache.get(key)
        if page is not None:
            start, body = page
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        kept: dict = {"start": None, "chunks": [], "size": 0, "keep": False}
        failed: list[str] = []
        scope = {**scope, STREAM_FAILED: failed}

        async def send_and_keep(message):
            if message["type"] == "http.response.start":
                headers = [name.lower() for name, _ in message.get("headers") or []]
                kept["start"] = message
                kept["keep"] = message["status"] == 200 and b"set-cookie" not in headers
            elif message["type"] == "http.response.body" and kept["keep"]:
                chunk = message.get("body", b"")
                kept["size"] += len(chunk)
                if kept["size"] > cache.max_entry_bytes:
                    kept["keep"], kept["chunks"] = False, []
                else:
                    kept["chunks"].append(chunk)
                if not message.get("more_body", False) and kept["keep"] and not failed:
                    cache.put(key, kept["start"], b"".join(kept["chunks"]))
            await send(message)

        await app(scope, receive, send_and_keep)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    config = datasette.plugin_config(PLUGIN) or {}
    if not {"max_bytes", "max_entry_bytes"} <= set(config):
        raise ValueError(f"metadata.yml: plugins → {PLUGIN} needs max_bytes and max_entry_bytes")
    cache = PageCache(int(config["max_bytes"]), int(config["max_entry_bytes"]))
    return lambda app: cached(app, cache)

"""Datasette plugin: CSV downloads start with a UTF-8 byte-order mark, so Excel reads them as UTF-8.

Excel opens a CSV by double-click in the computer's legacy code page unless the file starts with a
BOM, which turns the curly quotes and accented names of our quotes into mojibake. pandas, csvkit, R
and Python's "utf-8-sig" skip the BOM. Datasette has no setting for it and no plugin adds it, hence
this ASGI wrapper: it prefixes the first body chunk of every `.csv` response (table, view and query
CSVs alike, streamed or not) and corrects Content-Length when one is sent. A file of the site's static
folders (the whole CSVs in /downloads/) is sent as it is: its bytes are the release's, checksummed.
"""

from __future__ import annotations

from datasette import hookimpl

BOM = "\ufeff".encode("utf-8")


def _with_bom(app, static: tuple[str, ...]):
    async def wrapped(scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.endswith(".csv") or path.startswith(static):
            await app(scope, receive, send)
            return
        state = {"csv": False, "started": False}

        async def send_with_bom(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                state["csv"] = message["status"] == 200 and headers.get(b"content-type", b"").startswith(
                    (b"text/csv", b"text/plain"))
                if state["csv"] and b"content-length" in headers:
                    length = int(headers[b"content-length"]) + len(BOM)
                    message = {**message, "headers": [(k, str(length).encode() if k == b"content-length" else v)
                                                      for k, v in message["headers"]]}
            elif message["type"] == "http.response.body" and state["csv"] and not state["started"]:
                state["started"] = True
                message = {**message, "body": BOM + message.get("body", b"")}
            await send(message)

        await app(scope, receive, send_with_bom)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    static = tuple(f"/{mount}/" for mount, _ in datasette.static_mounts)  # files sent as they are
    return lambda app: _with_bom(app, static)

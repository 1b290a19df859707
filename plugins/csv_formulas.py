"""Datasette plugin: in the site's CSV downloads, a cell that a spreadsheet would run as a formula starts with `'`.

A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return) is read by Excel, LibreOffice and
Google Sheets as a formula: a headline such as `=HYPERLINK("http://x","y")` becomes a live link, and worse
formulas can run commands or leak other cells (OWASP, "CSV Injection"). As OWASP advises, every such cell
of a `.csv` response (table, view, SQL and canned-query CSVs, streamed or not) gets a single apostrophe in
front, which spreadsheets hide and read as "this is text". A number (`-12.5`, `-3`, `+4e-05`) is a number,
not a formula, and stays as it is. A cell that starts with an apostrophe gets one more (a spreadsheet shows
it as it was), so removing one leading apostrophe from every cell that starts with one gives the exact text
back. The data package (data/*.csv, the zip in downloads/, the SQLite database) keeps the exact text and is
never rewritten.

The rewrite is a linear state machine over the response's byte stream (RFC 4180 CSV as Python's csv module
writes it: quoted fields may hold commas, quotes doubled and newlines), so it holds no more than the digits of
a cell that may still turn out to be a number, and a cell split across body chunks is handled like any other.
The response loses its Content-Length (it may grow) and is sent chunked. A file of the site's static folders
(the whole CSVs in /downloads/, the data package's) is sent as it is, the exact text.
"""

from __future__ import annotations

import re

from datasette import hookimpl

FORMULA_STARTS = frozenset(b"=+-@\t\r")  # OWASP's list of first characters that make a cell a formula
# A cell that starts with the apostrophe itself gets one more, so that removing one leading apostrophe from
# every cell that has one gives the exact text back.
MARKED_STARTS = FORMULA_STARTS | {ord("'")}
SIGNS = frozenset(b"+-")  # a cell starting with one of these may be a number, which is left alone
MARK = b"'"
BOM = "\ufeff".encode("utf-8")
QUOTE, COMMA, CR, LF = ord('"'), ord(","), ord("\r"), ord("\n")
DIGITS = frozenset(b"0123456789")
FIELD_END = re.compile(rb"[,\r\n]")

# Where the machine is: at the start of a field, inside a field being copied, inside a field whose first
# character is a sign (kept back until it is known to be a number or not), or just after a quote inside a
# quoted field (the end of the field, or the first half of a doubled quote).
FIELD_START, UNQUOTED, QUOTED_START, QUOTED, QUOTED_QUOTE = range(5)
SIGNED_UNQUOTED, SIGNED_QUOTED, SIGNED_QUOTED_QUOTE = range(5, 8)

# A number after its sign, as the characters so far allow: digits, a point, digits, an exponent.
NUM_SIGN, NUM_INT, NUM_POINT_ONLY, NUM_INT_POINT, NUM_FRACTION, NUM_E, NUM_E_SIGN, NUM_E_DIGITS = range(8)
NUMBER_COMPLETE = frozenset({NUM_INT, NUM_INT_POINT, NUM_FRACTION, NUM_E_DIGITS})


def _number_step(state: int, byte: int) -> int | None:
    """The number state after `byte`, or None when the cell can no longer be a number."""
    if byte in DIGITS:
        return {NUM_SIGN: NUM_INT, NUM_INT: NUM_INT, NUM_POINT_ONLY: NUM_FRACTION, NUM_INT_POINT: NUM_FRACTION,
                NUM_FRACTION: NUM_FRACTION, NUM_E: NUM_E_DIGITS, NUM_E_SIGN: NUM_E_DIGITS,
                NUM_E_DIGITS: NUM_E_DIGITS}[state]
    if byte == ord("."):
        return {NUM_SIGN: NUM_POINT_ONLY, NUM_INT: NUM_INT_POINT}.get(state)
    if byte in b"eE":
        return NUM_E if state in (NUM_INT, NUM_INT_POINT, NUM_FRACTION) else None
    if byte in SIGNS:
        return NUM_E_SIGN if state == NUM_E else None
    return None


class FormulaNeutraliser:
    """Feed it the chunks of a CSV body in order (`feed`), then `close`; it returns the body with every
    formula cell prefixed by an apostrophe."""

    def __init__(self) -> None:
        self.state = FIELD_START
        self.start_of_body = True
        self.kept = bytearray()  # the cell so far, while it may still be a number (a sign and digits)
        self.number = NUM_SIGN

    def feed(self, chunk: bytes) -> bytes:
        out = bytearray()
        data = memoryview(chunk)
        i, n = 0, len(chunk)
        if self.start_of_body and n:
            self.start_of_body = False
            if chunk.startswith(BOM):  # csv_bom.py's mark, when it wraps the response before this plugin
                out += BOM
                i = len(BOM)
        while i < n:
            state = self.state
            if state == UNQUOTED:  # copy up to the end of the field in one step
                j = _field_end(chunk, i)
                out += data[i:j]
                if j < n:
                    out.append(chunk[j])
                    self.state = FIELD_START
                i = j + 1
                continue
            if state == QUOTED:  # copy up to the next quote in one step
                j = chunk.find(b'"', i)
                j = n if j < 0 else j
                out += data[i:j]
                if j < n:
                    out.append(QUOTE)
                    self.state = QUOTED_QUOTE
                i = j + 1
                continue
            self._step(chunk[i], out)
            i += 1
        return bytes(out)

    def close(self) -> bytes:
        """The rest of the body at its end: a kept-back cell is written out, decided as if it ended there."""
        out = bytearray()
        if self.state in (SIGNED_UNQUOTED, SIGNED_QUOTED, SIGNED_QUOTED_QUOTE):
            self._release(out, complete=True)
            if self.state == SIGNED_QUOTED_QUOTE:
                out.append(QUOTE)
        self.state = FIELD_START
        return bytes(out)

    def _release(self, out: bytearray, complete: bool) -> None:
        """Write the kept-back cell, with the apostrophe unless it is (complete and) a number."""
        if not (complete and self.number in NUMBER_COMPLETE):
            out += MARK
        out += self.kept
        self.kept.clear()

    def _keep_or_release(self, byte: int, out: bytearray, copying: int) -> None:
        """A character of a kept-back cell: still a number, keep it; otherwise write it all and copy on."""
        number = _number_step(self.number, byte)
        if number is None:
            self._release(out, complete=False)
            out.append(byte)
            self.state = copying
        else:
            self.number = number
            self.kept.append(byte)

    def _step(self, byte: int, out: bytearray) -> None:
        state = self.state
        if state == FIELD_START:
            if byte == QUOTE:
                out.append(byte)
                self.state = QUOTED_START
            elif byte in (COMMA, CR, LF):  # an empty field, or the end of the record
                out.append(byte)
            elif byte in SIGNS:
                self.kept.append(byte)
                self.number = NUM_SIGN
                self.state = SIGNED_UNQUOTED
            else:
                if byte in MARKED_STARTS:
                    out += MARK
                out.append(byte)
                self.state = UNQUOTED
        elif state == QUOTED_START:
            if byte in SIGNS:
                self.kept.append(byte)
                self.number = NUM_SIGN
                self.state = SIGNED_QUOTED
            else:
                if byte in MARKED_STARTS:
                    out += MARK
                out.append(byte)
                self.state = QUOTED_QUOTE if byte == QUOTE else QUOTED
        elif state == QUOTED_QUOTE:
            if byte == QUOTE:  # a doubled quote: text inside the field
                out.append(byte)
                self.state = QUOTED
            else:  # the field ended with the quote before: what follows ends it (a comma or a newline)
                self.state = UNQUOTED if byte not in (COMMA, CR, LF) else FIELD_START
                out.append(byte)
        elif state == SIGNED_UNQUOTED:
            if byte in (COMMA, CR, LF):
                self._release(out, complete=True)
                out.append(byte)
                self.state = FIELD_START
            else:
                self._keep_or_release(byte, out, UNQUOTED)
        elif state == SIGNED_QUOTED:
            if byte == QUOTE:
                self.state = SIGNED_QUOTED_QUOTE
            else:
                self._keep_or_release(byte, out, QUOTED)
        elif state == SIGNED_QUOTED_QUOTE:
            if byte == QUOTE:  # a doubled quote in the cell: not a number
                self._release(out, complete=False)
                out += b'""'
                self.state = QUOTED
            else:  # the closing quote: the cell is complete
                self._release(out, complete=True)
                out.append(QUOTE)
                out.append(byte)
                self.state = UNQUOTED if byte not in (COMMA, CR, LF) else FIELD_START


def _field_end(chunk: bytes, start: int) -> int:
    """Index of the comma or line break that ends an unquoted field in `chunk` from `start`, or len(chunk)."""
    found = FIELD_END.search(chunk, start)
    return found.start() if found else len(chunk)


def _neutralising(app, static: tuple[str, ...]):
    async def wrapped(scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.endswith(".csv") or path.startswith(static):
            await app(scope, receive, send)
            return
        machine: FormulaNeutraliser | None = None

        async def send_neutralised(message):
            nonlocal machine
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if message["status"] == 200 and headers.get(b"content-type", b"").startswith(
                        (b"text/csv", b"text/plain")):
                    machine = FormulaNeutraliser()
                    message = {**message, "headers": [(k, v) for k, v in message.get("headers") or []
                                                      if k.lower() != b"content-length"]}
            elif message["type"] == "http.response.body" and machine is not None:
                body = machine.feed(message.get("body", b""))
                if not message.get("more_body", False):
                    body += machine.close()
                message = {**message, "body": body}
            await send(message)

        await app(scope, receive, send_neutralised)

    return wrapped


@hookimpl
def asgi_wrapper(datasette):
    static = tuple(f"/{mount}/" for mount, _ in datasette.static_mounts)  # files sent as they are
    return lambda app: _neutralising(app, static)

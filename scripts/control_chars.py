"""Control characters in text: find the first one (input that holds one is refused) and show them escaped.

An article, a metadata value or a name holds no control characters but tab, line feed and carriage
return: a NUL, an ESC (terminal escape codes), a form feed or a C1 code is a broken or hostile file,
refused as bad input (`make import` makes each a space, and says so in its report). Text printed to a
terminal or written to a report shows any control character, or bidirectional override, that reaches it
as a visible escape (`\\x1b`, `\\u202e`), never raw; an error line shows its line breaks escaped too.
"""

from __future__ import annotations

import re
import unicodedata

ALLOWED = "\t\n\r"
# Unicode's control characters (category Cc) are U+0000-U+001F and U+007F-U+009F, and will stay so.
_CONTROL = re.compile("[" + "".join(re.escape(chr(code)) for code in range(0xA0)
                                    if unicodedata.category(chr(code)) == "Cc" and chr(code) not in ALLOWED) + "]")


# Printed text also shows the bidirectional overrides and isolates escaped (U+202A-U+202E, U+2066-U+2069):
# they reorder what a terminal shows ("Trojan Source"), and an article or a name may hold them harmlessly.
_BIDI = "".join(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_SHOWN = re.compile(_CONTROL.pattern[:-1] + _BIDI + "]")


def first_control(text: str) -> int | None:
    """Index of the first control character of `text` (other than tab and line breaks), or None."""
    found = _CONTROL.search(text)
    return found.start() if found else None


def position(text: str, index: int) -> str:
    """'line L, column C' of a character index, both counted from 1."""
    line = text.count("\n", 0, index) + 1
    return f"line {line}, column {index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def spaced(text: str) -> tuple[str, int]:
    """`text` with each control character but tab and line breaks made a space, and how many there were."""
    return _CONTROL.subn(" ", text)


def escaped(text: str) -> str:
    """`text` with every control character but tab and line breaks, and every bidirectional override,
    written as \\xNN or \\uNNNN."""
    return _SHOWN.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def one_line(text: str) -> str:
    """`text` escaped for an error line: its line breaks too (as \\n, \\r), so that the message stays one line."""
    return escaped(text).replace("\n", "\\n").replace("\r", "\\r")

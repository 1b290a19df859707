"""Decode the bytes of an imported collection to text, row by row, repairing what is not UTF-8.

Every field is decoded on its own, so one damaged row never changes how the others read: UTF-8 is
kept as it is; each run of bytes that is not UTF-8 is read in the fallback encodings (the one
charset-normalizer recognises when much of the file is not UTF-8, then the collection's declared ones),
or becomes U+FFFD when none of them reads it (the character is lost), and ftfy then repairs mojibake in
that field. Every repair is described in words for the import report.
"""

from __future__ import annotations

from dataclasses import dataclass

import charset_normalizer
import ftfy

REPLACEMENT = "\ufffd"
# ftfy only undoes mojibake here: quotes, line breaks, widths and normalisation stay as the outlet wrote them.
FTFY_CONFIG = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, fix_line_breaks=False, fix_latin_ligatures=False,
                                   fix_character_width=False, fix_surrogates=False, normalization=None, explain=True)


@dataclass(frozen=True)
class Decoded:
    """A field's text and, when its bytes were not UTF-8, what was done to read it."""

    text: str
    repair: str | None = None


def fallback_encodings(raw: bytes, declared: tuple[str, ...]) -> tuple[str, ...]:
    """The encodings to read a file's non-UTF-8 bytes in: charset-normalizer's guess for the whole file when
    more than one byte in a hundred is not UTF-8 (a file in another encoding), then the declared ones."""
    invalid = raw.decode("utf-8", errors="replace").count(REPLACEMENT)
    if invalid * 100 <= len(raw):  # stray bytes in a UTF-8 file
        return declared
    guess = charset_normalizer.from_bytes(raw).best()
    found = guess.encoding if guess is not None and guess.encoding not in ("utf_8", "ascii") else None
    return ((found,) if found else ()) + tuple(e for e in declared if e != found)


def decode_field(raw: bytes, fallback_encodings: tuple[str, ...] = ("cp1252",)) -> Decoded:
    """The field's text: UTF-8 as it is; runs of other bytes read in a fallback encoding or replaced, then ftfy."""
    try:
        return Decoded(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    parts: list[str] = []
    notes: list[str] = []
    position = 0
    while position < len(raw):
        try:
            parts.append(raw[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            start = position + exc.start
            parts.append(raw[position:start].decode("utf-8"))
            end = start + 1
            while end < len(raw) and _invalid_at(raw, end):
                end += 1
            run = raw[start:end]
            parts.append(_read_run(run, fallback_encodings, start, notes))
            position = end
    text = "".join(parts)
    fixed, explanation = ftfy.fix_and_explain(text, config=FTFY_CONFIG)
    if fixed != text:
        notes.append("ftfy: " + ", ".join(f"{step.action} {step.parameter}" for step in explanation or []))
    return Decoded(fixed, "; ".join(notes))


def _invalid_at(raw: bytes, index: int) -> bool:
    """Whether the UTF-8 sequence starting at `index` is invalid (a continuation of a bad run)."""
    try:
        raw[index:index + 4].decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        return exc.start == 0


def _read_run(run: bytes, encodings: tuple[str, ...], offset: int, notes: list[str]) -> str:
    for encoding in encodings:
        try:
            text = run.decode(encoding)
        except UnicodeDecodeError:
            continue
        notes.append(f"bytes {run!r} at {offset} read as {encoding} {text!r}")
        return text
    notes.append(f"bytes {run!r} at {offset} unreadable in UTF-8 and {', '.join(encodings)}: replaced by U+FFFD")
    return REPLACEMENT

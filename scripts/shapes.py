"""Check data read from a YAML file against its JSON Schema in schemas/, and say what is wrong in one line.

YAML turns unquoted values into numbers, dates, booleans, lists or nothing (`actor_id: 123`,
`quote: 12`, `occurrence: two`, an empty file): every reader of hand-written YAML (actors, lexicons,
review files) checks the types it expects here, before using a value, so that a wrong type stops the
build with the file, the entry and the field instead of a traceback. A YAML date counts as the
schema type "date"; a string with "format": "date" must be an ISO date. No string holds a control
character (scripts/control_chars.py).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from .control_chars import escaped, first_control
from .errors import BuildError

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
# How a value is named in a message: YAML's word for it, so the maintainer sees what YAML read.
_KINDS = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "a mapping",
          type(None): "nothing (empty)", date: "a date"}
_WANTED = {"string": "a string (quote it)", "integer": "a whole number", "number": "a number", "array": "a list",
           "object": "a mapping", "boolean": "true or false", "null": "nothing", "date": "a date (YYYY-MM-DD)"}
# Keys that name an entry of a list, shown beside its position.
_ENTRY_KEYS = ("actor_id", "event_id", "figure_id", "place_id")

_TYPES = Draft202012Validator.TYPE_CHECKER.redefine("date", lambda _checker, value: isinstance(value, date))
_Validator = validators.extend(Draft202012Validator, type_checker=_TYPES)


@cache
def _validator(schema_file: str, definition: str | None) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    if definition:
        schema = {**schema["$defs"][definition], "$defs": schema.get("$defs", {})}
    return _Validator(schema, format_checker=FormatChecker(["date"]))


def _kind(value) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _shown(value) -> str:
    text = repr(value.isoformat() if isinstance(value, date) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def _controlled(node, path: tuple = ()) -> tuple | None:
    """The path to the first string (key or value) holding a control character, or None."""
    if isinstance(node, str):
        return path if first_control(node) is not None else None
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(key, str) and first_control(key) is not None:
            return (*path, key)
        found = _controlled(value, (*path, key))
        if found is not None:
            return found
    return None


def _where(error: ValidationError, data) -> str:
    """The entry and field, as `[3].name (actor_id 'afp')` (an entry of a top-level list is named by its id)
    or `figures.add[0].quote`."""
    where, node, named = "", data, ""
    for depth, step in enumerate(error.absolute_path):
        node = node[step]
        where += f"[{step}]" if isinstance(step, int) else (f".{step}" if where else str(step))
        key = next((k for k in _ENTRY_KEYS if isinstance(node, dict) and isinstance(node.get(k), str)), None)
        if depth == 0 and isinstance(step, int) and key:
            named = f" ({key} {node[key]!r})"
    return where + named


def _problem(error: ValidationError) -> str:
    value = error.instance
    if error.validator == "control":
        return error.message
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        named = _WANTED["date"] if "date" in wanted else " or ".join(_WANTED.get(w, w) for w in wanted if w != "null")
        return f"expected {named}, got {_kind(value)} {_shown(value)}" if value is not None else \
            f"expected {named}, got nothing (empty)"
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in value]
        return f"missing field(s) {', '.join(missing)}"
    if error.validator == "format":
        return f"not an ISO date (YYYY-MM-DD): {_shown(value)}"
    if error.validator == "minLength":
        return "is empty"
    if error.validator == "enum":
        return f"{_shown(value)} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "minItems":
        return f"lists {len(value)}, at least {error.validator_value} wanted"
    if error.validator == "minimum":
        return f"{_shown(value)} is below {error.validator_value}"
    if error.validator == "pattern":
        return f"{_shown(value)} is not {error.schema.get('description') or 'of the form ' + error.validator_value}"
    return error.message


def check_shape(data, path: Path, schema_file: str, definition: str | None = None) -> None:
    """Raise BuildError naming `path`, the entry and the field when `data` does not fit the schema."""
    error = next(iter(_validator(schema_file, definition).iter_errors(data)), None)  # the first, in file order
    if error is None:
        control = _controlled(data)
        if control is None:
            return
        error = ValidationError("holds a control character (only tabs and line breaks)", path=control,
                                validator="control")
    where = _where(error, data)
    raise BuildError(escaped(f"{path}: {where + ': ' if where else ''}{_problem(error)}"))


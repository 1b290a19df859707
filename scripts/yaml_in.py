"""Read a hand-written YAML file (reference data, reviews, collection.yml, limits, site metadata): one line on any problem.

The file must be UTF-8 and valid YAML, and may not use aliases (`*name`): hand-written data has no need
of them, and nine nested levels of aliases in a few hundred bytes (a "billion laughs" file) expand to
more values than any check can walk. Every problem is a BuildError naming the file and where in it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import BuildError


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in this file", mark)
        return super().compose_node(parent, index)


def read_yaml(path: Path, what: str = "file"):
    """The data of the YAML file at `path` (None for an empty file); `what` names the file in messages."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BuildError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise BuildError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BuildError(f"{path}: not UTF-8 (byte 0x{raw[exc.start]:02x} on line {line})") from None
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise BuildError(f"{path}: not valid YAML: {exc.problem}{at}") from None
    except yaml.YAMLError as exc:
        raise BuildError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None

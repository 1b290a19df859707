"""Read a hand-edited CSV file of the seeds or the reference data, refusing what would be misread."""

from __future__ import annotations

import csv
from pathlib import Path

from .control_chars import escaped, first_control
from .errors import BuildError


def read_csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows (with the line each ends on) of a CSV file of the seeds or reference data.

    A byte-order mark is read as one (a spreadsheet's "CSV UTF-8" starts with it); a row with more fields
    than the header (an unquoted comma) and a control character in a value are bad input. A row with
    fewer fields leaves the last columns empty.
    """
    extra = object()
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, restkey=extra)  # type: ignore[arg-type]
            header = list(reader.fieldnames or [])
            for row in reader:
                where = f"{path}, line {reader.line_num}"
                if extra in row:
                    raise BuildError(f"{where}: {len(header) + len(row[extra])} fields, but the header has "
                                     f"{len(header)} (a value holding a comma must be quoted)")
                for column, value in row.items():
                    control = first_control(value or "")
                    if control is not None:
                        raise BuildError(f"{where}: {column}: control character {escaped(value[control])} "
                                         "(values are plain text)")
                rows.append((reader.line_num, row))
    except UnicodeDecodeError:
        raise BuildError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise BuildError(f"{path}: not a readable CSV file ({exc})") from None
    header_control = first_control("".join(header))
    if header_control is not None:
        raise BuildError(f"{path}: control character in the header")
    return header, rows

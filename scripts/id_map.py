"""Ids across releases: rows of two versions of the data paired by their evidence, and the id map.

A row's evidence is where the articles say it: the article id and the character offsets of its quote
(EVIDENCE). A figure holds its own; an event's is held by the rows of its mentions (a table whose primary
key includes the reference to it and that has the evidence columns), read from datapackage.json. Two
versions of a row with the same evidence are the same row, whatever their ids.

The id map, `id-map.csv` of a seeds folder (table_name, old_id, new_id, release), lists every id of a
published release that a later release changed for the same evidence, and in which release; `make id-map`
appends to it and the release bundle carries it. The build turns it into the `id_redirects` table:
each old id with the id its row has now, which the site redirects to (plugins/id_redirects.py).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .errors import BuildError
from .schema import Table

EVIDENCE = ("article_id", "char_start", "char_end")
ID_MAP_FILE = "id-map.csv"
ID_MAP_COLUMNS = ("table_name", "old_id", "new_id", "release")
REDIRECTS = "id_redirects"
VERSION = re.compile(r"\d+\.\d+\.\d+")

Evidence = tuple[tuple[str, ...], ...]


def evidence_tables(schema: list[Table]) -> dict[str, str]:
    """Table with a one-column id → the table holding its rows' evidence (itself, or its mentions)."""
    result = {}
    for table in schema:
        if len(table.primary_key) != 1 or table.primary_key[0] in EVIDENCE:
            continue
        if set(EVIDENCE) <= set(table.columns):
            result[table.name] = table.name
            continue
        for other in schema:
            if set(EVIDENCE) <= set(other.columns) and any(
                    ref == table.name and column in other.primary_key for column, ref, _ in other.foreign_keys):
                result[table.name] = other.name
                break
    return result


def evidence_of(table: Table, holder: Table, rows: dict[str, list[dict[str, str]]]) -> dict[str, Evidence]:
    """id → its rows' evidence, sorted (the first is the first mention), in the table's row order."""
    key = table.primary_key[0]
    result: dict[str, list[tuple[str, ...]]] = {row[key]: [] for row in rows.get(table.name, [])}
    if holder.name == table.name:
        for row in rows.get(table.name, []):
            result[row[key]].append(tuple(row[c] for c in EVIDENCE))
    else:
        reference = next(column for column, ref, _ in holder.foreign_keys if ref == table.name and column in holder.primary_key)
        for row in rows.get(holder.name, []):
            if row[reference] in result:
                result[row[reference]].append(tuple(row[c] for c in EVIDENCE))
    return {row_id: tuple(sorted(items, key=_evidence_order)) for row_id, items in result.items()}


def _evidence_order(item: tuple[str, ...]) -> tuple:
    article, start, end = item
    return article, int(start or 0), int(end or 0)


def content_of(table: Table, rows: dict[str, list[dict[str, str]]], renamed: set[str]) -> dict[str, tuple[str, ...]]:
    """id → what the row says besides ids that may change (its columns but its key and its references to
    the `renamed` tables, whose ids are paired by evidence too): of several rows with the same evidence
    (two events told in one sentence, two numbers in one quote), the versions that say the same are the
    same row."""
    references = {column for column, other, _ in table.foreign_keys if other in renamed}
    columns = [c for c in table.columns if c not in table.primary_key and c not in references]
    key = table.primary_key[0]
    return {row[key]: tuple(row.get(c, "") for c in columns) for row in rows.get(table.name, [])}


def pair_rows(old: dict[str, Evidence], new: dict[str, Evidence], old_content: dict[str, tuple] | None = None,
              new_content: dict[str, tuple] | None = None) -> dict[str, str]:
    """old id → new id of the rows that report the same evidence. An old row goes with an unpaired new row
    sharing evidence with it: first the pairs that say exactly the same (`*_content`), then the others,
    preferring the same first mention, then the fewest columns that differ, then the same id, then the
    most evidence shared, then the earlier row; rows left without a partner are paired by id when it is
    in both."""
    order = {row_id: index for index, row_id in enumerate(new)}
    old_content, new_content = old_content or {}, new_content or {}
    by_item: dict[tuple[str, ...], list[str]] = {}
    for row_id, items in new.items():
        for item in items:
            by_item.setdefault(item, []).append(row_id)
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    for same_content_only in (True, False):
        for old_id, items in old.items():
            if old_id in pairs:
                continue
            candidates = {row_id for item in items for row_id in by_item.get(item, ()) if row_id not in taken
                          and (not same_content_only or old_content.get(old_id, ()) == new_content.get(row_id))}
            if not candidates:
                continue
            said = old_content.get(old_id, ())
            best = min(candidates, key=lambda row_id: (
                new[row_id][:1] != items[:1], sum(a != b for a, b in zip(said, new_content.get(row_id, ()), strict=False)),
                row_id != old_id, -len(set(items) & set(new[row_id])), order[row_id]))
            pairs[old_id] = best
            taken.add(best)
    for old_id in old:
        if old_id not in pairs and old_id in new and old_id not in taken:
            pairs[old_id] = old_id
            taken.add(old_id)
    return pairs


def read_id_map(path: Path, tables: set[str]) -> list[dict[str, str]]:
    """The rows of an id map (none when there is no file); a bad row is one BuildError naming it."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != ID_MAP_COLUMNS:
            raise BuildError(f"{path}: the header must be {','.join(ID_MAP_COLUMNS)}, not {','.join(reader.fieldnames or ())}")
        rows = list(reader)
    seen = set()
    for line, row in enumerate(rows, start=2):
        problem = ""
        if None in row or any(row[c] is None for c in ID_MAP_COLUMNS):
            problem = "not 4 fields"
        elif row["table_name"] not in tables:
            problem = f"table_name {row['table_name']!r} is not one of {', '.join(sorted(tables))}"
        elif not row["old_id"] or not row["new_id"] or row["old_id"] == row["new_id"]:
            problem = "old_id and new_id must be two different ids"
        elif not VERSION.fullmatch(row["release"]):
            problem = f"release {row['release']!r} is not MAJOR.MINOR.PATCH"
        elif (row["table_name"], row["old_id"], row["release"]) in seen:
            problem = f"{row['table_name']} {row['old_id']} changed twice in release {row['release']}"
        if problem:
            raise BuildError(f"{path}: line {line}: {problem}")
        seen.add((row["table_name"], row["old_id"], row["release"]))
    return rows


def _release_order(row: dict[str, str]) -> tuple[int, ...]:
    return tuple(int(part) for part in row["release"].split("."))


def redirect_rows(id_map: list[dict[str, str]], rows: dict[str, list[dict]], keys: dict[str, str]) -> list[dict]:
    """The id_redirects rows: each old id of the map with the id its row has in `rows` (the map's changes
    followed in release order, the latest change of an id winning). An old id that is the id of a row now
    is left out (its page is that row's), as is one whose row is gone from `rows`."""
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for entry in sorted(id_map, key=_release_order):
        latest[(entry["table_name"], entry["old_id"])] = entry
    current = {table: {row[key] for row in rows.get(table, [])} for table, key in keys.items()}
    result = []
    for (table, old_id), entry in latest.items():
        if old_id in current.get(table, set()):
            continue
        target, seen = entry["new_id"], {old_id}
        while target not in current.get(table, set()) and (table, target) in latest and target not in seen:
            seen.add(target)
            target = latest[(table, target)]["new_id"]
        if target in current.get(table, set()):
            result.append({"table_name": table, "old_id": old_id, "new_id": target, "release": entry["release"]})
    return result


def append_to_id_map(path: Path, changes: list[tuple[str, str, str]], release: str) -> list[tuple[str, str, str]]:
    """Append the (table, old id, new id) changes of `release` that the map at `path` lacks; returns them."""
    present = {(r["table_name"], r["old_id"], r["new_id"]) for r in id_map_rows(path)}
    added = [change for change in changes if change not in present]
    if not added:
        return []
    text = path.read_text(encoding="utf-8") if path.is_file() else ",".join(ID_MAP_COLUMNS) + "\n"
    buffer = [text if text.endswith("\n") else text + "\n"]
    for table, old_id, new_id in added:
        buffer.append(_csv_line([table, old_id, new_id, release]))
    path.write_text("".join(buffer), encoding="utf-8")
    return added


def id_map_rows(path: Path) -> list[dict[str, str]]:
    """The id map's rows as written, unchecked (none when there is no file)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()

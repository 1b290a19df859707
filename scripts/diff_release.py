"""Report which rows a rebuild added, removed or changed against the last release bundle in dist/.

    python -m scripts.diff_release [--build DIR] [--dist DIR] [--against BUNDLE] [--id-map FILE] [--record]

Events and figures are matched by their evidence (scripts/id_map.py: the article and the offsets of the
first mention, or of the figure's number), the other tables by their primary key in the build's
datapackage.json, with the event and figure ids they refer to read as the matched rows' new ids. A row
whose evidence is in both under another id is listed apart ("same evidence, new id": old → new), with
whether the id map (seeds/id-map.csv) has the change; --record (`make id-map`) appends the missing
ones to it under the build's version. A row in both whose values differ is changed (the differing
columns are named). Prints per table counts and the keys, and exits 0 (it is a report, not a check)
unless --record cannot record. The last release is the bundle in dist/ with the highest version (see
scripts/release.py).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .id_map import EVIDENCE, ID_MAP_FILE, append_to_id_map, content_of, evidence_of, evidence_tables, id_map_rows, pair_rows
from .release import NAME, ROOT, package_zip_name, shown_path
from .schema import Table
from .schema import tables as _tables

Rows = dict[tuple[str, ...], dict[str, str]]


@dataclass
class Package:
    """A data package's version and tables: name → (primary key, rows by key)."""

    version: str
    keys: dict[str, tuple[str, ...]]
    tables: dict[str, list[dict[str, str]]]
    schema: dict[str, Table] = field(default_factory=dict)


@dataclass
class TableDiff:
    name: str
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: list[tuple[tuple[str, ...], list[str]]] = field(default_factory=list)  # key, changed columns
    renamed: list[tuple[str, str]] = field(default_factory=list)  # same evidence, new id: (old id, new id)
    note: str = ""

    @property
    def counts(self) -> tuple[int, int, int]:
        return len(self.added), len(self.removed), len(self.changed)


def _version_key(bundle: Path) -> tuple:
    version = bundle.name.removeprefix(f"{NAME}-")
    return tuple(int(part) for part in re.findall(r"\d+", version)), version


def latest_bundle(dist_dir: Path, below: str | None = None) -> Path | None:
    """The release bundle in `dist_dir` with the highest version (lower than `below` if given), or None."""
    bundles = [p for p in dist_dir.glob(f"{NAME}-*") if p.is_dir() and p.name.startswith(f"{NAME}-")
               and (p / package_zip_name(p.name.removeprefix(f"{NAME}-"))).is_file()
               and (below is None or _version_key(p)[0] < _version_tuple(below))]
    return max(bundles, key=_version_key) if bundles else None


def _package(descriptor: dict, read_csv) -> Package:
    keys, tables = {}, {}
    for resource in descriptor["resources"]:
        key = resource["schema"].get("primaryKey", [])
        keys[resource["name"]] = (key,) if isinstance(key, str) else tuple(key)
        tables[resource["name"]] = list(csv.DictReader(io.StringIO(read_csv(f"data/{resource['name']}.csv"))))
    return Package(str(descriptor.get("version", "")), keys, tables, {t.name: t for t in _tables(descriptor)})


def read_build(build_dir: Path) -> Package:
    """The package of a build folder (datapackage.json and data/*.csv)."""
    descriptor = json.loads((build_dir / "datapackage.json").read_text(encoding="utf-8"))
    return _package(descriptor, lambda path: (build_dir / path).read_text(encoding="utf-8"))


def read_bundle(bundle: Path) -> Package:
    """The package zipped in a release bundle."""
    version = bundle.name.removeprefix(f"{NAME}-")
    with zipfile.ZipFile(bundle / package_zip_name(version)) as archive:
        def read(path: str) -> str:
            return archive.read(f"{NAME}/{path}").decode("utf-8")
        return _package(json.loads(read("datapackage.json")), read)


def _by_key(rows: list[dict[str, str]], key: tuple[str, ...]) -> Rows:
    columns = key if key or not rows else tuple(rows[0])  # no primary key: the whole row is its key
    return {tuple(row.get(column, "") for column in columns): row for row in rows}


def diff_table(name: str, key: tuple[str, ...], old: list[dict[str, str]], new: list[dict[str, str]]) -> TableDiff:
    result = TableDiff(name)
    if old and any(column not in old[0] for column in key):
        result.note = f"the last release has no column {', '.join(c for c in key if c not in old[0])}: keys not comparable"
    old_rows, new_rows = _by_key(old, key), _by_key(new, key)
    result.added = [k for k in new_rows if k not in old_rows]
    result.removed = [k for k in old_rows if k not in new_rows]
    for k, row in new_rows.items():
        if k in old_rows:
            columns = [c for c in dict.fromkeys([*old_rows[k], *row]) if old_rows[k].get(c) != row.get(c)]
            if columns:
                result.changed.append((k, columns))
    old_columns, new_columns = (list(old[0]) if old else []), (list(new[0]) if new else [])
    if old and new and old_columns != new_columns:
        gone = [c for c in old_columns if c not in new_columns]
        came = [c for c in new_columns if c not in old_columns]
        result.note = "; ".join(filter(None, [result.note, f"columns added: {', '.join(came)}" if came else "",
                                              f"columns removed: {', '.join(gone)}" if gone else ""]))
    return result


def diff_packages(old: Package, new: Package) -> list[TableDiff]:
    """Per table of either package (the new one's order first), what changed from `old` to `new`."""
    renamed: dict[str, dict[str, str]] = {}
    holders = evidence_tables(list(new.schema.values()))
    for name, holder in holders.items():
        if name in old.schema and holder in old.schema and set(EVIDENCE) <= set(old.schema[holder].columns):
            table = new.schema[name]
            renamed[name] = pair_rows(evidence_of(table, new.schema[holder], old.tables),
                                      evidence_of(table, new.schema[holder], new.tables),
                                      content_of(table, old.tables, set(holders)),
                                      content_of(table, new.tables, set(holders)))
    diffs = []
    for name in list(new.tables) + [n for n in old.tables if n not in new.tables]:
        key = new.keys.get(name, old.keys.get(name, ()))
        old_rows = _translated(old.tables.get(name, []), new.schema.get(name), renamed)
        if name in renamed:
            diff = diff_by_evidence(name, key[0], old_rows, new.tables.get(name, []), renamed[name])
        else:
            diff = diff_table(name, key, old_rows, new.tables.get(name, []))
        if name not in old.tables:
            diff.note = "new table"
        elif name not in new.tables:
            diff.note = "table removed"
        diffs.append(diff)
    return diffs


def _rows_by_id(rows: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {row[key]: row for row in rows}


def _differing(old: dict[str, str], new: dict[str, str], skip: str = "") -> list[str]:
    return [c for c in dict.fromkeys([*old, *new]) if c != skip and old.get(c) != new.get(c)]


def diff_by_evidence(name: str, key: str, old: list[dict[str, str]], new: list[dict[str, str]],
                     pairs: dict[str, str]) -> TableDiff:
    """The diff of a table whose rows were paired by evidence (`pairs`: old id → new id)."""
    result = TableDiff(name)
    old_rows, new_rows = _rows_by_id(old, key), _rows_by_id(new, key)
    paired = set(pairs.values())
    result.added = [(k,) for k in new_rows if k not in paired]
    result.removed = [(k,) for k in old_rows if k not in pairs]
    result.renamed = [(old_id, new_id) for old_id, new_id in pairs.items() if old_id != new_id]
    for old_id, new_id in pairs.items():
        columns = _differing(old_rows[old_id], new_rows[new_id], skip=key)
        if columns:
            result.changed.append(((new_id,), columns))
    return result


def _translated(rows: list[dict[str, str]], table: Table | None, renamed: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """`rows` of the old package with the ids they refer to in renamed tables written as the new ids."""
    columns = [(column, renamed[ref]) for column, ref, _ in (table.foreign_keys if table else ()) if ref in renamed]
    if not columns:
        return rows
    return [{**row, **{column: pairs.get(row.get(column, ""), row.get(column, "")) for column, pairs in columns}}
            for row in rows]


def _id(key: tuple[str, ...]) -> str:
    return "/".join(key)


def id_changes(diffs: list[TableDiff]) -> list[tuple[str, str, str]]:
    """(table, old id, new id) of every row found under another id for the same evidence."""
    return [(d.name, old_id, new_id) for d in diffs for old_id, new_id in d.renamed]


def id_report(diffs: list[TableDiff], mapped: set[tuple[str, str, str]], map_label: str) -> list[str]:
    """The lines on ids: every change, old → new, and whether the id map has it."""
    changes = id_changes(diffs)
    if not changes:
        return ["", "Ids: none changed (every row with the same evidence has the same id)."]
    lines = ["", f"Ids changed (same evidence, new id): {len(changes)}"]
    for d in diffs:
        if d.renamed:
            lines.append(f"  {d.name} ({len(d.renamed)}): " + ", ".join(f"{old} → {new}" for old, new in d.renamed))
    missing = [c for c in changes if c not in mapped]
    lines.append(f"  {map_label} has all of them." if not missing else
                 f"  {map_label} lacks {len(missing)} of them: `make id-map` records them under the build's version, "
                 "so that the old ids' pages redirect.")
    return lines


def report(diffs: list[TableDiff], old_label: str, new_label: str) -> str:
    lines = [f"Rows of {new_label} against {old_label}:", "",
             f"  {'table':<22}{'added':>7}{'removed':>9}{'changed':>9}"]
    lines += [f"  {d.name:<22}{d.counts[0]:>7}{d.counts[1]:>9}{d.counts[2]:>9}" for d in diffs]
    changed = [d for d in diffs if any(d.counts) or d.note]
    if not changed:
        return "\n".join(lines + ["", "No row added, removed or changed."]) + "\n"
    for d in changed:
        lines += ["", f"{d.name}:" + (f" ({d.note})" if d.note else "")]
        if d.added:
            lines.append(f"  added ({len(d.added)}): {', '.join(_id(k) for k in d.added)}")
        if d.removed:
            lines.append(f"  removed ({len(d.removed)}): {', '.join(_id(k) for k in d.removed)}")
        if d.changed:
            lines.append(f"  changed ({len(d.changed)}): "
                         + ", ".join(f"{_id(k)} [{' '.join(columns)}]" for k, columns in d.changed))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build output folder")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="folder of release bundles")
    parser.add_argument("--against", type=Path, help="a release bundle folder (default: the latest in --dist)")
    parser.add_argument("--id-map", type=Path, default=ROOT / "seeds" / ID_MAP_FILE, help="the id map of the seeds")
    parser.add_argument("--record", action="store_true", help="append the id changes the id map lacks to it")
    args = parser.parse_args(argv)
    bundle = args.against or latest_bundle(args.dist)
    if bundle is None:
        print(f"No release bundle in {shown_path(args.dist)}/ yet: nothing to compare the build with. "
              "`make publish` (or `make publish DRY_RUN=1`) writes the first one.")
        return 0
    try:
        old, new = read_bundle(bundle), read_build(args.build)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        print(f"cannot compare {shown_path(args.build)} with {shown_path(bundle)}: {exc}")
        return 0
    diffs = diff_packages(old, new)
    print(report(diffs, f"{shown_path(bundle)}/ (version {old.version})",
                 f"{shown_path(args.build)}/ (version {new.version})"), end="")
    mapped = {(r["table_name"], r["old_id"], r["new_id"]) for r in id_map_rows(args.id_map)}
    print("\n".join(id_report(diffs, mapped, shown_path(args.id_map))))
    if args.record:
        return record(diffs, args.id_map, old.version, new.version)
    return 0


def unrecorded_id_changes(build_dir: Path, dist_dir: Path, id_map: Path) -> tuple[Path | None, list[tuple[str, str, str]]]:
    """The last release before the build's version in `dist_dir`, and the id changes against it that
    `id_map` lacks (none when there is no such release)."""
    new = read_build(build_dir)
    bundle = latest_bundle(dist_dir, below=new.version)
    if bundle is None:
        return None, []
    mapped = {(r["table_name"], r["old_id"], r["new_id"]) for r in id_map_rows(id_map)}
    return bundle, [c for c in id_changes(diff_packages(read_bundle(bundle), new)) if c not in mapped]


def record(diffs: list[TableDiff], id_map: Path, old_version: str, new_version: str) -> int:
    """Append the id changes to the id map under `new_version`, which must be later than `old_version`."""
    changes = id_changes(diffs)
    if changes and _version_tuple(new_version) <= _version_tuple(old_version):
        print(f"not recorded: the build's version {new_version} is not later than the release's {old_version}; "
              "bump `version` in datapackage.json first", file=sys.stderr)
        return 1
    added = append_to_id_map(id_map, changes, new_version)
    print(f"Recorded {len(added)} id change(s) in {shown_path(id_map)} under {new_version}"
          + ("; `make` rebuilds with their redirects." if added else "."))
    return 0


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


if __name__ == "__main__":
    sys.exit(main())

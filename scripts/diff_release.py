"""Report which rows a rebuild added, removed or changed against the last release bundle in dist/.

    python -m scripts.diff_release [--build DIR] [--dist DIR] [--against BUNDLE]

Rows are matched by each table's primary key in the build's datapackage.json; a row whose key is in
both but whose values differ is changed (the differing columns are named). Prints per table counts and
the keys, and always exits 0: it is a report, not a check. The last release is the bundle in dist/ with
the highest version (see scripts/release.py).
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

from .release import NAME, ROOT, package_zip_name, shown_path

Rows = dict[tuple[str, ...], dict[str, str]]


@dataclass
class Package:
    """A data package's version and tables: name → (primary key, rows by key)."""

    version: str
    keys: dict[str, tuple[str, ...]]
    tables: dict[str, list[dict[str, str]]]


@dataclass
class TableDiff:
    name: str
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: list[tuple[tuple[str, ...], list[str]]] = field(default_factory=list)  # key, changed columns
    note: str = ""

    @property
    def counts(self) -> tuple[int, int, int]:
        return len(self.added), len(self.removed), len(self.changed)


def _version_key(bundle: Path) -> tuple:
    version = bundle.name.removeprefix(f"{NAME}-")
    return tuple(int(part) for part in re.findall(r"\d+", version)), version


def latest_bundle(dist_dir: Path) -> Path | None:
    """The release bundle in `dist_dir` with the highest version, or None."""
    bundles = [p for p in dist_dir.glob(f"{NAME}-*") if p.is_dir() and p.name.startswith(f"{NAME}-")
               and (p / package_zip_name(p.name.removeprefix(f"{NAME}-"))).is_file()]
    return max(bundles, key=_version_key) if bundles else None


def _package(descriptor: dict, read_csv) -> Package:
    keys, tables = {}, {}
    for resource in descriptor["resources"]:
        key = resource["schema"].get("primaryKey", [])
        keys[resource["name"]] = (key,) if isinstance(key, str) else tuple(key)
        tables[resource["name"]] = list(csv.DictReader(io.StringIO(read_csv(f"data/{resource['name']}.csv"))))
    return Package(str(descriptor.get("version", "")), keys, tables)


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
    diffs = []
    for name in list(new.tables) + [n for n in old.tables if n not in new.tables]:
        key = new.keys.get(name, old.keys.get(name, ()))
        diff = diff_table(name, key, old.tables.get(name, []), new.tables.get(name, []))
        if name not in old.tables:
            diff.note = "new table"
        elif name not in new.tables:
            diff.note = "table removed"
        diffs.append(diff)
    return diffs


def _id(key: tuple[str, ...]) -> str:
    return "/".join(key)


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
    print(report(diff_packages(old, new), f"{shown_path(bundle)}/ (version {old.version})",
                 f"{shown_path(args.build)}/ (version {new.version})"), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())

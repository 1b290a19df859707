"""Write the release bundle of a build into dist/: what a version of the dataset is, checksummed.

    python -m scripts.release [--build DIR] [--dist DIR]

dist/idlib-events-<version>/ holds the Frictionless data package (datapackage.json and every CSV,
zipped as idlib-events-<version>-datapackage.zip), the site's other downloads in downloads/ (every
table's CSV, the events with names as events_flat.csv, the events as GeoJSON: the build's downloads/
folder but its zip), the SQLite database idlib-events.db (the file name
is the database name Datasette and metadata.yml use), the build's Datasette metadata.yml, the site's
own files (templates/, plugins/, static/), the id map id-map.csv (a copy of seeds/id-map.csv: every id of an
earlier release that changed for the same evidence, old → new, and in which release; scripts/id_map.py)
and SHA256SUMS (`sha256sum -c SHA256SUMS` checks them). The
version is the `version` of the build's datapackage.json. The bundle is written to a temporary folder
and renamed into place, so a failed release leaves the previous bundle as it was; the same build gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from .atomic import replace_dir
from .downloads import FLAT_CSV, PACKAGE_ZIP, write_package_zip
from .errors import BuildError
from .id_map import ID_MAP_COLUMNS, ID_MAP_FILE
from .serve import DB_FILE, PLUGINS, ROOT, STATIC_MOUNTS, TEMPLATES

NAME = "idlib-events"
CHECKSUMS = "SHA256SUMS"
DOWNLOADS = "downloads"  # the build's folder of downloads, and the bundle's
CHANGELOG = ROOT / "CHANGELOG.md"
ID_MAP = ROOT / "seeds" / ID_MAP_FILE  # the id map of the seeds `make` builds


def read_version(build_dir: Path) -> str:
    """The dataset version of a build: `version` in its datapackage.json."""
    try:
        version = json.loads((build_dir / "datapackage.json").read_text(encoding="utf-8")).get("version", "")
    except (OSError, ValueError) as exc:
        raise BuildError(f"{build_dir / 'datapackage.json'}: cannot read the built package ({exc}); run `make`") from None
    if not re.fullmatch(r"\d+\.\d+\.\d+", str(version)):
        raise BuildError(f"{build_dir / 'datapackage.json'}: version {version!r} is not MAJOR.MINOR.PATCH")
    return version


def bundle_name(version: str) -> str:
    return f"{NAME}-{version}"


def package_zip_name(version: str) -> str:
    return f"{bundle_name(version)}-datapackage.zip"


def site_folders() -> list[tuple[Path, str]]:
    """The repo folders the site serves (templates, plugins, static folders of the repo), with their bundle paths."""
    folders = [TEMPLATES, PLUGINS] + [ROOT / folder for _, folder in STATIC_MOUNTS if "{build}" not in folder]
    return [(folder, folder.relative_to(ROOT).as_posix()) for folder in folders if folder.is_dir()]


def checksums(bundle: Path) -> str:
    """SHA256SUMS of every file in `bundle` (itself excluded), in `sha256sum` format, sorted by path."""
    lines = []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() and p.name != CHECKSUMS):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(bundle).as_posix()}\n")
    return "".join(lines)


def _copy_downloads(source: Path, target: Path) -> None:
    """The build's downloads (whole CSVs, GeoJSON) but the data package zip, which the bundle names by its version."""
    if not (source / FLAT_CSV).is_file():
        raise BuildError(f"{source / FLAT_CSV}: missing; run `make` first")
    target.mkdir()
    for path in sorted(source.iterdir()):
        if path.is_file() and path.name != PACKAGE_ZIP:
            shutil.copyfile(path, target / path.name)


def _fill(bundle: Path, build_dir: Path, version: str, folders: list[tuple[Path, str]], id_map: Path) -> None:
    for name in (DB_FILE, "metadata.yml", "datapackage.json"):
        if not (build_dir / name).is_file():
            raise BuildError(f"{build_dir / name}: missing; run `make` first")
    write_package_zip(build_dir, bundle / package_zip_name(version))
    _copy_downloads(build_dir / DOWNLOADS, bundle / DOWNLOADS)
    shutil.copyfile(build_dir / DB_FILE, bundle / DB_FILE)
    shutil.copyfile(build_dir / "metadata.yml", bundle / "metadata.yml")
    if id_map.is_file():
        shutil.copyfile(id_map, bundle / ID_MAP_FILE)
    else:
        (bundle / ID_MAP_FILE).write_text(",".join(ID_MAP_COLUMNS) + "\n", encoding="utf-8")
    for source, target in folders:
        for path in sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            destination = bundle / target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    (bundle / CHECKSUMS).write_text(checksums(bundle), encoding="utf-8")


def write_release(build_dir: Path, dist_dir: Path, folders: list[tuple[Path, str]] | None = None,
                  id_map: Path = ID_MAP) -> Path:
    """Write the bundle of the build in `build_dir` into `dist_dir`, with the id map `id_map`; returns its folder."""
    version = read_version(build_dir)
    dist_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dist_dir))
    try:
        bundle = staging / bundle_name(version)
        bundle.mkdir()
        _fill(bundle, build_dir, version, site_folders() if folders is None else folders, id_map)
        target = dist_dir / bundle.name
        replace_dir(bundle, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def shown_path(path: Path) -> str:
    """`path` relative to the repo root when it is inside it (no machine paths in output or files)."""
    path = path.absolute()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build output folder")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="release folder")
    parser.add_argument("--id-map", type=Path, default=ID_MAP, help="the id map of the built seeds")
    args = parser.parse_args(argv)
    from .diff_release import unrecorded_id_changes  # it reads bundles as this module names them

    try:
        version = read_version(args.build)
        last, missing = unrecorded_id_changes(args.build, args.dist, args.id_map)
        if missing:
            table, old_id, new_id = missing[0]
            raise BuildError(f"{shown_path(args.id_map)} lacks {len(missing)} id change(s) since {last.name} "
                             f"(such as {table} {old_id} → {new_id}), so their old pages would not redirect: "
                             "run `make id-map`, then `make publish`")
        previous = args.dist / bundle_name(version) / CHECKSUMS
        before = previous.read_text(encoding="utf-8") if previous.is_file() else None
        bundle = write_release(args.build, args.dist, id_map=args.id_map)
    except BuildError as exc:
        print(f"release failed: {exc}", file=sys.stderr)
        return 1
    after = (bundle / CHECKSUMS).read_text(encoding="utf-8")
    print(f"release {version} → {shown_path(bundle)}/")
    print("".join(f"  {line.split('  ', 1)[1]}\n" for line in after.splitlines()), end="")
    if before is not None and before != after:
        print(f"note: {shown_path(bundle)} was replaced by different files; "
              "a new release of the data needs a new version in datapackage.json", file=sys.stderr)
    if not CHANGELOG.is_file() or not re.search(rf"^## {re.escape(version)}\b", CHANGELOG.read_text(encoding="utf-8"), re.M):
        print(f"note: CHANGELOG.md has no entry for {version}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

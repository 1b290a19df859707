"""The one `datasette serve` command line of the site, used by `make serve` and by the browser tests.

    python -m scripts.serve [--build DIR] [--host HOST] [--port PORT]

The database is served immutable, with a time limit on every query and a cap on returned rows; the
page templates come from templates/ and the downloads (data package zip, GeoJSON, whole CSVs) from the
build's downloads/ folder, at /downloads/. `make publish` (scripts/deploy.py) deploys the same site from
the same constants: SETTINGS, TEMPLATES, PLUGINS and STATIC_MOUNTS.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_FILE = "idlib-events.db"  # the build's database (scripts.build.DB_FILE)
# What `datasette inspect` read of the database at build time (its tables' row counts, its hash): Datasette
# shows a whole table's row count from it instead of counting the rows on every page. `datasette publish`
# makes the same file for the deployed site.
INSPECT_FILE = "inspect-data.json"
SETTINGS = {
    "sql_time_limit_ms": 3000,  # a query that runs longer is stopped
    "facet_time_limit_ms": 1000,
    "max_returned_rows": 2000,  # more than every table has today; stops a runaway query, not a download
    "default_page_size": 100,
    # Datasette's own cap on one CSV download, kept: a stream costs the server's one Python thread for every row
    # (the whole tables are static files: scripts/downloads.py); a capped stream ends with a line that links
    # the table's file (plugins/csv_errors.py).
    "max_csv_mb": 100,
    # Off: on every table page (and every JSON preview of the search page) Datasette tried some 40 extra
    # queries to suggest facets; the site's facets are configured in metadata.yml.
    "suggest_facets": False,
}
TEMPLATES = ROOT / "templates"
# Folders served as static files, as (URL mount, folder): "{build}" stands for the build output folder,
# any other folder is relative to the repo root. Both `make serve` and `make publish` serve every one.
STATIC_MOUNTS = (
    ("downloads", "{build}/downloads"),  # the zipped data package, the GeoJSON and every table's whole CSV
    ("assets", "static"),  # the site's own scripts and styles (map popups, search results, column notes)
)
PLUGINS = ROOT / "plugins"  # the site's own Datasette plugins (CSV downloads for Excel: a BOM, no formula cells)


def plugin_module(name: str):
    """The site's plugin `name` (plugins/<name>.py) as a module, for the build and the tools that share its
    definitions (what a facet counts, the notice of an incomplete download)."""
    spec = importlib.util.spec_from_file_location(f"site_plugin_{name}", PLUGINS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def static_mounts(build_dir: Path) -> list[tuple[str, Path]]:
    """STATIC_MOUNTS with their folders for the build in `build_dir`."""
    return [(mount, Path(folder.format(build=build_dir)) if "{build}" in folder else ROOT / folder)
            for mount, folder in STATIC_MOUNTS]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on `host` right now (for a server started next, by a test or the load test)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def serve_command(build_dir: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """argv that serves `build_dir` (a build output folder) on host:port."""
    datasette = Path(sys.executable).with_name("datasette")
    argv = [str(datasette), "serve", "-i", str(build_dir / DB_FILE), "-m", str(build_dir / "metadata.yml"),
            "--inspect-file", str(build_dir / INSPECT_FILE), "--template-dir", str(TEMPLATES), "--plugins-dir", str(PLUGINS)]
    for mount, folder in static_mounts(build_dir):
        argv += ["--static", f"{mount}:{folder}"]
    for name, value in SETTINGS.items():
        argv += ["--setting", name, str(value)]
    return argv + ["--host", host, "--port", str(port)]


def write_inspect_file(build_dir: Path) -> None:
    """build_dir/INSPECT_FILE for build_dir's database, by `datasette inspect`, with the database's file named
    as it is served (the build folder's path would make each build's file differ)."""
    datasette = Path(sys.executable).with_name("datasette")
    found = subprocess.run([str(datasette), "inspect", str(build_dir / DB_FILE)], check=True, capture_output=True,
                           text=True)
    inspected = json.loads(found.stdout)
    for database in inspected.values():
        database["file"] = DB_FILE
    (build_dir / INSPECT_FILE).write_text(json.dumps(inspected, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build output folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    command = serve_command(args.build, args.host, args.port)
    print(f"Serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    os.execv(command[0], command)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Write the site's downloads: the Frictionless data package as one zip, the events as GeoJSON, every
table's whole CSV and the events with names (`events_flat`) as one CSV.

Each is byte-identical from build to build (fixed zip timestamps, sorted keys, rows in key order), so a
rebuild of the same seeds changes no download. The CSVs follow the data package's rules (scripts/csv_out.py):
UTF-8 without a byte-order mark, LF line ends, the exact text (no formula cell is marked); a table's file
is its data package CSV, byte for byte.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .csv_out import format_value
from .tables import AREA_PRECISION

PACKAGE_ZIP = "idlib-events-datapackage.zip"
EVENTS_GEOJSON = "events.geojson"
FLAT_VIEW = "events_flat"  # the events with names instead of ids (a view or a table of the database)
FLAT_CSV = f"{FLAT_VIEW}.csv"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry: no build time leaks in
GEOJSON_PROPERTIES = ("event_id", "event_date", "event_date_end", "date_precision", "date_basis", "event_type",
                      "sub_event_type", "place_id", "geo_precision", "actor1_id", "actor2_id", "fatalities",
                      "fatalities_low", "fatalities_best", "fatalities_high", "part_of_event_id", "fatalities_in_totals",
                      "source_count", "summary", "review_status")


def write_package_zip(package_dir: Path, target: Path) -> None:
    """datapackage.json and data/*.csv of `package_dir`, under an `idlib-events/` folder in the zip."""
    files = [package_dir / "datapackage.json"] + sorted((package_dir / "data").glob("*.csv"))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"idlib-events/{path.relative_to(package_dir).as_posix()}", date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())


def events_geojson(rows: dict[str, list[dict]], precision_labels: dict[int, str]) -> dict:
    """A FeatureCollection with one feature per event, named for GIS labels ("2015-04-26 Air/drone strike,
    Darkush") and with its place, governorate and actors by name. Events with no point (located only to a
    governorate or region, or at a place with no point of its own) have geometry null, as in the events
    table, and a `no_point` property that says why."""
    places = {p["place_id"]: p for p in rows["places"]}
    actors = {a["actor_id"]: a["name"] for a in rows["actors"]}
    features = []
    for event in rows["events"]:
        place = places[event["place_id"]]
        point = None
        if event["latitude"] is not None and event["longitude"] is not None:
            point = {"type": "Point", "coordinates": [event["longitude"], event["latitude"]]}
        properties = {key: event[key] for key in GEOJSON_PROPERTIES}
        properties |= {
            "name": f"{event['event_date']} {event['sub_event_type']}, {place['name']}",
            "place": place["name"],
            "governorate": place["governorate"],
            "actor1": actors.get(event["actor1_id"]),
            "actor2": actors.get(event["actor2_id"]),
            "location": precision_labels[event["geo_precision"]],
            "no_point": None if point else _no_point(event, place),
        }
        features.append({"type": "Feature", "id": event["event_id"], "geometry": point, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _no_point(event: dict, place: dict) -> str:
    """Why an event is not drawn: it is known only to an area, or its place's point is not known."""
    if event["geo_precision"] == AREA_PRECISION:
        return f"located only to {place['name']}, an area, not to a point"
    return f"{place['name']} has no point of its own in the gazetteer"


@dataclass(frozen=True)
class Download:
    """A file of the downloads folder: its name, what it holds, and how many rows (or features) and bytes."""

    name: str
    table: str | None  # the table (or view) whose every row it holds; None for the data package zip
    rows: int | None
    size: int


def write_flat_csv(db_path: Path, target: Path) -> int:
    """Every row of the database's `events_flat` (view or table) by event_id, as the package writes CSVs;
    returns the number of rows."""
    count = 0
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn, \
            target.open("w", encoding="utf-8", newline="") as handle:
        cursor = conn.execute(f"SELECT * FROM [{FLAT_VIEW}] ORDER BY event_id")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([column[0] for column in cursor.description])
        for row in cursor:
            writer.writerow([format_value(value) for value in row])
            count += 1
    return count


def write_downloads(package_dir: Path, rows: dict[str, list[dict]], db_path: Path, target_dir: Path,
                    precision_labels: dict[int, str]) -> list[Download]:
    """The zip, the GeoJSON, every table's CSV (a copy of data/<table>.csv) and the flat CSV (from the database
    at `db_path`); `precision_labels` are the meanings of events.geo_precision (the schema's categories).
    Returns the files written: the zip, the flat CSV, the GeoJSON, then the tables' CSVs by name."""
    target_dir.mkdir()
    write_package_zip(package_dir, target_dir / PACKAGE_ZIP)
    geojson = events_geojson(rows, precision_labels)
    (target_dir / EVENTS_GEOJSON).write_text(json.dumps(geojson, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    flat_rows = write_flat_csv(db_path, target_dir / FLAT_CSV)
    written = [Download(PACKAGE_ZIP, None, None, 0), Download(FLAT_CSV, FLAT_VIEW, flat_rows, 0),
               Download(EVENTS_GEOJSON, "events", len(geojson["features"]), 0)]
    for table_csv in sorted((package_dir / "data").glob("*.csv")):
        shutil.copyfile(table_csv, target_dir / table_csv.name)
        written.append(Download(table_csv.name, table_csv.stem, len(rows[table_csv.stem]), 0))
    return [Download(d.name, d.table, d.rows, (target_dir / d.name).stat().st_size) for d in written]

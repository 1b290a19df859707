"""Write the site's downloads: the Frictionless data package as one zip, and the events as GeoJSON.

Both are byte-identical from build to build (fixed zip timestamps, sorted keys), so a rebuild of the
same seeds changes no download.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from .tables import AREA_PRECISION

PACKAGE_ZIP = "idlib-events-datapackage.zip"
EVENTS_GEOJSON = "events.geojson"
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


def write_downloads(package_dir: Path, rows: dict[str, list[dict]], target_dir: Path,
                    precision_labels: dict[int, str]) -> None:
    """The zip and the GeoJSON; `precision_labels` are the meanings of events.geo_precision (the schema's categories)."""
    target_dir.mkdir()
    write_package_zip(package_dir, target_dir / PACKAGE_ZIP)
    geojson = events_geojson(rows, precision_labels)
    (target_dir / EVENTS_GEOJSON).write_text(json.dumps(geojson, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

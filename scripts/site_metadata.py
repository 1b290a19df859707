"""Write the Datasette metadata the site serves: metadata.yml plus descriptions from datapackage.json."""

from __future__ import annotations

import copy
import html
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

from .downloads import EVENTS_GEOJSON, FLAT_CSV, PACKAGE_ZIP, Download
from .errors import BuildError
from .schema import Table
from .tables import EXTRACTION_CUT, NOT_UNDERSTOOD
from .yaml_in import read_yaml

DATABASE = "idlib-events"
BUILD_NOTES = (NOT_UNDERSTOOD, EXTRACTION_CUT)  # rows the build reports on, not published tables
VALUE_LABELS = "value-labels"  # the plugin config key of plugins/value_labels.py
HOME_PAGE = "home-page"  # the plugin config key of plugins/home_page.py


def read_site_metadata(path: Path) -> dict:
    return read_yaml(path, "Datasette metadata") or {}


def with_descriptions(site: dict, tables: list[Table], views: dict[str, list[str]]) -> dict:
    """A copy of the hand-kept metadata with every table and column described from the schema."""
    merged = copy.deepcopy(site)
    db = merged.setdefault("databases", {}).setdefault(DATABASE, {})
    db_tables = db.setdefault("tables", {})
    by_name = {t.name: t for t in tables}
    for table in tables:
        spec = db_tables.setdefault(table.name, {}) or {}
        db_tables[table.name] = spec
        spec.setdefault("title", table.title)
        spec.setdefault("description", table.description)
        columns = spec.setdefault("columns", {})
        for field in table.fields:
            columns.setdefault(field["name"], field.get("description", ""))
    events = {f["name"]: f.get("description", "") for f in by_name["events"].fields}
    for name, view_columns in views.items():  # views borrow the descriptions of event columns
        columns = db_tables.setdefault(name, {}).setdefault("columns", {})
        for column in view_columns:
            if column in events:
                columns.setdefault(column, events[column])
        missing = [c for c in view_columns if not columns.get(c)]
        if missing:
            raise BuildError(f"metadata.yml: view {name} has undescribed column(s) {', '.join(missing)}")
    merged.setdefault("plugins", {})[VALUE_LABELS] = _value_labels(tables, views)
    return merged


def _value_labels(tables: list[Table], views: dict[str, list[str]]) -> dict[str, dict[str, dict[str, str]]]:
    """table → column → value → label, from the schema's `categories` (plugins/value_labels.py shows them
    beside the values, static/map.js in its popups); a view's column has the label of the events column."""
    labels = {table.name: {field["name"]: {str(c["value"]): c["label"] for c in field["categories"]}
                           for field in table.fields if field.get("categories")} for table in tables}
    for name, view_columns in views.items():
        labels[name] = {c: labels["events"][c] for c in view_columns if c in labels["events"]}
    return {table: columns for table, columns in labels.items() if columns}


def _coverage_html(rows: dict[str, list[dict]]) -> str:
    articles, events = rows["articles"], rows["events"]
    published = sorted(a["published_date"] for a in articles)
    days = sorted(e["event_date"] for e in events)
    places = {e["place_id"] for e in events}
    located = [p for p in rows["places"] if p["place_id"] in places]
    governorates = sorted({p["governorate"] for p in located if p["governorate"] and p["country"] == "Syria"})
    abroad = sorted({p["country"] for p in located if p["country"] != "Syria"})
    if abroad:
        governorates.append(f"and in {', '.join(abroad)}")
    if not events:
        return f"<p><strong>Coverage:</strong> {len(articles)} articles; no events yet.</p>"
    return (f"<p><strong>Coverage:</strong> {len(articles)} articles published {published[0]} to {published[-1]}; "
            f"{len(events)} events dated {days[0]} to {days[-1]} at {len(places)} places "
            f"(governorates {html.escape(', '.join(governorates))}); {len(rows['figures'])} figures.</p>")


def _web_url(text: str) -> str | None:
    """`text` if it is an absolute http(s) URL (the only URLs from the data the home page links), else None."""
    parts = urlsplit(text.strip())
    return text.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _sources_html(rows: dict[str, list[dict]]) -> str:
    """Each collection the articles came in, with its credit and licence (FA-KES asks to be credited).
    Every value is escaped, and the licence is a link only when its URL is http(s)."""
    items = []
    for collection in rows.get("collections", []):
        if not collection["article_count"]:
            continue
        licence = html.escape(collection["licence"] or "")
        licence_url = _web_url(collection["licence_url"] or "")
        if licence and licence_url:
            licence = f'<a href="{html.escape(licence_url)}">{licence}</a>'
        collection_query = quote(collection["collection_id"], safe="")
        items.append(f'<li><a href="/{DATABASE}/articles?collection_id={html.escape(collection_query)}">'
                     f'{html.escape(collection["title"])}</a> ({collection["article_count"]} articles'
                     f'{", " + licence if licence else ""}): {html.escape(collection["credit"] or "")}</li>')
    return "<p><strong>Sources:</strong></p><ul>" + "".join(items) + "</ul>" if items else ""


def human_size(size: int) -> str:
    """A file size as people read it: 812 bytes, 4.2 kB, 336 kB, 1.2 MB, 12 GB (powers of 1000)."""
    if size < 1000:
        return f"{size} bytes"
    value, unit = size / 1000, "kB"
    for bigger in ("MB", "GB", "TB"):
        if value < 999.95:
            break
        value, unit = value / 1000, bigger
    return f"{value:.1f} {unit}" if value < 9.95 else f"{value:,.0f} {unit}"


def _downloads_html(downloads: list[Download]) -> str:
    """The home page's list of the downloads (scripts/downloads.py), each whole, with its rows and size."""
    by_name = {d.name: d for d in downloads}

    def link(name: str, label: str) -> str:  # `download`: saved as a file, not shown as text
        return f'<a href="/downloads/{quote(name)}" download>{label}</a>'

    def count(download: Download, noun: str = "rows") -> str:
        return f"{download.rows:,} {noun.removesuffix('s') if download.rows == 1 else noun}, {human_size(download.size)}"

    package, flat, geojson = by_name[PACKAGE_ZIP], by_name[FLAT_CSV], by_name[EVENTS_GEOJSON]
    tables = [d for d in downloads if d.name not in (PACKAGE_ZIP, FLAT_CSV, EVENTS_GEOJSON)]
    items = [
        f"{link(FLAT_CSV, 'events with names, one CSV')} (<code>{FLAT_CSV}</code>: {count(flat)})",
        f"{link(PACKAGE_ZIP, 'the data package')} (every table as CSV with its <code>datapackage.json</code> "
        f"schema, zipped: {human_size(package.size)})",
        f"{link(EVENTS_GEOJSON, 'events as GeoJSON')} (for GIS: {count(geojson, 'events')})",
        "every table as one CSV: " + ", ".join(f"{link(d.name, html.escape(d.table or d.name))} ({count(d)})"
                                               for d in tables),
    ]
    return ("<p><strong>Downloads</strong> (each file holds every row):</p><ul>"
            + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
            "<p>The CSV files are the data package's: UTF-8 with no byte-order mark and the exact text (in a "
            "spreadsheet, open them through Data → From Text/CSV). A table page's CSV link gives the rows it "
            "shows, with every filter, in the site's spreadsheet-safe form.</p>")


def with_coverage(site: dict, rows: dict[str, list[dict]], version: str, downloads: list[Download]) -> dict:
    """The home page text with what the build holds (coverage), where it comes from, the downloads (the files
    `downloads` lists) and how to cite it: appended to the description, and kept apart in the home page's
    configuration with every table's row count, for its own layout (templates/index.html, plugins/home_page.py)."""
    merged = copy.deepcopy(site)
    title = merged.get("title", DATABASE)
    pieces = {
        "coverage_html": _coverage_html(rows),
        "sources_html": _sources_html(rows),
        "downloads_html": _downloads_html(downloads),
        "cite_html": f"<p><strong>How to cite:</strong> {html.escape(title)} (version {html.escape(version)}), "
        f"the idlib-events project, {html.escape(merged.get('license', ''))}. "
        "Cite the article behind a fact too: every row names its <code>article_id</code>.</p>",
    }
    intro = merged.get("description_html", "")
    merged["description_html"] = "\n".join([intro, *pieces.values()]).strip()
    home = merged.setdefault("plugins", {}).setdefault(HOME_PAGE, {})
    home.update(pieces, intro_html=intro)
    home["row_counts"] = {name: len(table_rows) for name, table_rows in rows.items() if name not in BUILD_NOTES}
    return merged


def write_site_metadata(metadata: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")

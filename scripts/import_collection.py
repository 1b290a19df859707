"""Turn an article collection (FA-KES CSV, or any CSV / JSON Lines file) into a seeds folder (`make import`).

    python -m scripts.import_collection FILE --format fakes|csv|jsonl --out DIR [column options]

The folder gets one text file per article, its metadata file (the same `articles.csv` a maintainer
keeps for seeds/), `collection.yml` (what the collection is, its credit and licence), the collection's
own coding of each article in `annotations.csv` when it has one, and `import-report.log`, which
accounts for every input row: imported, folded into an article it repeats, linked as a duplicate
text, left out by --where, or not usable (with the reason). The folder is written whole and only when
the import has finished; running the import again on the same file gives the same bytes.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import hashlib
import io
import json
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import dateparser
import yaml

from .atomic import replace_dir
from .control_chars import one_line, spaced
from .decoding import Decoded, decode_field, fallback_encodings
from .errors import BuildError
from .limits import LIMITS_FILE, extraction_limits, read_limits
from .seed_writer import METADATA_FILE, metadata_file, seed_file_name
from .seeds import ANNOTATIONS_FILE, ARTICLE_ID, COLLECTION_FILE, IMPORT_REPORT_FILE, PublishedLimits
from .textnorm import fold
from .yaml_in import read_yaml

ROOT = Path(__file__).resolve().parents[1]
FORMATS_DIR = ROOT / "importers"
LIMITS = ROOT / "seeds" / "reference" / LIMITS_FILE  # the same limits the build applies to a seed article
# The FA-KES development corpus, in the shared folder beside the repository (as in CI).
FAKES_DEV_CORPUS = ROOT.parent / "shared" / "corpora" / "fakes" / "fakes-dev.csv"
REPORT_FILE = IMPORT_REPORT_FILE
KEPT_FOLDERS = ("reviews",)  # a maintainer's files inside an imported folder survive a re-import


@dataclass
class Row:
    """One input row, decoded, with where it came from."""

    number: int  # 1-based data row (the header is row 0)
    fields: dict[str, str]
    repairs: list[str] = field(default_factory=list)


class RowLimits:
    """What the build would refuse in an article (limits.yml): the importer marks such a row not usable instead."""

    def __init__(self, path: Path) -> None:
        checked = read_limits(path)
        self.published = PublishedLimits.from_limits(checked, path.name)
        self.max_bytes = extraction_limits(checked).max_article_bytes

    def problem(self, published: str, body: str) -> str | None:
        if not self.published.allow(date.fromisoformat(published)):
            return (f"published_date {published} is not between {self.published.earliest.isoformat()} and "
                    f"{self.published.latest().isoformat()} (the limits in {self.published.source})")
        if (size := len(body.encode("utf-8"))) > self.max_bytes:
            return f"the text has {size:,} bytes, more than max_article_bytes ({self.max_bytes:,}) in limits.yml allows"
        return None


@dataclass
class ImportResult:
    articles: list[dict[str, str]] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)
    annotations: list[dict[str, str]] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str, line: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.report.append(line)


# -- reading the input file, row by row -------------------------------------------------------------


def _without_controls(row: Row) -> Row:
    """The row with each control character (a NUL, an escape code ...) made a space, and the repair noted:
    a seeds folder holds none (scripts/control_chars.py)."""
    for name, value in row.fields.items():
        row.fields[name], count = spaced(value)
        if count:
            row.repairs.append(f"{name}: {count} control character(s) made spaces")
    return row


def _decode_row(number: int, raw_fields: dict, fallback: tuple[str, ...]) -> Row:
    row = Row(number, {})
    for name, value in raw_fields.items():
        if name is None:  # fields beyond the header's columns
            row.repairs.append(f"{len(value)} field(s) beyond the header's columns left out")
            continue
        decoded: Decoded = decode_field((value or "").encode("utf-8", "surrogateescape"), fallback)
        row.fields[name] = decoded.text
        if decoded.repair:
            row.repairs.append(f"{name}: {decoded.repair}")
    return _without_controls(row)


def read_csv_rows(path: Path, fallback: tuple[str, ...]) -> list[Row]:
    """Rows of a CSV file; the bytes are split into rows first and each field is decoded on its own."""
    raw = path.read_bytes().removeprefix(codecs.BOM_UTF8)  # a spreadsheet's "CSV UTF-8" starts with one
    fallback = fallback_encodings(raw, fallback)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8", errors="surrogateescape"), newline=""))
    return [_decode_row(number, row, fallback) for number, row in enumerate(reader, start=1)]


def read_jsonl_rows(path: Path, fallback: tuple[str, ...]) -> tuple[list[Row], list[str]]:
    """Rows of a JSON Lines file, and a line for each line that is not a JSON object."""
    rows, problems = [], []
    raw = path.read_bytes().removeprefix(codecs.BOM_UTF8)  # a spreadsheet's "CSV UTF-8" starts with one
    fallback = fallback_encodings(raw, fallback)
    for number, raw_line in enumerate(raw.splitlines(), start=1):
        if not raw_line.strip():
            continue
        decoded = decode_field(raw_line, fallback)
        try:
            value = json.loads(decoded.text)
        except json.JSONDecodeError as exc:
            problems.append(f"row {number}: not usable: not a JSON object ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(value, dict):
            problems.append(f"row {number}: not usable: a JSON {type(value).__name__}, not an object")
            continue
        row = Row(number, {k: "" if v is None else str(v) for k, v in value.items()})
        if decoded.repair:
            row.repairs.append(decoded.repair)
        rows.append(_without_controls(row))
    return rows, problems


# -- what a row says --------------------------------------------------------------------------------


def _parse_date(text: str) -> date | None:
    parsed = dateparser.parse(text, languages=["en"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True,
                                                               "REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date() if parsed else None


def date_stamp(body: str, patterns: list[re.Pattern[str]], window: int) -> tuple[date, str] | None:
    """The publication date the stamp at the head of an article gives, and the stamp as printed."""
    head = body.lstrip()
    for pattern in patterns:
        match = pattern.match(head) if pattern.pattern.startswith("^") else pattern.search(head[:window])
        if match:
            month = match.group("month")
            written = f"{int(match.group('day'))} {month} {match.group('year')}"
            if month.isdigit():
                written = f"{match.group('year')}-{int(month):02d}-{int(match.group('day')):02d}"
            stamp_date = _parse_date(written)
            if stamp_date:
                return stamp_date, match.group().strip()
    return None


class Format:
    """The columns and conventions of one collection: a file in importers/, or column options for csv / jsonl."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.collection = dict(spec["collection"])
        self.fallback = tuple(spec.get("fallback_encodings") or ("cp1252",))
        self.stamps = [re.compile(p, re.IGNORECASE) for p in spec.get("date_stamps") or []]
        self.furniture = [re.compile(p, re.IGNORECASE) for p in spec.get("title_furniture") or []]
        self.publishers = spec.get("publishers") or {}
        self.annotation_columns = spec.get("annotation_columns") or {}

    def article_id(self, row: Row) -> str:
        value = row.fields.get(self.spec["id_column"], "").strip()
        return f"{self.spec.get('id_prefix', '')}{value}".lower() if value else ""

    def title(self, row: Row) -> str:
        title = row.fields.get(self.spec["title_column"], "").strip()
        for pattern in self.furniture:
            title = pattern.sub("", title).strip()
        return title

    def publisher(self, row: Row) -> str:
        if self.spec.get("publisher"):
            return self.spec["publisher"]
        name = row.fields.get(self.spec.get("publisher_column") or "", "").strip()
        return self.publishers.get(name, name)

    def published(self, row: Row, body: str) -> tuple[str, str, str] | None:
        """(ISO date, basis, note) of publication: the date column, the text's stamp, or the coded date."""
        column = self.spec.get("date_column")
        if column and row.fields.get(column, "").strip():
            written = row.fields[column].strip()
            parsed = _parse_date(written)
            if parsed:
                return parsed.isoformat(), "stated", f"The collection's {column} column: {written!r}."
        stamp = date_stamp(body, self.stamps, int(self.spec.get("stamp_window", 0)))
        if stamp:
            return stamp[0].isoformat(), "stated", f"The date stamp the text starts with: {stamp[1]!r}."
        coded = self._coded_date(row)
        if coded:
            return (coded.isoformat(), "inferred",
                    f"No date stamp in the text; the collection's coders dated its main event {coded.isoformat()}, "
                    "taken as the publication date.")
        return None

    def _coded_date(self, row: Row) -> date | None:
        column = next((c for c, name in self.annotation_columns.items() if name == "coded_date"), None)
        written = row.fields.get(column or "", "").strip()
        if not written:
            return None
        try:
            return datetime.strptime(written, self.spec.get("annotation_date_format", "%Y-%m-%d")).date()
        except ValueError:
            return None

    def annotation(self, row: Row, article_id: str, number: int) -> dict[str, str] | None:
        if not self.annotation_columns:
            return None
        values = {"article_id": article_id, "annotation_no": str(number), "source_row": str(row.number)}
        for column, name in self.annotation_columns.items():
            values[name] = row.fields.get(column, "").strip()
        coded = self._coded_date(row)
        if "coded_date" in values:
            values["coded_date"] = coded.isoformat() if coded else ""
        return values


def load_format(name: str, options: argparse.Namespace | None = None) -> Format:
    """The format named on the command line: a file in importers/, or the generic csv / jsonl with column options."""
    path = FORMATS_DIR / f"{name}.yml"
    if path.is_file():
        return Format(read_yaml(path, "import format"))
    if name not in ("csv", "jsonl") or options is None:
        known = sorted(p.stem for p in FORMATS_DIR.glob("*.yml")) + ["csv", "jsonl"]
        raise BuildError(f"unknown import format {name!r} (one of: {', '.join(known)})")
    collection_id = options.collection_id
    if not collection_id or not ARTICLE_ID.fullmatch(collection_id):
        raise BuildError("--collection-id (lowercase letters, digits, - or _) is required for the csv and jsonl formats")
    return Format({
        "collection": {"collection_id": collection_id, "title": options.collection_title or collection_id,
                       "description": "", "credit": options.credit or "", "licence": options.licence or "",
                       "licence_url": "", "source_url": options.source_url or "", "rights": options.rights or ""},
        "id_column": options.id_column, "id_prefix": f"{collection_id}-", "title_column": options.title_column,
        "body_column": options.body_column, "publisher_column": options.publisher_column,
        "publisher": options.publisher, "date_column": options.date_column, "url_column": options.url_column,
        "date_stamps": [], "fallback_encodings": ["cp1252"],
    })


# -- the import -------------------------------------------------------------------------------------


def _keep(row: Row, where: dict[str, set[str]]) -> bool:
    return all(row.fields.get(column, "").strip().lower() in values for column, values in where.items())


def import_rows(rows: list[Row], fmt: Format, where: dict[str, set[str]], limits: RowLimits) -> ImportResult:
    result = ImportResult()
    first_row: dict[str, int] = {}
    by_text: dict[str, str] = {}
    for row in rows:
        where_row = f"row {row.number}"
        article_id = fmt.article_id(row)
        for repair in row.repairs:
            result.report.append(f"{where_row} ({article_id or 'no id'}): repaired {repair}")
        result.counts["repaired"] = result.counts.get("repaired", 0) + bool(row.repairs)
        if not _keep(row, where):
            result.note("left out by --where", f"{where_row} ({article_id}): left out by --where")
            continue
        if not article_id or not ARTICLE_ID.fullmatch(article_id):
            result.note("not usable", f"{where_row}: not usable: article id {article_id!r} is empty or not "
                                      "lowercase letters, digits, - or _")
            continue
        if article_id in first_row:
            annotation = fmt.annotation(row, article_id, sum(a["article_id"] == article_id for a in result.annotations) + 1)
            if annotation:
                result.annotations.append(annotation)
            result.note("another coding of an article", f"{where_row} ({article_id}): the same article as row "
                        f"{first_row[article_id]}, coded for another event: kept as its annotation "
                        f"{annotation['annotation_no'] if annotation else ''}".rstrip())
            continue
        body = row.fields.get(fmt.spec["body_column"], "")
        if not body.strip():
            result.note("not usable", f"{where_row} ({article_id}): not usable: the article text is empty")
            continue
        published = fmt.published(row, body)
        if published is None:
            result.note("not usable", f"{where_row} ({article_id}): not usable: no publication date "
                                      "(no date column, no date stamp in the text, no coded date)")
            continue
        problem = limits.problem(published[0], body)
        if problem:
            result.note("not usable", f"{where_row} ({article_id}): not usable: {problem}")
            continue
        title = fmt.title(row)
        if not title:
            result.note("not usable", f"{where_row} ({article_id}): not usable: the title is empty")
            continue
        head = fold(body[: len(title) + int(fmt.spec.get("headline_window", 400))])
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        duplicate_of = by_text.get(digest, "")
        first_row[article_id] = row.number
        by_text.setdefault(digest, article_id)
        result.articles.append({
            "seed_file": seed_file_name(article_id), "title": title, "publisher": fmt.publisher(row),
            "published_date": published[0], "published_date_basis": published[1], "published_date_note": published[2],
            "url": row.fields.get(fmt.spec.get("url_column") or "", "").strip(), "byline": "", "language": "en",
            "rights": fmt.collection.get("rights", ""), "title_in_text": "yes" if fold(title) in head else "no",
            "duplicate_of": duplicate_of,
        })
        result.bodies[article_id] = body
        annotation = fmt.annotation(row, article_id, 1)
        if annotation:
            result.annotations.append(annotation)
        if duplicate_of:
            result.note("imported, duplicate text", f"{where_row} ({article_id}): imported; the same text as "
                        f"{duplicate_of}: kept, and linked to it (duplicate_of)")
        else:
            result.counts["imported"] = result.counts.get("imported", 0) + 1
        if published[1] == "inferred":
            result.report.append(f"{where_row} ({article_id}): no date stamp in the text: published_date "
                                 f"{published[0]} inferred from the coded date")
    return result


def _report_text(source: Path, rows: int, result: ImportResult, problems: list[str]) -> str:
    counts = dict(result.counts)
    counts["not usable"] = counts.get("not usable", 0) + len(problems)
    accounted = sum(v for k, v in counts.items() if k != "repaired")
    lines = [f"Import of {source.name}: {rows + len(problems)} rows, {len(result.articles)} articles", ""]
    lines += [f"  {kind:<30} {counts[kind]:>5}" for kind in sorted(counts)]
    lines += [f"  {'rows accounted for':<30} {accounted:>5}", ""]
    lines += problems + result.report
    return "\n".join(lines) + "\n"


def _annotations_file(rows: list[dict[str, str]]) -> bytes:
    if not rows:
        return b""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_folder(out: Path, fmt: Format, result: ImportResult, report: str) -> None:
    """Write the seeds folder whole: staged beside `out`, then put in its place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for article in result.articles:
            article_id = article["seed_file"][:-4]
            (staging / article["seed_file"]).write_bytes(result.bodies[article_id].encode("utf-8"))
        (staging / METADATA_FILE).write_bytes(metadata_file(result.articles))
        (staging / COLLECTION_FILE).write_text(yaml.safe_dump(fmt.collection, sort_keys=False, allow_unicode=True, width=100),
                                               encoding="utf-8")
        if result.annotations:
            (staging / ANNOTATIONS_FILE).write_bytes(_annotations_file(result.annotations))
        (staging / REPORT_FILE).write_text(report, encoding="utf-8")
        for kept in KEPT_FOLDERS:
            if (out / kept).is_dir():
                shutil.copytree(out / kept, staging / kept)
        replace_dir(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def import_collection(source: Path, fmt: Format, out: Path, where: dict[str, set[str]] | None = None,
                      limits: Path = LIMITS) -> str:
    """Import `source` into the seeds folder `out`; returns the import report. A row the build would refuse
    by `limits` (its publication date, its size) is reported not usable."""
    if out.exists() and not (out / REPORT_FILE).is_file() and (not out.is_dir() or any(out.iterdir())):
        raise BuildError(f"{out}: not a folder an import wrote (it has no {REPORT_FILE}), and the import replaces "
                         "its folder whole: give a new or empty folder")
    if not source.is_file():
        raise BuildError(f"{source}: no such file to import")
    if fmt.spec.get("format", "csv") == "jsonl" or source.suffix == ".jsonl":
        rows, problems = read_jsonl_rows(source, fmt.fallback)
    else:
        rows, problems = read_csv_rows(source, fmt.fallback), []
    if rows:
        for column in ("id_column", "title_column", "body_column"):
            name = fmt.spec.get(column)
            if not name or not any(name in row.fields for row in rows):
                raise BuildError(f"{source}: no column {name!r} for {column.replace('_', ' ')} "
                                 f"(columns: {', '.join(rows[0].fields)})")
    result = import_rows(rows, fmt, where or {}, RowLimits(limits))
    if not result.articles:
        raise BuildError(f"{source}: no article could be imported ({len(rows) + len(problems)} rows)")
    report = _report_text(source, len(rows), result, problems)
    write_folder(out, fmt, result, report)
    return report


def _where(values: list[str]) -> dict[str, set[str]]:
    where: dict[str, set[str]] = {}
    for value in values:
        column, _, allowed = value.partition("=")
        if not column or not allowed:
            raise BuildError(f"--where {value!r}: write COLUMN=VALUE[,VALUE…]")
        where[column.strip()] = {v.strip().lower() for v in allowed.split(",")}
    return where


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the collection file")
    parser.add_argument("--format", required=True, help="fakes (or another file in importers/), csv or jsonl")
    parser.add_argument("--out", type=Path, required=True, help="the seeds folder to write (replaced whole)")
    parser.add_argument("--where", action="append", default=[], help="COLUMN=VALUE[,VALUE…]: import only these rows")
    generic = parser.add_argument_group("columns of the csv and jsonl formats")
    generic.add_argument("--collection-id", help="short id of the collection; article ids are <collection-id>-<id>")
    generic.add_argument("--collection-title", default="")
    generic.add_argument("--id-column", default="id")
    generic.add_argument("--title-column", default="title")
    generic.add_argument("--body-column", default="text")
    generic.add_argument("--date-column", default="date")
    generic.add_argument("--url-column", default="url")
    generic.add_argument("--publisher-column", default="publisher")
    generic.add_argument("--publisher", default="", help="one publisher for every article (instead of a column)")
    generic.add_argument("--credit", default="", help="how to credit the collection")
    generic.add_argument("--licence", default="", help="the collection's licence")
    generic.add_argument("--source-url", default="")
    generic.add_argument("--rights", default="", help="rights statement of the article texts")
    parser.add_argument("--options", default="", help="more options in one string, split as a shell would split "
                        "it but with nothing expanded (make import's IMPORT_OPTIONS: --publisher \"Two words\")")
    args = parser.parse_args(argv)
    if args.options:
        try:
            args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), *shlex.split(args.options)])
        except ValueError as exc:
            parser.error(f"--options: {exc}")
    try:
        fmt = load_format(args.format, args)
        if args.format == "jsonl":
            fmt.spec["format"] = "jsonl"
        report = import_collection(args.file, fmt, args.out, _where(args.where))
    except BuildError as exc:
        print(f"import failed, nothing written: {one_line(str(exc))}", file=sys.stderr)
        return 1
    print(report.split("\n\n")[0] + "\n\n" + report.split("\n\n")[1])
    print(f"  → {args.out} (every row in {args.out / REPORT_FILE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

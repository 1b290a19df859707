"""A hostile copy of the seeds and the reference data: script, link and formula payloads in every name,
title, alias, note and quote the site shows (the browser test and the CSV-formula test build it once)."""

from __future__ import annotations

import csv
import itertools
import shutil
from pathlib import Path

import yaml

from scripts.derive_places import GENERATED_FILE

from .conftest import REFERENCE, SEEDS, seeds_without_collections

# Each payload sets window.__xss when a page lets it run: as markup written with innerHTML, as an
# attribute it breaks out of, or as a link it becomes.
XSS = (
    '<img src=x onerror="window.__xss=1">',
    '<svg onload="window.__xss=1"></svg>',
    '<script>window.__xss=1</script>',
    '"><img src=x onerror=window.__xss=1>',
    "'><img src=x onerror=window.__xss=1>",
    "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
)
JAVASCRIPT_URL = "javascript:window.__xss=1"
# Cells a spreadsheet would run as formulas (OWASP "CSV injection").
FORMULAS = ('=HYPERLINK("http://x","y")', "@SUM(1)", "+1+1", "-2+3")
FAR_PLACE = "astana"  # far outside the map's focus (an article of the hostile collection): named in the note under the map
MARKED_PLACE = "idlib-city"  # a place the extractor finds, renamed to a payload that starts with a formula
MARKED_ACTOR = "jabhat-al-nusra"
HOSTILE_COLLECTION = "hostile"


def _payloads():
    return itertools.cycle(XSS)


def _rewrite_csv(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for number, row in enumerate(rows):
        change(number, row)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _hostile_text(text: str, keep: list[str], payloads) -> str:
    """`text` with a payload inside every long paragraph (after its first comma) that no review quotes, and
    one paragraph starting with a formula."""
    paragraphs = text.split("\n\n")
    formula_done = False
    for i, paragraph in enumerate(paragraphs):
        if len(paragraph) < 120 or ", " not in paragraph or any(k in " ".join(paragraph.split()) for k in keep):
            continue
        head, tail = paragraph.split(", ", 1)
        paragraph = f"{head}, {next(payloads)} {tail}"
        if not formula_done:
            paragraph = f"{FORMULAS[3]} {paragraph}"
            formula_done = True
        paragraphs[i] = paragraph
    return "\n\n".join(paragraphs)


def _hostile_reference(folder: Path, payloads) -> Path:
    reference = folder / "reference"
    shutil.copytree(REFERENCE, reference)

    def place(number, row):
        if row["place_id"] == MARKED_PLACE:
            row["name"] = f"{FORMULAS[1]} {row['name']} {XSS[0]}"
        elif row["place_id"] == FAR_PLACE:
            row["name"] = f"{row['name']} {XSS[0]}"
        else:
            row["name"] = f"{row['name']} {next(payloads)}"
        row["aliases"] = "|".join(filter(None, [row["aliases"], f"{row['place_id']} {next(payloads)}"]))
        row["coord_source"] = f"{row['coord_source']} {next(payloads)}"

    _rewrite_csv(reference / "places.csv", place)
    # the places of the generated gazetteer too: a map shows them, the regions and governorates of places.csv not
    _rewrite_csv(reference / GENERATED_FILE, lambda number, row: row.update(name=f"{row['name']} {next(payloads)}"))
    actors = yaml.safe_load((reference / "actors.yml").read_text(encoding="utf-8"))
    for actor in actors:
        actor["name"] = f"{actor['name']} {next(payloads)}"
        actor["description"] = f"{actor.get('description', '')} {next(payloads)}"
        extra = f"{FORMULAS[2]} {actor['actor_id']}" if actor["actor_id"] == MARKED_ACTOR else \
            f"{actor['actor_id']} {next(payloads)}"
        actor["aliases"] = [*(actor.get("aliases") or []), extra]
    (reference / "actors.yml").write_text(yaml.safe_dump(actors, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return reference


def _hostile_collection(folder: Path, payloads) -> None:
    """A small collection of its own (one article of the FA-KES collection) whose collection fields and coding
    carry payloads: the article page shows both."""
    source = SEEDS / "collections" / "fakes"
    target = folder / "collections" / HOSTILE_COLLECTION
    target.mkdir(parents=True)
    with (source / "articles.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, first = reader.fieldnames, next(reader)
    shutil.copy(source / first["seed_file"], target)
    first.update(title=f"{FORMULAS[0]} {first['title']} {next(payloads)}", url=JAVASCRIPT_URL,
                 byline=next(payloads), publisher=f"{first['publisher']} {next(payloads)}",
                 title_in_text="no")
    # An event abroad, at a point: its marker lies outside the map's first view (FAR_PLACE)
    far = dict(first, seed_file="hostile-far.txt", title=f"Agreement signed {next(payloads)}", title_in_text="no")
    (target / far["seed_file"]).write_text(
        "Delegations of Russia, Turkey and Iran signed an agreement in Astana on Monday, the Kazakh foreign "
        "ministry said.\n", encoding="utf-8")
    with (target / "articles.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows([first, far])
    with (source / "annotations.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        annotation_fields = reader.fieldnames
        annotations = [r for r in reader if r["article_id"] == first["seed_file"].removesuffix(".txt")]
    for row in annotations:
        row.update(coded_actor=f"{row['coded_actor']} {next(payloads)}", coded_governorate=next(payloads),
                   coded_cause_of_death=next(payloads))
    with (target / "annotations.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=annotation_fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(annotations)
    collection = yaml.safe_load((source / "collection.yml").read_text(encoding="utf-8"))
    collection.update(collection_id=HOSTILE_COLLECTION, title=f"Hostile {next(payloads)}",
                      description=next(payloads), credit=next(payloads), licence=f"CC-BY-4.0 {next(payloads)}",
                      licence_url=JAVASCRIPT_URL, source_url=JAVASCRIPT_URL)
    (target / "collection.yml").write_text(yaml.safe_dump(collection, allow_unicode=True), encoding="utf-8")


def hostile_copy(folder: Path) -> tuple[Path, Path]:
    """Write hostile seeds and reference data into `folder`; returns (seeds folder, reference folder)."""
    payloads = _payloads()
    seeds = seeds_without_collections(folder / "seeds")
    reference = _hostile_reference(folder, payloads)
    collection = yaml.safe_load((seeds / "collection.yml").read_text(encoding="utf-8"))
    collection.update(title=f"Seed articles {next(payloads)}", credit=f"{collection['credit']} {next(payloads)}",
                      licence=f"{FORMULAS[0]} {next(payloads)}", licence_url=JAVASCRIPT_URL, source_url=JAVASCRIPT_URL)
    (seeds / "collection.yml").write_text(yaml.safe_dump(collection, allow_unicode=True), encoding="utf-8")

    review_quotes = []
    for path in sorted((seeds / "reviews").glob("*.yml")):
        review = yaml.safe_load(path.read_text(encoding="utf-8"))
        review.pop("events", None)  # their event ids depend on sentences the payloads change
        for kind in ("events", "figures"):
            for entries in (review.get(kind) or {}).values():
                for entry in entries:
                    entry["reason"] = f"{entry.get('reason', '')} {next(payloads)}"
                    if "quote" in entry:
                        review_quotes.append(" ".join(entry["quote"].split()))
        review["reviewer"] = f"{review['reviewer']} {next(payloads)}"
        path.write_text(yaml.safe_dump(review, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def article(number, row):
        title = row["title"]
        row.update(title=f"{FORMULAS[number % len(FORMULAS)]} {title} {next(payloads)}",
                   publisher=f"{FORMULAS[(number + 1) % len(FORMULAS)]} {row['publisher']} {next(payloads)}",
                   byline=f"{row['byline']} {next(payloads)}", url=JAVASCRIPT_URL,
                   published_date_note=f"{row['published_date_note']} {next(payloads)}",
                   rights=f"{row['rights']} {next(payloads)}")
        path = seeds / row["seed_file"]
        text = path.read_text(encoding="utf-8").replace(title, row["title"])  # the title is printed in the text
        path.write_text(_hostile_text(text, [*review_quotes, row["title"]], payloads), encoding="utf-8")

    _rewrite_csv(seeds / "articles.csv", article)
    _hostile_collection(seeds, payloads)
    return seeds, reference

"""Add a news article to the seeds, rebuild, and print its review report (`make add-article`).

    python -m scripts.add_article FILE --title T --publisher P --date YYYY-MM-DD
        [--date-basis stated|inferred] [--date-note N] [--url U] [--byline B] [--language en] [--rights R]

The text is copied byte for byte to seeds/<NNN>_<hash>.txt (the next number, then the first 16 hex
digits of its SHA-256) and its row appended to seeds/articles.csv. The build runs first on a staged
copy of the seeds: only when it passes are the file and the row put in place, so a bad article leaves
seeds/ and build/ as they were. Two runs at once take turns (a lock in the seeds folder): the second
numbers its article after the first's and builds with it.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import shutil
import sys
import tempfile
from pathlib import Path

from .atomic import write_bytes
from .build import DB_FILE, ROOT, build
from .control_chars import one_line
from .errors import BuildError
from .limits import LIMITS_FILE, load_limits
from .review_report import REVIEW_FOLDER
from .seed_writer import METADATA_FILE, append_metadata, metadata_lock, seed_file_name

NUMBERED = re.compile(r"^(\d+)_")


def new_article_id(seeds: Path, raw: bytes) -> str:
    """<next number>_<sha256 prefix>; refuses a text already in the seeds."""
    digest = hashlib.sha256(raw).hexdigest()
    for path in sorted(seeds.glob("*.txt")):
        if hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            raise BuildError(f"{path}: this text is in the seeds already")
    numbers = [int(m.group(1)) for p in seeds.glob("*.txt") if (m := NUMBERED.match(p.name))]
    width = max([len(m.group(1)) for p in seeds.glob("*.txt") if (m := NUMBERED.match(p.name))] + [3])
    return f"{max(numbers, default=-1) + 1:0{width}d}_{digest[:16]}"


def add_article(text_file: Path, metadata: dict[str, str], seeds: Path, out: Path, reference: Path,
                datapackage: Path, site_metadata: Path) -> str:
    """Add `text_file` with `metadata` to `seeds`, build into `out`; returns the new article id."""
    max_bytes = load_limits(reference / LIMITS_FILE).max_article_bytes
    try:
        if not text_file.is_file():  # a device or a pipe (/dev/zero) would be read for ever
            raise BuildError(f"{text_file}: not a file")
        with text_file.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise BuildError(f"{text_file}: cannot read the article ({exc.strerror})") from None
    if len(raw) > max_bytes:
        raise BuildError(f"{text_file}: more than max_article_bytes ({max_bytes:,}) in limits.yml allows for an article")
    with metadata_lock(seeds):  # another run waits, then numbers its article after this one and builds with it
        return _add_locked(raw, text_file, metadata, seeds, out, reference, datapackage, site_metadata)


def _add_locked(raw: bytes, text_file: Path, metadata: dict[str, str], seeds: Path, out: Path, reference: Path,
                datapackage: Path, site_metadata: Path) -> str:
    article_id = new_article_id(seeds, raw)
    seed_file = seed_file_name(article_id)
    meta_path = seeds / METADATA_FILE
    with meta_path.open(encoding="utf-8", newline="") as handle:
        fieldnames = csv.DictReader(handle).fieldnames or []
    updated = append_metadata(meta_path.read_bytes(), fieldnames, {**metadata, "seed_file": seed_file})
    staged = Path(tempfile.mkdtemp(prefix=".add-article-"))
    try:
        staged_seeds = staged / "seeds"
        shutil.copytree(seeds, staged_seeds)
        (staged_seeds / seed_file).write_bytes(raw)
        (staged_seeds / METADATA_FILE).write_bytes(updated)
        try:
            build(staged_seeds, out, reference, datapackage, site_metadata)  # leaves out/ intact on failure
        except BuildError as exc:  # name the maintainer's files, not the staged copies
            raise BuildError(str(exc).replace(str(staged_seeds / seed_file), str(text_file))
                             .replace(str(staged_seeds), str(seeds))) from None
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    write_bytes(seeds / seed_file, raw)
    write_bytes(meta_path, updated)
    return article_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the article as UTF-8 plain text, title on its first line")
    parser.add_argument("--title", required=True, help="the headline, as it appears in the text")
    parser.add_argument("--publisher", required=True)
    parser.add_argument("--date", required=True, help="publication date, YYYY-MM-DD")
    parser.add_argument("--date-basis", default="stated", choices=("stated", "inferred"))
    parser.add_argument("--date-note", default="", help="how the date was found (required when inferred)")
    parser.add_argument("--url", default="")
    parser.add_argument("--byline", default="")
    parser.add_argument("--language", default="en")
    parser.add_argument("--rights", default="")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    metadata = {"title": args.title, "publisher": args.publisher, "published_date": args.date,
                "published_date_basis": args.date_basis, "published_date_note": args.date_note, "url": args.url,
                "byline": args.byline, "language": args.language, "rights": args.rights}
    try:
        article_id = add_article(args.file, metadata, args.seeds, args.out, args.seeds / "reference",
                                 ROOT / "datapackage.json", ROOT / "metadata.yml")
    except BuildError as exc:
        print(f"add-article failed, nothing changed: {one_line(str(exc))}", file=sys.stderr)
        return 1
    report = args.out / REVIEW_FOLDER / f"{article_id}.txt"
    print(f"Added seeds/{article_id}.txt and its row in seeds/{METADATA_FILE}; rebuilt {args.out / DB_FILE}.\n")
    print(report.read_text(encoding="utf-8"), end="")
    print(f"\n(this report is kept in {report})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

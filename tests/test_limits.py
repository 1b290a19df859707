"""No single article can hold the build: pathological articles are read within the time budget and
reported, an article too large is refused with one line, and the bounds change nothing in a news article."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from scripts import stress_articles
from scripts.build import ROOT, BuildWatch, build
from scripts.errors import BuildError
from scripts.extraction.structure import read_sentences
from scripts.extraction_runs import RunOptions, run_extractions
from scripts.limits import LIMITS_FILE, Deadline, load_limits
from scripts.reference import load_reference
from scripts.seed_writer import METADATA_FILE, append_metadata, metadata_file
from scripts.seeds import read_articles

from .conftest import DATAPACKAGE, REFERENCE, SEEDS, SITE_METADATA, seeds_without_collections

# Seconds: small, so that each pathological article is cut at once; each takes seconds to read to its end
# (and took minutes before the extractor was bounded).
BUDGET = 0.25
KB = 1000
PATHOLOGICAL = {  # article id → its text: the inputs that once ran for minutes, and still take seconds
    "x_numbers": stress_articles.numbers(10_000),
    "x_sentence": stress_articles.long_sentence(100 * KB),
    "x_capitals": stress_articles.capitalised_run(100 * KB),
}
LONG_WORD = stress_articles.long_word(100 * KB)  # once ran for minutes; now read to its end in about a second
TITLE = "Pathological article"


def _reference_with(tmp_path: Path, **limits) -> Path:
    """A copy of the reference folder whose limits.yml has the given values."""
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    values = yaml.safe_load((folder / LIMITS_FILE).read_text(encoding="utf-8"))
    (folder / LIMITS_FILE).write_text(yaml.safe_dump({**values, **limits}), encoding="utf-8")
    return folder


def _pathological_seeds(folder: Path) -> Path:
    """A seeds folder of the pathological articles only."""
    folder.mkdir()
    (folder / METADATA_FILE).write_bytes(metadata_file([]))
    for article_id, body in {**PATHOLOGICAL, "x_word": LONG_WORD}.items():
        _add_article(folder, article_id, body)
    return folder


def _add_article(seeds: Path, article_id: str, body: str) -> None:
    seed_file = f"{article_id}.txt"
    (seeds / seed_file).write_text(stress_articles.article(TITLE, body), encoding="utf-8")
    fieldnames = next(csv.reader((seeds / METADATA_FILE).open(encoding="utf-8", newline="")))
    row = {"seed_file": seed_file, "title": TITLE, "publisher": "Test", "published_date": "2019-05-20",
           "published_date_basis": "stated", "language": "en"}
    (seeds / METADATA_FILE).write_bytes(append_metadata((seeds / METADATA_FILE).read_bytes(), fieldnames, row))


def _build(seeds: Path, out: Path, reference: Path, **options) -> tuple[dict, BuildWatch]:
    watch = BuildWatch()
    return build(seeds, out, reference, DATAPACKAGE, SITE_METADATA, watch=watch, **options), watch


# The time budget -----------------------------------------------------------------------------------

def test_pathological_articles_are_cut_by_the_budget_reported_and_built(tmp_path):
    seeds = _pathological_seeds(tmp_path / "seeds")
    reference = _reference_with(tmp_path, article_seconds=BUDGET)
    out, cache = tmp_path / "out", tmp_path / "cache"
    rows, watch = _build(seeds, out, reference, jobs=1, cache=cache)

    assert watch.run.failures == []
    cut = {row["article_id"]: row for row in rows["extraction_cut"]}
    assert set(cut) - {"x_word"} == set(PATHOLOGICAL)  # the long word may be read to its end in the budget
    report = (out / "build-report.txt").read_text(encoding="utf-8")
    assert f"Extraction stopped by the time budget (article_seconds in seeds/reference/limits.yml) for {len(cut)}" \
        in report
    for article_id, row in cut.items():
        assert re.search(rf"^  {article_id}: extraction stopped after {BUDGET:g} s at character [\d,]+ of [\d,]+: "
                         r"built with the events, figures and names of its first [\d,]+ sentence\(s\)$", report, re.M)
        review = (out / "review" / f"{article_id}.txt").read_text(encoding="utf-8")
        assert f"Incomplete: extraction stopped after {BUDGET:g} s" in review
        assert row["character"] < len(PATHOLOGICAL.get(article_id, LONG_WORD))
        for table in ("mentions", "event_mentions", "unresolved_mentions"):
            assert all(r["char_end"] <= row["character"] for r in rows[table] if r["article_id"] == article_id)
    assert {a["article_id"] for a in rows["articles"]} == {*PATHOLOGICAL, "x_word"}  # built, not dropped
    # A cut extraction is not cached (the next build reads the article again); a whole one is.
    assert len(list(cache.glob("*.pickle"))) == len(rows["articles"]) - len(cut)


def test_the_budget_holds_in_a_pool_of_processes(tmp_path):
    reference_dir = _reference_with(tmp_path, article_seconds=BUDGET)
    articles = [a for a in read_articles(_pathological_seeds(tmp_path / "seeds")) if a.article_id in PATHOLOGICAL]
    run = run_extractions(articles[:2], load_reference(reference_dir), RunOptions(jobs=2))
    assert run.failures == []
    assert [x.article.article_id for x in run.extractions] == sorted(PATHOLOGICAL)[:2]
    assert all(x.cut is not None and x.cut.seconds == BUDGET for x in run.extractions)


class _AfterSentences(Deadline):
    """A deadline that passes once the extractor has read the given number of sentences."""

    def __init__(self, sentences: int):
        super().__init__(BUDGET)
        self.left = sentences

    def passed(self) -> bool:
        self.left -= 1
        return self.left < 0


def test_an_article_cut_by_the_budget_keeps_what_its_first_sentences_gave(extractor, tmp_path):
    article = next(a for a in read_articles(seeds_without_collections(tmp_path / "seeds"))
                   if a.article_id == "004_6c79dcc6d6c20d5a")
    whole = extractor.run(article, Deadline(None))
    read = 12
    cut = extractor.run(article, _AfterSentences(read))
    assert whole.cut is None and len(whole.sentences) > read
    assert (cut.cut.sentences, cut.cut.character, cut.cut.length) == (read, whole.sentences[read - 1].end, len(article.body))
    assert cut.sentences == whole.sentences[:read]
    assert cut.events == [e for e in whole.events if e.sentence.index < read] != []
    assert cut.figures == [f for f in whole.figures if f.figure.sentence.index < read] != []
    assert cut.mentions == [m for m in whole.mentions if m.end <= cut.cut.character]


def test_articles_within_the_budget_are_extracted_as_without_limits(reference, tmp_path):
    """The bounds are far above a news article's: with them, the seeds' extraction is what it is without."""
    articles = read_articles(seeds_without_collections(tmp_path / "seeds"))
    bounded = run_extractions(articles, reference)
    unbounded = run_extractions(articles, replace(reference, limits=None))
    assert bounded.extractions == unbounded.extractions
    assert all(x.cut is None for x in bounded.extractions)


# Size ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [1_000_001, 50_000_000])
def test_an_article_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, size):
    seeds = seeds_without_collections(tmp_path / "seeds")
    _add_article(seeds, "x_huge", "")
    with (seeds / "x_huge.txt").open("r+b") as handle:
        handle.truncate(size)  # a sparse file: the build must not read it to refuse it
    out = tmp_path / "out"
    with pytest.raises(BuildError) as error:
        _build(seeds, out, REFERENCE, jobs=1)
    message = str(error.value)
    assert "\n" not in message
    assert message.endswith(f"seed file x_huge.txt has {size:,} bytes, more than max_article_bytes (1,000,000) "
                            "in limits.yml allows for an article")
    assert f"{METADATA_FILE}, line 7:" in message
    assert not (out / "data").exists()


@pytest.mark.parametrize("value", [0, -3, "ten", True, None])
def test_a_bad_limit_is_one_line_naming_the_file_and_the_limit(tmp_path, value):
    folder = _reference_with(tmp_path, max_sentence_chars=value)
    with pytest.raises(BuildError, match=r"limits\.yml: max_sentence_chars: (expected a whole number|.* is below 1)"):
        load_limits(folder / LIMITS_FILE)


# Bounded pieces ------------------------------------------------------------------------------------

def test_long_paragraphs_and_sentences_are_read_in_bounded_pieces_at_their_offsets(reference):
    limits = reference.limits
    body = "\n\n".join([stress_articles.long_word(25 * KB), stress_articles.long_sentence(25 * KB),
                        "A short one. And another."])
    sentences = list(read_sentences(body, limits))
    assert all(0 < len(s.text) <= limits.max_sentence_chars and body[s.start:s.end] == s.text for s in sentences)
    assert "".join(s.text for s in sentences if s.paragraph == 0) == stress_articles.long_word(25 * KB)
    assert [s.text for s in sentences[-2:]] == ["A short one.", "And another."]
    # the long sentence is cut at white space only: its words are whole
    words = {w for s in sentences if s.paragraph == 1 for w in s.text.split()}
    assert words == set(stress_articles.REPORT_WORDS)


def test_news_articles_are_split_as_without_limits(reference):
    limits = reference.limits
    for path in sorted(SEEDS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        assert list(read_sentences(body, limits)) == list(read_sentences(body))


def test_an_article_longer_than_a_csv_field_by_default_builds_again(tmp_path):
    """A field of the package's CSVs holds a whole article: one over the csv module's default field limit
    (131,072 characters) and within max_article_bytes is read back by the next build and by the importer
    (fresh processes, as a maintainer runs them: nothing else has lifted the limit in them)."""
    long_body = stress_articles.long_sentence(140 * KB)
    seeds = _pathological_seeds(tmp_path / "seeds")
    _add_article(seeds, "x_long", long_body)
    out = tmp_path / "out"
    build_command = [sys.executable, "-m", "scripts.build", "--seeds", str(seeds), "--out", str(out), "--reference",
                     str(_reference_with(tmp_path, article_seconds=BUDGET)), "--jobs", "1", "--cache", str(tmp_path / "cache")]
    for _ in range(2):  # the second build reads the first's articles.csv
        result = subprocess.run(build_command, cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    with (out / "data" / "articles.csv").open(encoding="utf-8", newline="") as handle:
        assert max(len(row["body"]) for row in csv.DictReader(handle)) > 131_072
    source = tmp_path / "long.csv"
    body = stress_articles.article(TITLE, long_body)
    source.write_text(f'id,title,date,text\n1,{TITLE},2019-05-20,"{body}"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "scripts.import_collection", str(source), "--format", "csv",
                             "--out", str(tmp_path / "imported"), "--collection-id", "long", "--publisher", "Test"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "imported" / "long-1.txt").read_text(encoding="utf-8") == body

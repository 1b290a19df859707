"""Article collections: importing them (FA-KES and generic files), building them, and a build that nothing
the extractor meets can stop.

The FA-KES development corpus is read from ../shared/corpora/fakes/ (beside the repository, as in CI);
the Idlib, Hama and Latakia part of it is committed as seeds/collections/fakes/ and built by default.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scripts.build import DB_FILE, ROOT, build
from scripts.import_collection import FAKES_DEV_CORPUS, REPORT_FILE, import_collection, load_format

from .conftest import REFERENCE, SEEDS, run_build, seeds_without_collections

CORPUS = FAKES_DEV_CORPUS
COLUMNS = ["unit_id", "article_title", "article_content", "source", "date", "location", "actor", "cause_of_death",
           "nb_children", "nb_civilians", "nb_noncivilians", "nb_women", "label"]
CODING = {"location": "idlib", "actor": "syrian government or russian troops", "cause_of_death": "shelling",
          "nb_children": "2", "nb_civilians": "9", "nb_noncivilians": "0", "nb_women": "1", "label": "1"}


def _row(unit_id: str, title: str, content: str, date: str = "4/5/17", **coding: str) -> dict[str, str]:
    return {"unit_id": unit_id, "article_title": title, "article_content": content, "source": "reuters", "date": date,
            **CODING, **coding}


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A collection in FA-KES's format with the faults real collections have."""
    strike = ("Wed 05 Apr 2017 Air strikes hit Idlib town. Air strikes hit the town of Saraqib in Idlib province on "
              "Tuesday killing nine civilians the Syrian Observatory for Human Rights said.")
    rows = [
        _row("100", "Air strikes hit Idlib town", strike),
        _row("100", "Air strikes hit Idlib town", strike, cause_of_death="explosion"),  # one article, two codings
        _row("101", "Shelling kills four in Hama", "Published April 6 2017 Shelling kills four in Hama. Four people "
             "were killed when shells hit a market in Hama city on Wednesday."),
        _row("102", "Air strikes hit Idlib town", strike),  # the same text under another id
        _row("103", "Clashes near Latakia", "Clashes near Latakia. Rebels and government forces clashed in the "
             "Latakia countryside on Monday.", date="4/3/17"),  # no date stamp: the coded date is used
        _row("104", "Nothing here", "   "),  # an empty body
        _row("105", "Quotes from Windows", "Sat 08 Apr 2017 Quotes from Windows. The monitor said QUOTE seven "
             "were wounded in Ariha. BAD"),
    ]
    raw = _csv_bytes(rows)
    # Row 7 carries Windows-1252 quotes and a byte no encoding reads, as 28 rows of FA-KES do.
    raw = raw.replace(b"QUOTE", b"\x93fighting\x94").replace(b"BAD", b"\x95\x81")
    path = tmp_path / "small.csv"
    path.write_bytes(raw)
    return path


def _report(folder: Path) -> str:
    return (folder / REPORT_FILE).read_text(encoding="utf-8")


def test_every_row_of_a_collection_is_accounted_for(small_corpus, tmp_path):
    out = tmp_path / "imported"
    import_collection(small_corpus, load_format("fakes"), out)
    report = _report(out)
    assert "7 rows, 5 articles" in report
    assert "row 2 (fakes-100): the same article as row 1, coded for another event: kept as its annotation 2" in report
    assert "row 4 (fakes-102): imported; the same text as fakes-100: kept, and linked to it (duplicate_of)" in report
    assert "row 5 (fakes-103): no date stamp in the text: published_date 2017-04-03 inferred from the coded date" in report
    assert "row 6 (fakes-104): not usable: the article text is empty" in report
    assert "row 7 (fakes-105): repaired article_content: bytes b'\\x93' at" in report
    assert "unreadable in UTF-8 and cp1252: replaced by U+FFFD" in report
    assert "rows accounted for                 7" in report
    articles = {row["seed_file"]: row for row in csv.DictReader((out / "articles.csv").open(encoding="utf-8"))}
    assert sorted(articles) == [f"fakes-{n}.txt" for n in (100, 101, 102, 103, 105)]
    assert articles["fakes-100.txt"]["published_date"] == "2017-04-05"
    assert articles["fakes-100.txt"]["published_date_note"] == "The date stamp the text starts with: 'Wed 05 Apr 2017'."
    assert articles["fakes-101.txt"]["published_date"] == "2017-04-06"
    assert articles["fakes-103.txt"]["published_date_basis"] == "inferred"
    assert articles["fakes-102.txt"]["duplicate_of"] == "fakes-100"
    assert "\u201cfighting\u201d" in (out / "fakes-105.txt").read_text(encoding="utf-8")
    assert "\ufffd" in (out / "fakes-105.txt").read_text(encoding="utf-8")
    annotations = list(csv.DictReader((out / "annotations.csv").open(encoding="utf-8")))
    codings = [(a["annotation_no"], a["coded_cause_of_death"]) for a in annotations if a["article_id"] == "fakes-100"]
    assert codings == [("1", "shelling"), ("2", "explosion")]
    assert yaml.safe_load((out / "collection.yml").read_text(encoding="utf-8"))["licence"] == "CC-BY-4.0"


def test_importing_again_gives_the_same_bytes_and_keeps_reviews(small_corpus, tmp_path):
    out = tmp_path / "imported"
    import_collection(small_corpus, load_format("fakes"), out)
    (out / "reviews").mkdir()
    (out / "reviews" / "fakes-100.yml").write_text("reviewer: test\n", encoding="utf-8")
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    import_collection(small_corpus, load_format("fakes"), out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_an_imported_collection_builds(small_corpus, tmp_path):
    out = tmp_path / "imported"
    import_collection(small_corpus, load_format("fakes"), out)
    built = tmp_path / "built"
    rows = run_build(out, built)
    assert len(rows["articles"]) == 5 and {a["collection_id"] for a in rows["articles"]} == {"fakes"}
    assert len(rows["collection_annotations"]) == 6  # two codings of fakes-100
    assert any(f["article_id"] == "fakes-100" and f["value"] == 9 and f["category"] == "killed" for f in rows["figures"])


def test_a_generic_jsonl_collection_imports_with_column_options(tmp_path):
    lines = [json.dumps({"key": "a1", "headline": "Strike on Ariha", "text": "Strike on Ariha. A strike hit Ariha on "
                         "Monday, killing three people.", "day": "2016-06-14", "outlet": "Test wire"}),
             "not json", json.dumps({"key": "a2", "headline": "Empty", "text": "", "day": "2016-06-15"})]
    source = tmp_path / "wire.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "scripts.import_collection", str(source), "--format", "jsonl",
                             "--out", str(tmp_path / "wire"), "--collection-id", "wire", "--id-column", "key",
                             "--title-column", "headline", "--date-column", "day", "--publisher-column", "outlet"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = _report(tmp_path / "wire")
    assert "row 2: not usable: not a JSON object" in report and "row 3 (wire-a2): not usable: the article text is empty" in report
    assert (tmp_path / "wire" / "wire-a1.txt").is_file()
    assert run_build(tmp_path / "wire", tmp_path / "built")["articles"][0]["published_date"] == "2016-06-14"


def test_the_committed_fakes_collection_is_a_fresh_import_of_the_corpus(tmp_path):
    assert CORPUS.is_file(), f"the FA-KES development corpus is expected at {CORPUS} (../shared beside the repository)"
    fresh = tmp_path / "fakes"
    import_collection(CORPUS, load_format("fakes"), fresh, {"location": {"idlib", "hama", "lattakia"}})
    committed = SEEDS / "collections" / "fakes"
    files = sorted(p.name for p in fresh.iterdir())
    assert files == sorted(p.name for p in committed.iterdir() if p.is_file())
    for name in files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), name


def test_the_default_build_publishes_the_fakes_collection_credited(default_build):
    conn = sqlite3.connect(default_build / DB_FILE)
    per_collection = dict(conn.execute("select collection_id, count(*) from articles group by collection_id"))
    assert per_collection["seeds"] == 5 and per_collection["fakes"] >= 50
    credit, licence = conn.execute("select credit, licence from collections where collection_id = 'fakes'").fetchone()
    assert "FA-KES" in credit and "doi:10.1609/icwsm.v13i01.3254" in credit and licence == "CC-BY-4.0"
    assert conn.execute("select count(*) from collection_annotations a join articles using (article_id) "
                        "where a.coded_governorate not in ('idlib', 'hama', 'lattakia')").fetchone()[0] == 0
    for article_id, body in conn.execute("select article_id, body from articles"):
        for table in ("event_mentions", "figures", "mentions"):
            for quote_start, quote_end, quote in conn.execute(
                    f"select char_start, char_end, {'surface' if table == 'mentions' else 'quote'} from {table} "
                    "where article_id = ?", (article_id,)):
                assert body[quote_start:quote_end] == quote, (table, article_id, quote_start)
    package = json.loads((default_build / "datapackage.json").read_text(encoding="utf-8"))
    assert any("FA-KES" in source["title"] and source["licenses"][0]["name"] == "CC-BY-4.0" for source in package["sources"])
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(frictionless), "validate", "datapackage.json"], cwd=default_build, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-2000:]


async def test_the_site_shows_the_credit_and_an_articles_crowd_coding(default_build):
    from datasette.app import Datasette

    from scripts.serve import PLUGINS, TEMPLATES

    metadata = yaml.safe_load((default_build / "metadata.yml").read_text(encoding="utf-8"))
    site = Datasette(immutables=[str(default_build / DB_FILE)], metadata=metadata, template_dir=str(TEMPLATES),
                     plugins_dir=str(PLUGINS))
    home = (await site.client.get("/")).text
    assert "FA-KES: A Fake News Dataset around the Syrian War" in home and "creativecommons.org/licenses/by/4.0" in home
    conn = sqlite3.connect(default_build / DB_FILE)
    article_id = conn.execute("select article_id from collection_annotations order by article_id limit 1").fetchone()[0]
    page = (await site.client.get(f"/idlib-events/articles/{article_id}")).text
    assert "The collection's own coding of this article" in page and "What the extractor found in it" in page
    coding = (await site.client.get(f"/idlib-events/collection_annotations.json?article_id={article_id}&_shape=array")).json()
    assert coding and {"coded_governorate", "consistency_label"} <= set(coding[0])


def _one_article_seeds(folder: Path, text: str) -> Path:
    folder.mkdir()
    (folder / "t01_rule.txt").write_text(text, encoding="utf-8")
    (folder / "articles.csv").write_text(
        "seed_file,title,publisher,published_date,published_date_basis,published_date_note,url,byline,language,rights\n"
        f"t01_rule.txt,{text.split('.')[0]},Test wire,2016-06-14,stated,,,,en,\n", encoding="utf-8")
    return folder


def test_number_words_that_crashed_the_extractor_are_read(tmp_path):
    # "a hundred" and "a thousand" once stopped every build of FA-KES (ValueError: could not convert 'a')
    seeds = _one_article_seeds(tmp_path / "seeds", "Fighting in Idlib. More than a thousand people fled Ariha on "
                               "Monday after a hundred shells hit the town.")
    rows = run_build(seeds, tmp_path / "out")
    assert sorted((f["value"], f["qualifier"]) for f in rows["figures"]) == [(100, "exact"), (1000, "more_than")]


def test_a_number_phrase_that_cannot_be_valued_goes_to_the_review_report(tmp_path):
    # "Twelve twenty" is two number words text2num cannot read as one number: no figure, a line in the report
    seeds = _one_article_seeds(tmp_path / "seeds", "Fighting in Idlib. Twelve twenty civilians fled Ariha on Monday, "
                               "and 12 civilians were killed there.")
    out = tmp_path / "out"
    rows = build(seeds, out, REFERENCE, ROOT / "datapackage.json", ROOT / "metadata.yml")
    assert [f["value"] for f in rows["figures"]] == [12]
    report = (out / "review" / "t01_rule.txt").read_text(encoding="utf-8")
    assert "Number phrases not understood (1)" in report and "“Twelve twenty”" in report


def test_a_figure_with_an_unknown_unit_is_published_as_unknown(tmp_path):
    # barrels are neither people nor a measure, and seizing them is no category in extraction/figures.yml
    seeds = _one_article_seeds(tmp_path / "seeds", "Rebels in Idlib. Rebels seized 40 barrels near Ariha on Monday.")
    out = tmp_path / "out"
    rows = build(seeds, out, REFERENCE, ROOT / "datapackage.json", ROOT / "metadata.yml")
    figure = next(f for f in rows["figures"] if f["value"] == 40)
    assert (figure["category"], figure["unit"]) == ("other", "unknown")
    report = (out / "review" / "t01_rule.txt").read_text(encoding="utf-8")
    assert "Figures whose unit could not be read (1)" in report


def test_the_seed_collection_alone_is_what_the_seed_gold_measures(tmp_path):
    from scripts.evaluate import seed_articles

    assert len(seed_articles(SEEDS)) == 5 == len(seed_articles(seeds_without_collections(tmp_path / "seeds")))


def test_a_toll_since_the_conflict_began_belongs_to_no_event(default_build):
    # A death toll counted from the start of the war (several FA-KES outlets close their reports with one)
    # is not the fatalities of the event the article reports.
    conn = sqlite3.connect(default_build / DB_FILE)
    tolls = conn.execute("select article_id, event_id, value from figures where category = 'killed' and "
                         "quote like '%killed%since%conflict%began%'").fetchall()
    assert len({article for article, _, _ in tolls}) >= 3
    assert all(event_id is None for _, event_id, _ in tolls), tolls


def test_an_annotations_file_with_other_columns_stops_with_one_line(small_corpus, tmp_path):
    out = tmp_path / "imported"
    import_collection(small_corpus, load_format("fakes"), out)
    path = out / "annotations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("coded_actor", "coded_side", 1), encoding="utf-8")
    from scripts.errors import BuildError

    with pytest.raises(BuildError, match=r"annotations\.csv, line 2: columns .* are not those of collection_annotations"):
        run_build(out, tmp_path / "built")

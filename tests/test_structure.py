"""Text structure (scripts/extraction/structure.py): paragraphs, hard wraps, exact offsets and page
furniture, on the seeds and on FA-KES articles of several outlets (seeds/collections/fakes)."""

from __future__ import annotations

import csv
import textwrap
from functools import cache

import pytest

from scripts.extraction.structure import hard_wrap, paragraphs, read_sentences
from scripts.seeds import read_articles

from .conftest import SEEDS

FAKES = SEEDS / "collections" / "fakes"


def _titles() -> dict[str, str]:
    titles = {}
    for folder in (SEEDS, FAKES):
        with (folder / "articles.csv").open(encoding="utf-8", newline="") as handle:
            titles.update({row["seed_file"][:-4]: row["title"] for row in csv.DictReader(handle)})
    return titles


TITLES = _titles()


@cache
def _sentences(article_id: str):
    """The article's body and its sentences, read once (the tests only read them)."""
    folder = FAKES if article_id.startswith("fakes-") else SEEDS
    body = (folder / f"{article_id}.txt").read_text(encoding="utf-8")
    return body, tuple(read_sentences(body, None, TITLES[article_id]))


def _kinds(article_id: str, count: int) -> list[tuple[str | None, str]]:
    return [(s.furniture, s.text) for s in _sentences(article_id)[1][:count]]


def test_every_sentence_of_every_article_is_at_its_offsets():
    for article_id in TITLES:
        body, sentences = _sentences(article_id)
        assert sentences, article_id
        for sentence in sentences:
            assert body[sentence.start:sentence.end] == sentence.text, article_id
            assert sentence.doc is not None and len(sentence.doc.text) == len(sentence.text)
        assert [s.index for s in sentences] == list(range(len(sentences)))
        assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:], strict=False))


# Paragraphs and hard wraps --------------------------------------------------------------------------

def test_a_hard_wrapped_paragraph_is_one_paragraph_with_the_same_sentences():
    """A report paragraph wrapped at 60 columns reads as the paragraph does unwrapped; the newlines stay
    in the sentences' texts, at their offsets."""
    body = (SEEDS / "004_6c79dcc6d6c20d5a.txt").read_text(encoding="utf-8")
    paragraph = next(p for p in body.split("\n\n") if p.startswith("Units of the Syrian Arab Army"))
    wrapped = textwrap.fill(paragraph, 60)
    assert wrapped.count("\n") >= 4
    flat = [s.text for s in read_sentences(paragraph)]
    read = list(read_sentences(wrapped))
    assert [s.text.replace("\n", " ") for s in read] == flat
    assert {s.paragraph for s in read} == {0}
    assert any("\n" in s.text for s in read) and all(wrapped[s.start:s.end] == s.text for s in read)


@pytest.mark.parametrize(("before", "after", "joined"), [
    ("Rebels led by Jabhat a-Nusra and Ahrar a-Sham stormed the", "two regime bases on Monday.", True),
    ("Rebels led by Jabhat a-Nusra and Ahrar a-Sham stormed the two regime bases in", "Idlib on Monday.", True),
    ("Regime forces flee Wadi Deif base after loss to Nusra, Ahrar", "THE GREAT ESCAPE: Regime forces fled", False),
    ("Syrian regime forces 'collapsing' as rebels press Idlib offensive", "Activists say regime soldiers", False),
    ("a major rebel advance to take the city - a claim the regime denies.", "2 min read", False),
    ("2 min read", "26 March, 2015", False),
    ("26 March, 2015", "Regime forces have been impotent in the face of opposition advances [Anadolu]", False),
])
def test_a_line_break_is_joined_when_the_sentence_goes_on_across_it(before, after, joined):
    assert hard_wrap(before, after) is joined


def test_the_stand_alone_lines_of_a_page_head_are_paragraphs_of_their_own():
    body = (SEEDS / "002_aa788a606ac512d4.txt").read_text(encoding="utf-8")
    lines = [body[start:end] for start, end in paragraphs(body)][:7]
    assert lines[2].startswith("Activists say") and lines[3:5] == ["2 min read", "26 March, 2015"]
    assert lines[5].endswith("[Anadolu]") and lines[6].startswith("Syrian regime forces are")


# Page furniture -------------------------------------------------------------------------------------

def test_the_head_of_a_web_page_is_furniture_up_to_the_report():
    kinds = _kinds("002_aa788a606ac512d4", 7)
    # The caption line closed by "[Anadolu]" stays report: a trailing credit marks a caption in one outlet of the
    # development corpora only, so no rule reads it (a caption after a full stop is typed, below).
    assert [k for k, _ in kinds] == ["headline", "headline", "standfirst", "page_tools", "date_line", None, None]
    assert kinds[5][1].endswith("[Anadolu]") and kinds[6][1].startswith("Syrian regime forces are")
    kinds = _kinds("000_51629ae7086d7ade", 7)
    assert [k for k, _ in kinds][:4] == ["page_tools", "headline", "standfirst", "date_line"]
    assert kinds[5] == ("dateline", "THE GREAT ESCAPE") and kinds[6][0] is None


@pytest.mark.parametrize(("article_id", "place"), [("001_69ba249cb100d0c6", "BEIRUT"),
                                                    ("003_4fee710319d38640", "BEIRUT"),
                                                    ("004_6c79dcc6d6c20d5a", "AMMAN")])
def test_a_dateline_is_furniture_and_its_sentence_is_report(article_id, place):
    sentences = _sentences(article_id)[1]
    at = next(n for n, s in enumerate(sentences) if s.furniture == "dateline")
    assert sentences[at].text == place
    assert sentences[at + 1].furniture is None and sentences[at + 1].text[0].isupper()
    assert all(s.furniture for s in sentences[:at])  # the headline, standfirst, caption before it


@pytest.mark.parametrize(("article_id", "expected"), [
    ("fakes-1914947530", [("date_stamp", "Wed 05 Apr 2017"),
                          ("headline", "Syria attack symptoms consistent with nerve agent use WHO.")]),
    ("fakes-1918150033", [("date_stamp", "Posted on August 3 2016"), ("byline", "by Jordan Dakamseh"),
                          ("headline", "Toxic Gas Dropped on Syrian Town After Russian Helicopter is Shot Down")]),
    ("fakes-1918398779", [("date_stamp", "Published February 23 2015")]),
    ("fakes-1923848121", [("headline", "10 dead after strikes on rebel-held hospitals in Syria")]),
])
def test_a_date_stamp_and_the_repeated_headline_open_a_fakes_text(article_id, expected):
    kinds = _kinds(article_id, len(expected) + 1)
    assert kinds[:-1] == expected
    assert kinds[-1][0] is None


@pytest.mark.parametrize(("article_id", "tools", "report"), [
    ("fakes-1965495354", "20.07.2016Get short URL 0 55", "US Secretary of Defense Ashton Carter said"),
    ("fakes-1965495355", "20.07.2016(updated 1329 20.07.2016) Get short URL 0 154", "The Syrian Arab Air Force"),
])
def test_a_date_stamp_glued_to_a_share_line_is_page_tools_and_the_report_follows(article_id, tools, report):
    (kind, text), (after, rest) = _kinds(article_id, 2)
    assert (kind, text) == ("page_tools", tools)
    assert after is None and rest.startswith(report)


def test_a_photo_caption_and_its_credit_are_furniture_and_the_standfirst_before_them():
    kinds = _kinds("fakes-1919191754", 5)
    assert [k for k, _ in kinds] == ["date_stamp", "standfirst", "caption", "credit", None]
    assert kinds[2][1].startswith("Men and civil defence members look for survivors")
    assert kinds[3][1] == "(Reuters)" and kinds[4][1].startswith("Syrian opposition-held district of Sevre")
    body, sentences = _sentences("003_4fee710319d38640")
    captions = [s.text for s in sentences if s.furniture == "caption"]
    assert "Al-Nusra Front attacks the Qarmeed military base." in captions
    assert "Islamist rebels celebrate the fall of Jisr al-Shughur." in captions


def test_closing_lines_are_furniture():
    closing = {s.text for s in _sentences("002_aa788a606ac512d4")[1] if s.furniture == "closing"}
    assert closing == {"This is an edited translation from our Arabic edition."}
    tools = {s.text for s in _sentences("004_6c79dcc6d6c20d5a")[1] if s.furniture == "page_tools"}
    assert tools == {"6 min read", "Share this article"}


def test_furniture_is_no_source_of_events_or_figures(extractor, tmp_path):
    from .conftest import seeds_without_collections

    for article in read_articles(seeds_without_collections(tmp_path / "seeds")):
        extraction = extractor.run(article)
        assert any(s.furniture for s in extraction.sentences)
        assert all(m.sentence.furniture is None for m in extraction.events)
        assert all(f.figure.sentence.furniture is None for f in extraction.figures)

"""Places the reference data lacks, named under a word for a place (scripts/extraction/new_places.py): an
event there is put there, the place is published marked as not in the gazetteer and without a point, the
review report still lists the name; and a report its sentence neither places nor dates retells the event
of its type that the article places (coreference.yml `retold`). Sentences from development articles of
four outlets (places.yml `new_places` seen_in)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from scripts.seeds import Article
from scripts.tables import merged_tables

WEDNESDAY = date(2016, 10, 26)


def _article(text: str, article_id: str = "t00_new", published: date = WEDNESDAY) -> Article:
    body = "Report\n\n" + text
    return Article(article_id, f"{article_id}.txt", "Report", "Test wire", published, "stated", "", "", "", "en", "",
                   body, hashlib.sha256(body.encode()).hexdigest())


def _tables(extractor, reference, *articles: Article) -> dict[str, list[dict]]:
    return merged_tables([extractor.run(a) for a in articles], reference)


@pytest.mark.parametrize(("text", "place_id", "name", "place_type", "governorate", "within"), [
    ("Warplanes carried out six strikes in the village of Hass in Idlib province on Wednesday.",
     "hass", "Hass", "village", "Idlib", None),
    ("The strikes hit the village of Al-Shafah in Deir az-Zour province on Sunday.",
     "al-shafah", "Al-Shafah", "village", "Deir ez-Zor", None),
    ("The army units took control of al-Karima town in Hama province on Wednesday.",
     "al-karima", "al-Karima", "town", "Hama", None),
    ("Assad's air force pounded the neighborhood of Al-Maghayer in Aleppo on Wednesday, killing 26 civilians.",
     "al-maghayer", "Al-Maghayer", "region", "Aleppo", "aleppo-city"),
])
def test_an_event_at_a_place_the_reference_lacks_is_put_there(extractor, reference, text, place_id, name, place_type,
                                                               governorate, within):
    assert place_id not in reference.places
    tables = _tables(extractor, reference, _article(text))
    assert place_id in {e["place_id"] for e in tables["events"]}
    place = next(p for p in tables["places"] if p["place_id"] == place_id)
    assert (place["name"], place["place_type"], place["governorate"], place["within_place_id"]) == (
        name, place_type, governorate, within)
    # no point of its own: the map does not draw it, and its source says it is not in the gazetteer
    assert place["latitude"] is None and place["longitude"] is None and place["geonames_id"] is None
    assert place["point"] == ("representative" if within else "none")
    assert place["coord_source"].startswith("not in the gazetteer") and "t00_new" in place["coord_source"]
    event = next(e for e in tables["events"] if e["place_id"] == place_id)
    assert event["latitude"] is None
    mention = next(m for m in tables["mentions"] if m["entity_id"] == place_id)
    assert mention["surface"] == name


def test_a_new_place_is_still_listed_for_the_maintainer_to_add(extractor):
    extraction = extractor.run(_article("Warplanes carried out six strikes in the village of Hass on Wednesday."))
    assert list(extraction.new_places) == ["hass"]
    assert [(u.surface, u.looks_like) for u in extraction.unresolved] == [("Hass", "place")]


@pytest.mark.parametrize("text", [
    "Warplanes bombed a Druze village in Quneitra on Wednesday.",  # what kind of village, not which
    "Troops entered the villages of Maan Tayyebet al-Esm al-Shaata Karah on Wednesday.",  # a list run together
    "Warplanes bombed the town of Saraqib on Wednesday.",  # in the reference already
])
def test_no_new_place_where_the_name_is_not_one_or_is_known(extractor, text):
    assert extractor.run(_article(text)).new_places == {}


def test_two_articles_naming_the_same_new_place_make_one_row_citing_both(extractor, reference):
    first = _article("Warplanes carried out six strikes in the village of Hass in Idlib province on Wednesday.", "t01_a")
    second = _article("Two children were killed in an air strike on the village of Hass on Wednesday.", "t02_b")
    tables = _tables(extractor, reference, second, first)
    rows = [p for p in tables["places"] if p["place_id"] == "hass"]
    assert len(rows) == 1
    assert "t01_a, t02_b" in rows[0]["coord_source"]


def test_the_gazetteer_is_unchanged_after_an_article_with_a_new_place(extractor, reference):
    before = len(reference.places)
    extractor.run(_article("Warplanes carried out six strikes in the village of Hass on Wednesday."))
    assert len(reference.places) == before and "hass" not in reference.places


def test_a_report_its_sentence_neither_places_nor_dates_retells_the_event_of_its_type(extractor, reference):
    text = ("Air strikes on the town of Saraqib in Idlib province killed 12 civilians on Wednesday.\n\n"
            "Rescue workers said the strikes had hit a market.")
    tables = _tables(extractor, reference, _article(text))
    strikes = [e for e in tables["events"] if e["sub_event_type"] == "Air/drone strike"]
    assert [(e["place_id"], e["event_date"]) for e in strikes] == [("saraqib", "2016-10-26")]
    quotes = {m["quote"] for m in tables["event_mentions"] if m["event_id"] == strikes[0]["event_id"]}
    assert len(quotes) == 2  # both sentences are its evidence


@pytest.mark.parametrize(("text", "place_id"), [
    ("Jet fighters attacked the town of Khan Skeikhoun in Idlib with chemical bombs on Wednesday.", "khan-shaykhun"),
    ("Warplanes struck the high street in the town of Maaret Alnouman in Idlib province on Wednesday.",
     "maarat-al-numan"),
])
def test_a_variant_spelling_of_a_place_of_the_governorate_is_that_place(extractor, reference, text, place_id):
    extraction = extractor.run(_article(text))
    assert extraction.new_places == {}
    assert place_id in {e.place_id for e in extraction.events}
    # the spelling is still listed for the maintainer, with the place it was read as
    assert [(u.looks_like, u.suggested_id) for u in extraction.unresolved] == [("place", place_id)]

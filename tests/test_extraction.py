"""What the extractor reads from the real seed articles: names, dates, events, figures and claimants."""

from __future__ import annotations

import copy
import shutil
from datetime import date

import pytest

from scripts.errors import BuildError
from scripts.extraction.dates import DateFinder
from scripts.extraction.figures import FigureFinder
from scripts.extraction.model import parse
from scripts.extraction.structure import Sentence
from scripts.reference import load_reference

from .conftest import REFERENCE, shared_reference

_REFERENCE = shared_reference(REFERENCE)
DATES = _REFERENCE.extraction["dates"]
FIGURES = _REFERENCE.extraction["figures"]


def _surfaces(db, entity_id):
    return {r[0] for r in db.execute("select surface from mentions where entity_id = ?", (entity_id,))}


def test_transliteration_variants_resolve_to_one_entity(db):
    assert {"Qarmid Camp", "Qarmeed", "Al-Qarmid"} <= _surfaces(db, "qarmid-base")
    assert {"Mastouma", "Mastuma"} <= _surfaces(db, "mastouma-base")
    assert {"Ahrar a-Sham", "Ahrar al-Sham"} <= _surfaces(db, "ahrar-al-sham")
    assert {"Jabhat a-Nusra", "Al-Nusra Front"} <= _surfaces(db, "jabhat-al-nusra")


def test_the_real_governorate_is_kept_where_the_article_is_wrong(db):
    # Article 000 puts Morek "in northern Homs province"; it lies in Hama.
    body = db.execute("select body from articles where article_id like '000_%'").fetchone()[0]
    assert "Morek in northern Homs province" in body
    assert db.execute("select governorate from places p join place_aliases a using (place_id) "
                      "where a.alias = 'Morek'").fetchone()[0] == "Hama"


def _dates(text: str, published: date) -> list:
    """The date expressions DateFinder finds in one sentence (parsed on its own)."""
    [doc] = parse([text])
    return DateFinder(DATES, published).find(Sentence(0, 0, 0, len(text), text, doc=doc))


def test_weekdays_resolve_to_the_latest_such_day_on_or_before_publication():
    published = date(2014, 12, 16)  # a Tuesday
    [monday] = _dates("Wadi Deif fell first early Monday morning to Jabhat a-Nusra forces", published)
    assert (monday.first, monday.precision, monday.basis) == (date(2014, 12, 15), "day", "relative")
    [tuesday] = _dates("the journalist told Syria Direct Tuesday", published)
    assert tuesday.first == date(2014, 12, 16)


def test_months_spans_and_relative_phrases():
    [month] = _dates("Nusra captured the airbase in September 2015 following a lengthy siege", date(2018, 1, 8))
    assert (month.first, month.last, month.precision) == (date(2015, 9, 1), date(2015, 9, 30), "month")
    [span] = _dates("Some 100,000 people had fled their homes between December 15 and January 6.", date(2018, 1, 8))
    assert (span.first, span.last) == (date(2017, 12, 15), date(2018, 1, 6))
    [week] = _dates("Last week, Islamist battalions mustered 5,000 fighters", date(2015, 4, 27))
    assert (week.first, week.last, week.precision) == (date(2015, 4, 20), date(2015, 4, 26), "week")


def test_wadi_deif_capture_is_dated_monday_with_nusra_attacking(db):
    rows = db.execute("select * from events where place_id = 'wadi-deif-base' "
                      "and sub_event_type = 'Non-state actor overtakes territory' order by event_date").fetchall()
    # "stormed the two regime bases on Monday" and "Wadi Deif fell first early Monday morning to Jabhat a-Nusra":
    # one capture. (Sunday's "a number of checkpoints in the surrounding vicinity" names no place: the rule that
    # put them at the base was written for this sentence and is gone.)
    assert [(r["event_date"], r["date_precision"]) for r in rows] == [("2014-12-15", "day")]
    row = rows[0]
    assert row["actor1_id"] == "jabhat-al-nusra"
    roles = dict(db.execute("select actor_id, role from event_actors where event_id = ?", (row["event_id"],)).fetchall())
    assert roles.get("ahrar-al-sham") == "associated"


def test_historical_event_keeps_month_precision(db):
    # "HTS ... captured the airbase in September 2015 following a lengthy siege"
    row = db.execute("select event_date, date_precision from events where place_id = 'abu-al-duhur-airbase' "
                     "and sub_event_type = 'Non-state actor overtakes territory' and event_date like '2015-%'").fetchone()
    assert (row["event_date"], row["date_precision"]) == ("2015-09-01", "month")
    # "After taking the airbase, rebel fighters captured and executed 56 government soldiers": the toll is the
    # executions' (their date, which only "after taking the airbase" ties to 2015, is not read: no rule for
    # that link fires in three development outlets)
    executed = db.execute("select e.sub_event_type, e.fatalities from events e join event_mentions m using (event_id) "
                          "where m.quote like '%captured and executed 56 government soldiers%' "
                          "and e.sub_event_type = 'Attack'").fetchone()
    assert executed["fatalities"] == 56


def test_figures_keep_qualifier_category_and_claimant(db):
    def figure(words):
        return db.execute("select * from figures where instr(quote, ?) > 0 order by char_start", (words,)).fetchall()

    [strikes] = [f for f in figure("at least 42 airstrikes") if f["category"] == "airstrikes"]
    assert (strikes["value"], strikes["qualifier"], strikes["claimed_by_actor_id"]) == (42, "at_least", "sohr")
    blast = {f["category"]: f for f in figure("massive blast in central Idlib city")}
    assert (blast["killed"]["value"], blast["killed"]["qualifier"]) == (30, "nearly")
    assert (blast["wounded"]["value"], blast["wounded"]["qualifier"]) == (100, "about")
    assert blast["killed"]["claimed_by_actor_id"] == "idlib-civil-defense"
    [displaced] = [f for f in figure("nearly 120,000 people") if f["category"] == "displaced"]
    assert displaced["value_high"] == 120000 and displaced["claimed_by_actor_id"] == "ahmad-a-shami"


def test_sub_counts_point_to_the_toll_they_are_part_of(db):
    rows = db.execute("select f.value, p.value as parent from figures f join figures p "
                      "on p.figure_id = f.part_of_figure_id where f.category = 'killed'").fetchall()
    pairs = {(r["value"], r["parent"]) for r in rows}
    assert {(19, 73), (11, 73), (8, 53), (9, 53)} <= pairs


def test_conflicting_claims_stay_side_by_side(db):
    # AFP gives "73 civilians" in the lead and "at least 73 civilians" later: both rows are kept.
    rows = db.execute("select qualifier from figures where article_id like '001_%' and value = 73").fetchall()
    assert sorted(r[0] for r in rows) == ["at_least", "exact"]


def test_vague_words_become_bounded_figures(db):
    row = db.execute("select * from figures where article_id like '000_%' and category = 'captured' "
                     "and qualifier = 'vague'").fetchone()
    assert (row["value"], row["value_word"], row["value_low"], row["value_high"], row["subject"]) == (
        None, "hundreds", 200, 999, "prisoners")


def test_every_figure_carries_its_unit(db):
    units = dict(db.execute("select category, group_concat(distinct unit) from figures group by category"))
    assert units["killed"] == units["displaced"] == units["captured"] == "people"
    assert units["airstrikes"] == "strikes" and units["places_seized"] == "places"
    # a measure takes the unit written with the number, in short form: "63 kilometers", "11 km"
    distances = db.execute("select subject, unit from figures where category = 'distance'").fetchall()
    assert distances and {unit for _, unit in distances} == {"km"}, distances
    assert db.execute("select count(*) from figures where unit is null or unit = ''").fetchone()[0] == 0


def test_a_category_without_a_unit_is_a_lexicon_error():
    data = copy.deepcopy(FIGURES)
    del data["figures"]["units"]["by_category"]["wounded"]
    with pytest.raises(BuildError, match=r"extraction/figures\.yml: units\.by_category gives no unit for wounded"):
        FigureFinder(data)


def test_a_toll_of_the_whole_war_is_no_events_fatalities(db):
    toll = db.execute("select event_id, quote from figures where value = 220000").fetchone()
    assert "since it began with peaceful protests" in toll["quote"] and toll["event_id"] is None
    assert db.execute("select max(fatalities) from events").fetchone()[0] < 1000


def test_cumulative_cues_mark_running_totals_only():
    from scripts.extraction.structure import Sentence

    finder = FigureFinder(FIGURES)

    def cumulative(text):
        [figure] = finder.find(Sentence(index=0, paragraph=0, start=0, end=len(text), text=text))
        return figure.cumulative

    assert cumulative("Some 400,000 people have died since the war broke out.")
    assert cumulative("Nearly 12,000 children were killed in the conflict in Syria so far.")
    assert not cumulative("An air strike on the market killed 14 people on Monday.")
    assert not cumulative("Since Monday, 3,000 families have fled the town.")
    # a toll larger than any single event's is a running total however it is told (figures.yml,
    # beyond_any_event): fakes-1919191754 (TRT World), fakes-1965495332 (Sputnik), fakes-1923102915 (The New Arab)
    assert cumulative("The Syrian Center for Policy Research however puts the death toll from the six-year "
                      "conflict at more than 470000 people.")
    assert cumulative("According to the latest SORH estimates the Syrian military conflict has claimed the lives "
                      "of more than 210000 people.")
    assert cumulative("Russian war planes have killed 4000 civilians since it first intervened in Syria just over a "
                      "year ago.")
    assert not cumulative("The chemical attack on Ghouta killed more than 1,400 people.")


def _figures(text):
    from scripts.extraction.structure import Sentence

    return [(f.value, f.qualifier, f.category) for f in FigureFinder(FIGURES).find(Sentence(0, 0, 0, len(text), text))]


@pytest.mark.parametrize("text, expected", [
    # fakes-1965495348 (Sputnik), fakes-1924058032 (The Jordan Times)
    ("Daesh executed 128 residents of the town which had a population of about 18000 before the civil war started.",
     [(128, "exact", "executed"), (18000, "about", "population")]),
    ("Raqqa was home to around 240000 residents before 2011.", [(240000, "about", "population")]),
    # words valued by text2num: no 20 for "Twenty-one", no range for "one hundred and twenty", no clock time
    ("The blast at 2100 GMT killed Twenty-one people and wounded one hundred and twenty others.",
     [(21, "exact", "killed"), (120, "exact", "wounded")]),
    # the strikes are the subject: 24 killed, not 24 strikes (fakes-1923848173, Ahram Online, headline)
    ("Air strikes kill 24 in Syria's Idlib.", [(24, "exact", "killed")]),
    # sub-counts take the category of their whole (fakes-1923102878, The New Arab)
    ("An airstrike by Russian warplanes on Saturday killed 18 people including five children and two women.",
     [(18, "exact", "killed"), (5, "exact", "killed"), (2, "exact", "killed")]),
    # vague words keep their conservative low bound (fakes-1924058046, The Jordan Times)
    ("The attack killed at least 44 people and wounded dozens on Wednesday.",
     [(44, "at_least", "killed"), (24, "vague", "wounded")]),
    # a hedge the parse reads as a preposition (fakes-1962495732, Al-Alam)
    ("Jabhat Fath Al Sham seized over a dozen villages from local NDF militias.", [(12, "more_than", "places_seized")]),
    # durations, dates and things named again are no figures
    ("After a lull of several days, 9 Aug 2016, rebels stormed the two regime bases.", []),
    # the subject of "suffered"/"sustained" counts what it suffered (fakes-1918150044 Asharq Al-Awsat,
    # fakes-1919191754 TRT World, fakes-1926479098 SANA), and people a gas "affected" are wounded
    ("Three civilians were killed and more than twenty others suffered from suffocation on Wednesday night.",
     [(3, "exact", "killed"), (20, "more_than", "wounded")]),
    ("33 people mostly women and children suffered from breathing difficulties and vomiting due to chlorine exposure.",
     [(33, "exact", "wounded")]),
    ("The source added that three people sustained injuries of varying severity due to a rocket shell.",
     [(3, "exact", "wounded")]),
    ("A spokesman said that 33 people mostly women and the children were affected by the gas.",
     [(33, "exact", "wounded")]),
    # "those killed include N" (fakes-1924058083, TRT World)
    ("According to the Syrian Observatory for Human Rights those killed in the two attacks in the Idlib province "
     "include 14 children and four women.", [(14, "exact", "killed"), (4, "exact", "killed")]),
    # a count before its own participle, however the parse hangs it (fakes-1926479178 Etilaf, fakes-1924058196
    # Daily Sabah, fakes-1965495360 Sputnik), and a participle with a count of its own (fakes-1924058195)
    ("Chemical substances were used in the attack which left at least 100 people killed and over 400 wounded mostly "
     "women and children.", [(100, "at_least", "killed"), (400, "more_than", "wounded")]),
    ("At least 14 people were killed 25 were wounded in suicide attack on a wedding in Hasakah.",
     [(14, "at_least", "killed"), (25, "exact", "wounded")]),
    ("A suicide bomber killed 30 people injured 90 on Monday in an attack targeting a wedding party.",
     [(30, "exact", "killed"), (90, "exact", "wounded")]),
    ("The attack rocked the Al-Teen street leaving 50 martyrs and more than 200 others wounded.",
     [(50, "exact", "killed"), (200, "more_than", "wounded")]),
    # the dead named as martyrs (fakes-1965511186 Al-Manar, fakes-1962495647 Al-Alam)
    ("A terrorist motorcycle bomb attack took place near al-Khulafaa al-Rashideen Mosque in Latakia city leaving "
     "5 martyrs.", [(5, "exact", "killed")]),
    # fractions of round numbers (fakes-1924058192 Daily Sabah, fakes-1919191754 TRT World)
    ("Since then more than a quarter of a million people have been killed according to the UN.",
     [(250000, "more_than", "killed")]),
    # a toll put "at" a value (fakes-1919191754 TRT World)
    ("The Syrian Center for Policy Research however puts the death toll from the six-year conflict at more than "
     "470000 people.", [(470000, "more_than", "killed")]),
    # four digits the parse labels a date, which can be neither a year nor a clock time (fakes-1923848200, Ahram)
    ("The Observatory has documented the killing of 5812 civilians over the past year.", [(5812, "exact", "killed")]),
    # ... or a count after a weekday the parse took for part of the date (fakes-1923848233, Ahram Online)
    ("On Tuesday 25 people including seven women and a child were killed in air strikes on Talbisseh.",
     [(25, "exact", "killed"), (7, "exact", "killed")]),
    # a count parsed into the subject of the attribution that follows it without a comma (fakes-1923102845,
    # fakes-1923102938 The New Arab, fakes-1924058146 The Jordan Times)
    ("A hospital was destroyed by airstrikes over the weekend that killed 13 people MSF said on Monday.",
     [(13, "exact", "killed")]),
    ("The death toll reached 330 overnight civil defence sources told The New Arab.", [(330, "exact", "killed")]),
    # a toll phrased as "the number of X killed", like "the number of victims" (fakes-1923848317, Ahram Online)
    ("The number of Al-Nusra Front and rebel fighters killed in battles against ISIL in the town of Markada has risen "
     "to 39.", [(39, "exact", "killed")]),
    # a share "N of them" of the count before it (fakes-1923848263 Ahram Online, fakes-1924058147 Daily Sabah)
    ("Air strikes on Raqa killed 25 civilians six of them children a monitoring group said on Wednesday.",
     [(25, "exact", "killed"), (6, "exact", "killed")]),
    ("The dead included 109 evacuees 13 of whom were women from the villages of Foua and Kefraya.",
     [(109, "exact", "killed"), (13, "exact", "killed")]),
])
def test_figures_read_from_the_parse(text, expected):
    assert _figures(text) == expected


def test_a_bare_yaml_boolean_in_a_word_list_is_a_lexicon_error(tmp_path):
    """YAML reads a bare `on` or `no` as true or false: the word would silently never match."""
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    places = reference / "extraction" / "places.yml"
    places.write_text(places.read_text(encoding="utf-8").replace('"on"]', "on]"), encoding="utf-8")
    with pytest.raises(BuildError, match=r"places\.yml: through_prep\[8\] is true, not a word: quote it"):
        load_reference(reference)

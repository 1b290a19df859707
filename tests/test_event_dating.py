"""How dates are found and attached to events, on sentences of the FA-KES development corpus (the article id
and its publication date are given with each; the places are in the reference data)."""

from __future__ import annotations

import hashlib
from datetime import date

from scripts.extraction.dates import DateFinder
from scripts.extraction.model import parse
from scripts.extraction.structure import Sentence
from scripts.seeds import Article
from scripts.tables import extract_tables

from .conftest import REFERENCE, shared_reference

REF = shared_reference(REFERENCE)  # the reference data and extractor of the whole session


def events_of(body: str, published: date) -> list[tuple[str, str, str | None, str]]:
    """(sub-event type, first day, last day, precision) of every event the extractor finds in `body` (the
    places are read elsewhere: test_event_parse.py)."""
    title = body.split("\n", 1)[0]
    article = Article("t00_rule", "t00_rule.txt", title, "Test wire", published, "stated", "", "", "", "en", "",
                      body, hashlib.sha256(body.encode()).hexdigest())
    rows = extract_tables([article], REF)["events"]
    return sorted({(r["sub_event_type"], r["event_date"], r["event_date_end"], r["date_precision"]) for r in rows})


def dates_in(text: str, published: date) -> dict[str, tuple[date, date, str]]:
    """The date expressions of one sentence: text -> (first, last, precision)."""
    [doc] = parse([text])
    sentence = Sentence(0, 0, 0, len(text), text, doc=doc)
    return {text[d.start:d.end]: (d.first, d.last, d.precision)
            for d in DateFinder(REF.extraction["dates"], published).find(sentence)}


# -- dates ------------------------------------------------------------------------------------------


def test_a_weekday_is_the_latest_such_day_on_or_before_publication():
    found = dates_in("A car bomb killed at least 34 people on Friday in a government-controlled village in the central "
                     "Syrian province of Hama state news agency SANA reported.", date(2014, 6, 20))  # fakes-1923848296
    assert found == {"Friday": (date(2014, 6, 20), date(2014, 6, 20), "day")}  # published on a Friday
    found = dates_in("On Saturday two women and two children were among eight people killed when a barrel bomb hit a "
                     "building in an opposition-held area of Aleppo city once Syrias commercial capital.",
                     date(2015, 2, 22))  # fakes-1923848200
    assert found == {"Saturday": (date(2015, 2, 21), date(2015, 2, 21), "day")}


def test_calendar_dates_and_periods_are_read_by_dateparser():
    found = dates_in('"The United Kingdom therefore shares the US assessment that it is highly likely that the regime was '
                     'responsible for a sarin attack on Khan Sheikhun on the 4th of April"', date(2017, 4, 13))
    assert found == {"the 4th of April": (date(2017, 4, 4), date(2017, 4, 4), "day")}  # fakes-1923102880
    found = dates_in("The YPG captured Tel Abyad from ISIS last year in an offensive backed by U.S.-led air strikes.",
                     date(2016, 2, 27))  # fakes-1926479296: the previous calendar year
    assert found == {"last year": (date(2015, 1, 1), date(2015, 12, 31), "year")}
    found = dates_in("Airstrikes targeting a UN-Arab Red Crescent aid convoy in the Aleppo suburb of Orum al-Kubra last "
                     "month signalled the end of a US-Russian brokered ceasefire for Syria.", date(2016, 10, 3))
    assert found == {"last month": (date(2016, 9, 1), date(2016, 9, 30), "month")}  # fakes-1923102913


def test_spans_count_back_from_publication():
    found = dates_in("Activists in Idlib province said that at least 135 civilians have been killed and hundreds more "
                     "injured in airstrikes and barrel bomb attacks by the Assad regime and Russian forces on the province "
                     "over the past three days.", date(2016, 12, 7))  # fakes-1926478913
    assert found == {"the past three days": (date(2016, 12, 5), date(2016, 12, 7), "week")}
    found = dates_in("A hospital funded by medical charity Medcins Sans Frontieres [MSF] in a rebel-held province of "
                     "northern Syria was destroyed by airstrikes over the weekend that killed 13 people MSF said on "
                     "Monday.", date(2016, 8, 9))  # fakes-1923102845, published on a Tuesday
    assert found["the weekend"] == (date(2016, 8, 6), date(2016, 8, 7), "week")
    assert found["Monday"] == (date(2016, 8, 8), date(2016, 8, 8), "day")
    found = dates_in("Syria insurgents killed at least 14 civilians in the village of Khatab in central Hama province "
                     "overnight.", date(2014, 7, 9))  # fakes-1965511147
    assert found == {"overnight": (date(2014, 7, 8), date(2014, 7, 9), "week")}


def test_since_runs_to_publication_and_ago_counts_back():
    found = dates_in("Since Saturday at least 68 civilians have been killed in aerial attacks on the town.",
                     date(2015, 7, 16))  # fakes-1915433687, published on a Thursday
    assert found == {"Saturday": (date(2015, 7, 11), date(2015, 7, 16), "week")}
    found = dates_in("On Monday air strikes killed 23 people in the town which has been under siege by the army ever "
                     "since rebels seized it two year ago.", date(2014, 9, 17))  # fakes-1923848233
    assert found["two year ago"] == (date(2012, 1, 1), date(2012, 12, 31), "year")


def test_a_count_of_days_or_years_is_a_duration_not_a_date():
    found = dates_in("The London-based Syrian Observatory for Human Rights said Deir al-Adas was taken on Tuesday after "
                     "two days of fierce fighting between regime elements and rebels including members of Nusra "
                     "al-Qaedas affiliate in Syria and fighters from the Free Syrian Army.", date(2015, 2, 12))
    assert list(found) == ["Tuesday"]  # fakes-1915433670
    assert dates_in("The clan has ruled Syria with an iron fist for more than 40 years.", date(2015, 2, 23)) == {}
    # fakes-1918398779


# -- dates attached to events -------------------------------------------------------------------------


def test_the_date_of_the_trigger_s_clause_dates_the_event():
    body = ("Car bomb in Hama\n\nA car bomb killed at least 34 people on Friday in a government-controlled village in "
            "the central Syrian province of Hama state news agency SANA reported.")  # fakes-1923848296
    assert events_of(body, date(2014, 6, 20)) == [("Remote explosive/landmine/IED", "2014-06-20", None, "day")]
    body = ("Sarin\n\nThe United Kingdom therefore shares the US assessment that it is highly likely that the regime "
            "was responsible for a sarin attack on Khan Sheikhun on the 4th of April.")  # fakes-1923102880
    assert events_of(body, date(2017, 4, 13)) == [("Chemical weapon", "2017-04-04", None, "day")]


def test_a_date_that_hangs_from_the_reporting_verb_covers_the_week_before_the_report():
    body = ("Shelling in Aleppo\n\nAt least six civilians have been killed killed in a al-Nusra Front shelling of "
            "government forces positions in the north-western outskirts of Aleppo the Russian Defense Ministry said "
            "Thursday.")  # fakes-1962495689, published on a Friday
    assert events_of(body, date(2016, 4, 15)) == \
        [("Shelling/artillery/missile attack", "2016-04-08", "2016-04-14", "week")]


def test_background_in_the_past_perfect_takes_its_own_date_not_the_report_s():
    body = ("Aleppo\n\nSyrias army said in a statement on Monday that the Nusra Front and what it called other terrorist "
            "groups had killed 84 people mostly women and children in Aleppo during the past three days in a "
            "bombardment that included chemical weapons and rocket fire.")  # fakes-1923848278, published on a Monday
    found = events_of(body, date(2016, 10, 31))
    assert found and all(e[1:] == ("2016-10-29", "2016-10-31", "week") for e in found)
    body = ("Damascus\n\nSyrian air force strikes killed at least 70 people in an opposition district outside Damascus "
            "following rocket attacks by rebels that had hit the government-controlled centre of the Syrian capital a "
            "monitoring group said on Friday.")  # fakes-1923848194, published on a Friday
    found = events_of(body, date(2015, 2, 6))
    assert ("Shelling/artillery/missile attack", "2015-01-31", "2015-02-06", "week") in found  # undated: its week


def test_also_ties_an_undated_sentence_to_the_events_of_the_sentence_before():
    body = ("Aleppo\n\nOn Saturday two women and two children were among eight people killed when a barrel bomb hit a "
            "building in an opposition-held area of Aleppo city once Syrias commercial capital. Six people were also "
            "reported killed in rebel shelling of regime-held areas of the city.")  # fakes-1923848200
    assert ("Shelling/artillery/missile attack", "2015-02-21", None, "day") in events_of(body, date(2015, 2, 22))


def test_an_undated_sentence_is_not_dated_by_the_sentence_before_without_a_link():
    body = ("Aleppo\n\nOn Saturday two women and two children were among eight people killed when a barrel bomb hit a "
            "building in an opposition-held area of Aleppo city once Syrias commercial capital. Six people were "
            "reported killed in rebel shelling of regime-held areas of the city.")  # fakes-1923848200 without "also"
    assert ("Shelling/artillery/missile attack", "2015-02-16", "2015-02-22", "week") in \
        events_of(body, date(2015, 2, 22))


def test_a_stated_offset_moves_the_date_of_the_clause_it_hangs_from():
    body = ("Damascus\n\nSyrian President Bashar al-Assads forces bombarded rebel-held suburbs of Damascus on Thursday "
            "activists said keeping up pressure on the besieged region a day after the opposition accused the army "
            "of gassing hundreds in a chemical weapons attack.")  # fakes-1926479038, published on a Thursday
    found = events_of(body, date(2013, 8, 22))
    assert ("Shelling/artillery/missile attack", "2013-08-22", None, "day") in found
    assert ("Chemical weapon", "2013-08-21", None, "day") in found


def test_a_date_inside_a_since_phrase_dates_what_it_names_not_the_event():
    # fakes-1918398779 (Daily Sabah), fakes-1965495332 (Sputnik): the first blast since the war began in 2011
    body = ("Qardaha\n\nThe attack, the first explosion to hit the heart of the western town since the outbreak of "
            "Syria's civil war in 2011, took place in the parking lot of the hospital in Qardaha.")
    assert [e for e in events_of(body, date(2015, 2, 23)) if e[1].startswith("2011")] == []


def test_a_date_in_a_clause_about_another_thing_does_not_date_the_event():
    # the seed 004's wording: "two years ago" dates the rebels' gains, which the clause under "gains" tells, not
    # the capture of Monday
    body = ("Idlib\n\nSyrian government forces continued a swift advance into the southern countryside of Idlib "
            "province on Monday, capturing villages and rolling back rebel gains made more than two years ago.")
    assert events_of(body, date(2018, 1, 10)) == [("Government regains territory", "2018-01-08", None, "day")]


def test_a_weekday_with_a_number_that_makes_no_date_of_it_is_the_weekday():
    found = dates_in("The Syrian Observatory for Human Rights said air strikes killed at least 22 people in a village "
                     "in Syrias rebel-held Idlib province on Wednesday seven of them children.", date(2016, 10, 26))
    assert found == {"Wednesday seven": (date(2016, 10, 26), date(2016, 10, 26), "day")}  # fakes-1923848283, not July
    body = ("Damascus\n\nOn Wednesday three suicide bombers killed at least two people near the main police "
            "headquarters in Damascus in an attack claimed by the Islamic State group.")  # fakes-1923102970, a Monday
    assert ("Suicide bomb", "2017-10-11", None, "day") in events_of(body, date(2017, 10, 16))  # not March
    found = dates_in("On Friday 16 civilians were killed and scores others were injured most of whom are women and "
                     "children when Jabhat al-Nusra terrorists and other terrorist groups targeted with dozens of "
                     "rocket shells Ifreen area.", date(2016, 4, 30))  # fakes-1926479189: not the 16th
    assert found == {"Friday 16": (date(2016, 4, 29), date(2016, 4, 29), "day")}
    # a number that does make a date of the weekday keeps it: the stamp of fakes-1923848283
    assert dates_in("Wednesday 26 Oct 2016", date(2016, 10, 26))["Wednesday 26"] == \
        (date(2016, 10, 26), date(2016, 10, 26), "day")


def test_a_weekday_s_possessive_without_its_apostrophe_is_that_weekday():
    found = dates_in("Thursdays attack comes as government forces are on the offensive against the extremists in "
                     "other parts of Syria.", date(2017, 5, 18))  # fakes-1926479016 (Al Arabiya), a Thursday
    assert found == {"Thursdays": (date(2017, 5, 18), date(2017, 5, 18), "day")}
    body = ("Douma\n\nThursdays air strikes were carried out in Douma a satellite suburb northeast of the capital "
            "that has been under siege for more than a year.")  # fakes-1923848235 (Ahram Online), a Friday
    assert events_of(body, date(2014, 9, 12)) == [("Air/drone strike", "2014-09-11", None, "day")]


def test_since_a_weekday_afternoon_runs_from_that_day_to_publication():
    body = ("Aleppo\n\nThe Syrian Observatory for Human Rights said 30 regime soldiers and 39 rebel fighters had been "
            "killed in battles around Al Maleh north of Aleppo since Wednesday afternoon.")  # fakes-1924058042, a Friday
    assert events_of(body, date(2016, 7, 1)) == [("Armed clash", "2016-06-29", "2016-07-01", "week")]


def test_a_day_in_a_participle_clause_under_the_event_s_clause_dates_it():
    body = ("Hasakeh\n\nA suicide bomber killed 30 people injured 90 on Monday in an attack targeting a wedding party "
            "in the northeastern Syrian province of Hasakeh.")  # fakes-1924058195 (Daily Sabah), a Tuesday
    assert ("Suicide bomb", "2016-10-03", None, "day") in events_of(body, date(2016, 10, 4))
    body = ("Aleppo\n\nAt least seven people died in rebel shelling of a neighbourhood of the Syrian city of Aleppo "
            "held by the Kurdish YPG militia at dawn on Saturday a monitoring group said as rebels took territory to "
            "the south.")  # fakes-1923848264 (Ahram Online), a Saturday
    assert events_of(body, date(2016, 6, 18)) == [("Shelling/artillery/missile attack", "2016-06-18", None, "day")]
    body = ("Damascus\n\nDue to terrorist attacks with rocket shells and explosive rounds on al-Mazzeh area in Damascus "
            "city one child has been killed and 7 people have been injured on Monday .")  # fakes-1962495711 (Al-Alam)
    assert ("Shelling/artillery/missile attack", "2016-11-07", None, "day") in events_of(body, date(2016, 11, 7))


def test_a_day_of_a_clause_about_another_thing_under_the_event_s_clause_does_not_date_it():
    # the subject's participle: the ceasefire was announced on Thursday, the fighting goes on (fakes-1923848264)
    body = ("Aleppo\n\nA 48-hour ceasefire in Aleppo announced by Russia on Thursday has had little impact on fighting "
            "and air strikes and shelling have continued in and around the city since then.")
    assert ("Air/drone strike", "2016-06-12", "2016-06-18", "week") in events_of(body, date(2016, 6, 18))
    # a relative clause with a subject of its own: the convoy was hit on 19 September, not the raids (fakes-1923102906)
    body = ("Aleppo\n\nElsewhere the Syrian Observatory reported that air raids have taken place in al-Inzarat - a "
            "rebel-held neighbourhood of East Aleppo - and numerous towns in the Aleppo countryside including Urum "
            "al-Kubra where a deadly attack on an aid convoy took place on 19 September.")
    assert ("Air/drone strike", "2016-10-01", "2016-10-07", "week") in events_of(body, date(2016, 10, 7))


def test_a_date_that_modifies_another_noun_is_the_last_choice():
    body = ("Manbij\n\nTuesdays casualties come on the heels of similar airstrikes on the Daesh-held town of Manbij on "
            "Monday when at least 15 civilians were reportedly killed.")  # fakes-1918398799 (Daily Sabah), a Tuesday
    assert events_of(body, date(2016, 7, 19)) == [("Air/drone strike", "2016-07-18", None, "day")]
    body = ("Homs\n\nOn Sunday terrorist group Al-Nusra Front claimed responsibility for Tuesdays attacks in which at "
            "least 30 Alawites including several women children and elderly men were shot dead in cold blood.")
    # fakes-1965511105 (Al-Manar), a Friday: Tuesday dates the attacks, not the week before Sunday's claim
    assert ("Armed clash", "2013-09-03", None, "day") in events_of(body, date(2013, 9, 6))


def test_a_past_perfect_told_in_a_dated_report_falls_in_the_week_up_to_the_report():
    # the tense follows "said": no earlier background, so the report's day bounds it, not the publication's
    body = ("Kobane\n\nThe Observatory said Friday that Islamic State jihadists had seized 60 Kurdish villages near the "
            "Turkish border in a lightning two-day campaign as they close in on Ain al-Arab.")  # fakes-1923848232, a Sat.
    assert events_of(body, date(2014, 9, 20)) == [("Non-state actor overtakes territory", "2014-09-13", "2014-09-19",
                                                   "week")]
    body = ("Idlib\n\nThe observatory and the Reuters news agency said on Tuesday that at least 23 people had been "
            "killed in Russian airstrikes in the militant-held city of Idlib including one near a hospital.")
    assert events_of(body, date(2016, 6, 1)) == [("Air/drone strike", "2016-05-25", "2016-05-31", "week")]  # 1962495675
    # an event word that only names what another noun is about is no reported event: the seed 004's commander
    # "told SANA on January 5 that government forces had adopted a policy of attacking": the publication week
    body = ("Idlib\n\nAn SAA field commander told Syrian state news outlet SANA on January 5 that government forces "
            "had adopted a policy of attacking at many points and axes to surprise and scatter the terrorist "
            "organizations.")
    assert events_of(body, date(2018, 1, 8)) == [("Armed clash", "2018-01-02", "2018-01-08", "week")]


def test_a_since_phrase_of_another_noun_does_not_date_the_event():
    # the regime has been in power since 1963; the protests and defections are not dated by it (fakes-1923102976)
    body = ("Syria\n\nThe Syrian conflict began when the Baath regime in power since 1963 and led by Assad responded "
            "with military force to peaceful protests demanding democratic reforms during the Arab Spring wave of "
            "uprisings triggering an armed rebellion fuelled by mass defections from the Syrian army.")
    found = events_of(body, date(2017, 11, 27))
    assert found and not [e for e in found if e[1].startswith("1963")]


def test_an_abbreviated_month_is_a_month_not_a_count_of_years():
    # "Sept." names September: the 30 is its day, not thirty years back (fakes-1924058178; dateparser reads no
    # "of last year", so the year is what is left)
    found = dates_in("Russia first began its air campaign in Syria on Sept. 30 of last year.", date(2016, 6, 27))
    assert found == {"Sept. 30 of last year": (date(2015, 1, 1), date(2015, 12, 31), "year")}

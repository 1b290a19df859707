"""Run every extractor over one article: sentences, mentions, dates, events and figures."""

from __future__ import annotations

from bisect import bisect_left
from collections import ChainMap, Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from .extraction.claimants import ClaimantFinder
from .extraction.coreference import Coreference
from .extraction.dates import DateFinder
from .extraction.events import EventFinder, EventMention
from .extraction.figures import Figure, FigureFinder, NotUnderstood
from .extraction.names import Mention, NameMatcher
from .extraction.new_places import NewPlaceFinder
from .extraction.renames import Renames
from .extraction.structure import Sentence, read_sentences
from .extraction.when import publication_fallback
from .limits import Deadline
from .reference import Place, Reference
from .seeds import Article
from .unresolved import NameSpotter, Unresolved

# A casualty toll in an undated sentence without an event of its own counts the event reported in
# the sentences just before it.
CARRIED_CATEGORIES = ("killed", "wounded")
CARRY_SENTENCES = 2
# "The base" points back to a place named in this many sentences before it.
ANAPHOR_SENTENCES = 3


@dataclass
class ClaimedFigure:
    """A figure with what the sentence around it says: where, and who claims it."""

    figure: Figure
    place_id: str | None
    claimed_by: str | None
    event_sentence: int | None  # index of the sentence whose events the figure belongs to


@dataclass(frozen=True)
class Cut:
    """Where an article's time budget stopped its extraction: it is built with what was read before."""

    seconds: float  # the budget
    character: int  # the text was read up to this offset
    length: int  # of the article's text
    sentences: int  # read to the end

    def __str__(self) -> str:
        return (f"extraction stopped after {self.seconds:g} s at character {self.character:,} of {self.length:,}: "
                f"built with the events, figures and names of its first {self.sentences:,} sentence(s)")


@dataclass
class ArticleExtraction:
    """Everything extracted from one article, with offsets into its body."""

    article: Article
    sentences: list[Sentence]
    mentions: list[Mention]
    events: list[EventMention]
    figures: list[ClaimedFigure]
    unresolved: list[Unresolved]
    not_understood: list[NotUnderstood] = field(default_factory=list)  # for the article's review report
    cut: Cut | None = None  # set when the time budget stopped the extraction before the end of the text
    new_places: dict[str, Place] = field(default_factory=dict)  # places named that the reference lacks, by id


class Extractor:
    """The extractors, built once from the reference data and lexicons."""

    def __init__(self, reference: Reference):
        self.reference = reference
        self.matcher = NameMatcher(reference)
        self.renames = Renames(reference)
        self.events = EventFinder(reference.extraction, reference)
        self.coreference = Coreference(reference.extraction["coreference"], reference)
        self.figures = FigureFinder(reference.extraction["figures"])
        self.claimants = ClaimantFinder(reference.extraction["figures"], reference)
        self.names = NameSpotter(reference.lexicon["names"], reference)
        self.new_places = NewPlaceFinder(reference.extraction["places"]["new_places"], reference.lexicon["names"],
                                         reference, self.names.suggest)

    def _home_places(self, mentions: list[Mention]) -> list[str]:
        """Where an event its sentence does not place is put (precision 3): the governorate of the dataset's
        country (places.yml `home_country`) the article mentions most, then that country."""
        places = self.reference.places
        country = places[self.reference.extraction["places"]["home_country"]]
        named = [places[m.entity_id] for m in mentions if m.entity_type == "place"]
        counts = Counter(p.governorate for p in named if p.governorate and p.country == country.country)
        found = []
        for governorate, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:1]:
            found += [p.place_id for p in places.values() if p.place_type == "governorate"
                      and p.governorate == governorate and p.country == country.country][:1]
        return [*found, country.place_id]

    @contextmanager
    def _new_places(self) -> Iterator[dict[str, Place]]:
        """While an article is read, the reference's places include the new places it names (the dict yielded)."""
        gazetteer = self.reference.places
        new_places: dict[str, Place] = {}
        self.reference.places = ChainMap(new_places, gazetteer)
        try:
            yield new_places
        finally:
            self.reference.places = gazetteer

    def run(self, article: Article, deadline: Deadline | None = None) -> ArticleExtraction:
        """The article's extraction. It stops before a sentence once `deadline` (by default the limits'
        article_seconds from now) has passed, and then holds what the sentences read so far gave."""
        with self._new_places() as new_places:
            limits = self.reference.limits
            deadline = deadline or Deadline(limits.article_seconds if limits else None)
            body = article.body
            mentions = self.matcher.find(body)
            dates = DateFinder(self.reference.extraction["dates"], article.published_date)
            self.events.dating.for_article(article.published_date)
            home = self._home_places(mentions)
            home_governorate = self.reference.places[home[0]].governorate if len(home) > 1 else None
            variants: set[tuple[int, int]] = set()  # spans of names read as variant spellings of known places
            events: list[EventMention] = []
            figures: list[ClaimedFigure] = []
            undated = publication_fallback(article.published_date)  # the date of what a sentence does not date
            last_claimant: str | None = None
            last_event_sentence: int | None = None
            not_understood: list[NotUnderstood] = []
            previous_events: list[EventMention] = []
            # The mentions do not overlap and are in text order, so their ends are in order too: the mentions
            # of a sentence, and the places named up to its end, are found by bisection.
            starts = [m.start for m in mentions]
            places = [m for m in mentions if m.entity_type == "place"]
            place_starts = [m.start for m in places]
            salience: Counter[str] = Counter()  # how often the places named so far are named
            named = 0  # places[:named] end by the current sentence's end
            sentences: list[Sentence] = []
            read, stopped = body, False
            # each paragraph is split when its sentences are asked for; the title is the headline the page repeats
            for sentence in read_sentences(body, limits, article.title):
                if deadline.passed():
                    read, stopped = body[: sentences[-1].end if sentences else 0], True
                    mentions = [m for m in mentions if m.end <= len(read)]
                    break
                sentences.append(sentence)
                first = bisect_left(starts, sentence.start)
                last = bisect_left(starts, sentence.end, first)
                confirmed = self.matcher.confirmed(sentence, mentions[first:last])
                if len(confirmed) < last - first:  # a generated place the parse does not read as a place goes
                    mentions[first:last] = confirmed
                    last = first + len(confirmed)
                    starts = [m.start for m in mentions]
                    places = [m for m in mentions if m.entity_type == "place"]
                    place_starts = [m.start for m in places]
                    named = bisect_left(place_starts, sentence.start)  # places read as actors before are gone
                mentions[first:last] = self.events.places.read_capitals(sentence, mentions[first:last])
                mentions[first:last] = self.matcher.read_actors(sentence, mentions[first:last])
                new = self.new_places.find(sentence, mentions[first:last], home_governorate)
                if new:  # "the village of X": a place the reference lacks, or a variant spelling of one it has
                    for mention, place in new:
                        if place is None:
                            variants.add((mention.start, mention.end))
                        else:
                            new_places.setdefault(place.place_id, place)
                    mentions[first:last] = sorted(mentions[first:last] + [m for m, _ in new], key=lambda m: m.start)
                    last += len(new)
                    starts = [m.start for m in mentions]
                    places = [m for m in mentions if m.entity_type == "place"]
                    place_starts = [m.start for m in places]
                    named = bisect_left(place_starts, sentence.start)
                sentence_dates = [] if sentence.furniture else dates.find(sentence)  # a stamp dates no event
                day = min((d.last for d in sentence_dates), default=article.published_date)
                mentions[first:last] = self.renames.resolve(mentions[first:last], day)  # the name of the day
                in_sentence = [m for m in mentions[first:last] if m.end <= sentence.end]
                window_start = sentences[max(0, sentence.index - ANAPHOR_SENTENCES)].start
                while named < len(places) and places[named].end <= sentence.end:
                    salience[places[named].entity_id] += 1
                    named += 1
                recent = places[bisect_left(place_starts, window_start, 0, named):named]
                # Page furniture (headline, standfirst, caption …) is no source of events or figures: an event
                # told only there is not published, and a headline's event is the body's.
                found = [] if sentence.furniture else self.events.find(
                    article.article_id, sentence, in_sentence, sentence_dates, undated, home, recent, salience,
                    previous_events)
                previous_events = found
                events.extend(found)
                claimant = self.claimants.find(sentence, in_sentence, last_claimant, article=mentions)
                last_claimant = claimant or last_claimant
                place_mentions = [m for m in in_sentence if m.entity_type == "place"]
                if found:
                    last_event_sentence = sentence.index
                for figure in [] if sentence.furniture else self.figures.find(sentence, not_understood):
                    near = min(place_mentions, key=lambda m: abs(m.start - figure.number_start), default=None)
                    event_sentence = sentence.index if found else None
                    if (not found and not sentence_dates and figure.category in CARRIED_CATEGORIES
                            and last_event_sentence is not None and sentence.index - last_event_sentence <= CARRY_SENTENCES):
                        event_sentence = last_event_sentence  # "The White Helmets put the death toll at 27."
                    if figure.cumulative:
                        event_sentence = None  # a toll of the whole war is no event's fatalities
                    claimed_by = self.claimants.find(sentence, in_sentence, last_claimant, figure.number_start,
                                                      mentions)
                    figures.append(ClaimedFigure(figure, near.entity_id if near else None, claimed_by, event_sentence))
            events = self.coreference.resolve(events)
            # a new place, or a spelling read as a variant, is still a name the reference lacks: the report lists it
            where = {(m.start, m.end) for m in mentions if m.entity_id in new_places} | variants
            unresolved = self.names.find(read, sentences, [m for m in mentions if (m.start, m.end) not in where])
            unresolved = [replace(u, looks_like="place") if (u.start, u.end) in where else u for u in unresolved]
            cut = Cut(deadline.seconds, len(read), len(body), len(sentences)) if stopped else None
            return ArticleExtraction(article, sentences, mentions, events, figures, unresolved, not_understood, cut,
                                     dict(sorted(new_places.items())))

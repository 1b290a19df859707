"""When the event of one trigger happened, as far as its sentence (and an explicit link to the story
around it) tells. events.py asks `EventDating.when` once per trigger.

- The date attached to the trigger by the parse: the date in the trigger's clause, else in a clause of
  the trigger's own words, else in the clauses above it, else a day in a participle or joined clause under
  it ("killed 30 people injured 90 on Monday"); any date of the sentence only when the sentence reports one
  event. Among several, the nearest, but one that modifies another noun (the day of "Tuesday's toll" for
  strikes told as on Monday) last.
- A date that hangs from a reporting verb ("told AFP on Monday") and not from the event's own verb nor
  from a noun ("claimed responsibility for Tuesdays attacks") dates the report: the event falls in the
  week up to it, unless it is told as going on (a progressive verb).
- Background, told in the past perfect or marked as earlier ("recent infighting"), takes only a date of
  its own clause ("had captured it in 2015", "a truce in 2014"), else the publication week; but a past
  perfect reported by a dated reporting verb ("said Friday that jihadists had seized") only follows its
  tense: the report's day bounds it as any report's does.
- "one day after they captured": the stated offset from the date of the clause it hangs from; "following
  the fall of X": the event runs from X's day on (the merge resolves `follows`, scripts/event_dates.py).
- Undated: "the attack" (a definite event noun) is the event of its kind told the sentence before, and
  a clause that says it adds to the story of the sentence before in its paragraph ("were also killed")
  took place with its events; else `inherited` (extract.py gives the publication week: the sentences around an
  undated one do not date it without such a link).
The word groups are in seeds/reference/extraction/dates.yml.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from spacy.tokens import Token
from text_to_num import text2num

from .dates import DateMention
from .structure import Sentence
from .triggers import Trigger

if TYPE_CHECKING:
    from .events import EventMention

FALLBACK_SPAN_DAYS = 7  # an undated report is taken to be about the week before publication
# Relations that open a clause of their own: a date in one clause does not date another clause's event.
CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "relcl", "acl", "parataxis", "csubj", "conj"}
# The clauses an adverb like "also" is read from: a non-finite clause ("killed in rebel shelling") reads its head's.
FINITE_CLAUSE_DEPS = {"ROOT", "ccomp", "relcl", "parataxis", "csubj"}
UNIT_DAYS = {"hour": 0, "day": 1, "week": 7, "month": 30, "year": 365}
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "csubjpass")


@dataclass(frozen=True)
class EventDate:
    """When an event happened, as far as one sentence tells."""

    first: date
    last: date
    precision: str
    basis: str  # explicit, relative or publication
    bound: bool = False  # the days only bound the event: the week before publication, or before a report
    follows: int | None = None  # article offset of the trigger of the event this one came after

    @property
    def span_days(self) -> int:
        return (self.last - self.first).days + 1


def publication_fallback(published: date) -> EventDate:
    """The publication week: the date of an event its article does not date."""
    return EventDate(published - timedelta(days=FALLBACK_SPAN_DAYS - 1), published, "week", "publication", bound=True)


def clause_head(token: Token) -> Token:
    """The head of the clause the token is in (a verb's own clause, or the sentence's root)."""
    while token.dep_ not in CLAUSE_DEPS or (token.dep_ == "conj" and token.pos_ not in ("VERB", "AUX")):
        if token.head.i == token.i:
            break
        token = token.head
    return token


def _progressive(verb: Token) -> bool:
    """"clashes were raging": a verb told as going on."""
    return verb.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in verb.children)


def _past_perfect(verb: Token) -> bool:
    """"had captured": told as having happened before the time of the report."""
    return verb.tag_ == "VBN" and any(c.dep_ in ("aux", "auxpass") and c.lemma_ == "have" and c.tag_ == "VBD"
                                      for c in verb.children)


def _definite(token: Token) -> bool:
    """An event noun with a definite or demonstrative determiner ("the attack", "this strike")."""
    return token.pos_ == "NOUN" and any(c.dep_ == "det" and ("Def" in c.morph.get("Definite")
                                                            or "Dem" in c.morph.get("PronType"))
                                        for c in token.children)


def _clauses_between(clause: Token, top: Token) -> list[Token]:
    """The heads of the clauses from `clause` up to `top` (below it), `clause` first."""
    found = []
    while clause.i != top.i:
        found.append(clause)
        if clause.head.i == clause.i:
            break
        clause = clause_head(clause.head)
    return found


def _path_up(token: Token, top: Token) -> list[Token]:
    """The tokens between `token` and its ancestor `top`, both left out."""
    found = []
    while token.head.i not in (token.i, top.i):
        token = token.head
        found.append(token)
    return found


def event_word(trigger: Trigger) -> Token:
    """The noun the trigger's head is part of: "attack" for "suicide" in "A suicide bomb attack"."""
    token = trigger.head
    while token.dep_ == "compound" and token.head.pos_ in ("NOUN", "PROPN") and token.head.i != token.i:
        token = token.head
    return token


def _of_another_noun(token: Token, trigger: Trigger) -> bool:
    """Whether a date word modifies a noun that is not the trigger ("Tuesdays casualties", "Tuesdays attacks"
    for the trigger "claimed"), or a noun under it, rather than a verb ("on Monday")."""
    while token.dep_ not in CLAUSE_DEPS and token.head.i != token.i:
        if token.head.pos_ == "NOUN" and token.dep_ != "pobj":  # not a name ("Early Sunday Abdel Rahman said")
            return token.head.i not in (trigger.head.i, event_word(trigger).i)
        token = token.head
    return False


def _count(token: Token) -> int:
    """How many units a unit noun counts ("two days", "a day", "hours": 1)."""
    for child in token.children:
        if child.dep_ == "nummod" and child.like_num:
            try:
                return int(child.text) if child.text.isdigit() else text2num(child.lower_, "en")
            except ValueError:
                return 1
    return 1


class EventDating:
    """Dates event triggers with the word groups of seeds/reference/extraction/dates.yml."""

    def __init__(self, data: dict):
        self.reporting = set(data["reporting"]["lemmas"])
        self.report_span_days = int(data["reporting"]["span_days"])
        self.earlier = set(data["earlier"]["lemmas"])
        self.continues = set(data["continues"]["lemmas"])
        self.sequence = {**dict.fromkeys(data["sequence"]["opens_earlier"], -1),
                         **dict.fromkeys(data["sequence"]["opens_later"], 1)}
        self.units = {word: unit for unit, words in data["units"]["words"].items() for word in words}
        self.since = set(data["since"]["words"])
        self.describing = set(data["described"]["dependencies"])
        self.published: date | None = None

    def for_article(self, published: date) -> None:
        """Date the triggers of an article published on that day (extract.py calls it per article)."""
        self.published = published

    # -- the dates attached to the trigger -----------------------------------------------------

    def _clause_dates(self, sentence: Sentence, trigger: Trigger, dates: list[DateMention],
                      several: bool) -> list[DateMention]:
        """The dates of the trigger's clause, else of a clause of its own words, else of the clauses above
        it, else the days of the clauses under its clause that describe what it acts on (`_described`); any
        date of the sentence when it reports one event. Background (past perfect, "recent infighting"): its
        own clause only."""
        own, word = clause_head(trigger.head), event_word(trigger)
        placed = [(d, clause_head(d.token(sentence))) for d in dates if not self._dates_since(d.token(sentence), trigger)]
        found = [d for d, clause in placed if clause.i == own.i]
        # a clause of the trigger's own words ("air strikes that killed 73 on Sunday"), not one that tells of
        # another thing it names (the gains "made two years ago" that a capture rolls back)
        found = found or [d for d, clause in placed if clause.i != own.i and word.is_ancestor(clause)
                          and not (clause.dep_ in ("acl", "relcl") and clause.head.i != word.i)]
        if self._background(trigger):
            return found or self._report_of(placed, own, word)
        for above in (t for t in own.ancestors if t.i == clause_head(t).i):
            found = found or [d for d, clause in placed if clause.i == above.i]
        return found or self._described(placed, own, word) or ([] if several else dates)

    def _report_of(self, placed: list[tuple[DateMention, Token]], own: Token, word: Token) -> list[DateMention]:
        """The days of the report a past perfect is told in ("the Observatory said Friday that jihadists had
        seized 60 villages", "had been killed in Russian airstrikes"): the tense follows the reporting verb's,
        the event is no earlier background; the report's day bounds it (`_date`). Not an event word that
        only names what another noun is about ("had adopted a policy of attacking")."""
        if own.dep_ != "ccomp" or clause_head(own.head).lemma_.lower() not in self.reporting \
                or any(t.pos_ == "NOUN" for t in _path_up(word, own)):
            return []
        report = clause_head(own.head)
        return [d for d, clause in placed if clause.i == report.i and d.precision == "day"]

    def _described(self, placed: list[tuple[DateMention, Token]], own: Token, word: Token) -> list[DateMention]:
        """The days of participle clauses below the trigger's clause that describe what it acts on ("killed 30
        people injured 90 on Monday", "hit a bus convoy waiting to cross on Saturday", "shelling of a city held
        by the militia at dawn on Saturday"), or of verbs joined to it ("one child has been killed and 7 people
        have been injured on Monday"): the parse hangs the event's day there. Not a relative or reported
        clause ("where an attack took place on 19 September", "said the barrage was a response to attacks on
        Thursday"), one that describes a subject the trigger is not in ("a ceasefire announced on Thursday has
        had little impact on fighting"), one told as earlier ("had been held"), nor a wider period ("the
        district seized earlier this month")."""
        subject = [c for c in own.children if c.dep_ in SUBJECT_DEPS and not c.is_ancestor(word) and c.i != word.i]
        return [d for d, clause in placed if d.precision == "day" and own.is_ancestor(clause)
                and not any(s.is_ancestor(clause) for s in subject)
                and all(t.dep_ in self.describing and not _past_perfect(t) for t in _clauses_between(clause, own))]

    def _dates_since(self, token: Token, trigger: Trigger) -> bool:
        """Whether the date dates what a "since" phrase names, not the trigger: "the first explosion to hit the
        town since the outbreak of the war in 2011" ("since Monday", the date itself, still bounds it), or
        what another noun has been since then ("the Baath regime in power since 1963")."""
        for above in token.ancestors:
            if above.dep_ == "prep" and above.lemma_.lower() in self.since:
                of_noun = above.head.pos_ == "NOUN" and above.head.i not in (trigger.head.i, event_word(trigger).i)
                return (token.head.i != above.i or of_noun) and not above.is_ancestor(trigger.head)
            if above.i == clause_head(above).i:
                return False
        return False

    def _reported(self, sentence: Sentence, trigger: Trigger, found: DateMention) -> bool:
        """Whether the date hangs from a reporting verb ("said on Monday"), not from the event's own verb nor
        from a noun ("claimed responsibility for Tuesdays attacks")."""
        token = found.token(sentence)
        clause = clause_head(token)
        return clause.lemma_.lower() in self.reporting and clause.i != clause_head(trigger.head).i \
            and not _of_another_noun(token, trigger)

    def _ongoing(self, trigger: Trigger) -> bool:
        """The event is told as going on: its verb, or the verb it is the subject of, is progressive."""
        return _progressive(trigger.head) or _progressive(clause_head(trigger.head))

    def _date(self, sentence: Sentence, trigger: Trigger, dates: list[DateMention]) -> EventDate | None:
        """The nearest of the dates; a report's date covers the week up to it, unless the event was going on."""
        if not dates:
            return None
        # a date that modifies another noun ("Tuesdays casualties") dates that thing before the trigger
        nearest = min(dates, key=lambda d: (_of_another_noun(d.token(sentence), trigger), abs(d.head - trigger.head.i),
                                            d.start))
        if nearest.precision == "day" and self._reported(sentence, trigger, nearest) and not self._ongoing(trigger):
            first = nearest.last - timedelta(days=self.report_span_days - 1)
            return EventDate(first, nearest.last, "week", nearest.basis, bound=True)
        return EventDate(nearest.first, nearest.last, nearest.precision, nearest.basis)

    # -- links to another event ----------------------------------------------------------------

    def _opened_by(self, clause: Token) -> tuple[Token, int] | None:
        """(the sequence word, its direction) of a clause it opens ("one day after they captured")."""
        if clause.dep_ != "advcl":
            return None
        mark = next((c for c in clause.children if c.dep_ in ("mark", "prep") and c.lemma_.lower() in self.sequence),
                    None)
        return (mark, self.sequence[mark.lemma_.lower()]) if mark is not None else None

    def _opener(self, trigger: Trigger) -> tuple[Token, Token, Token] | None:
        """(sequence word, what it opens, the head it hangs from) when the trigger's event is opened by one:
        "the reported execution" after "a day after", or the clause of "one day after they captured"."""
        head = trigger.head
        if head.dep_ == "pobj" and head.head.lemma_.lower() in self.sequence:
            return head.head, head, head.head.head
        clause = clause_head(head)
        opened = self._opened_by(clause)
        return (opened[0], clause, clause.head) if opened is not None else None

    def _offset(self, sentence: Sentence, trigger: Trigger, dates: list[DateMention]) -> EventDate | None:
        """"..., one day after the two groups captured", "a day after the reported execution of": the date
        of the clause the sequence word hangs from (else the sentence's date outside the clause it opens),
        moved by the stated units."""
        found = self._opener(trigger)
        if found is None:
            return None
        word, opened, governing = found
        unit = next((c for t in (word, opened) for c in t.children
                     if c.dep_ == "npadvmod" and c.lemma_.lower() in self.units), None)
        outside = [d for d in dates if not (opened.is_ancestor(d.token(sentence)) or d.token(sentence) == opened)]
        above = [d for d in outside if clause_head(d.token(sentence)).i == clause_head(governing).i] or outside
        if unit is None or not above:
            return None
        anchor = min(above, key=lambda d: abs(d.head - trigger.head.i))
        days = UNIT_DAYS[self.units[unit.lemma_.lower()]] * _count(unit)
        shift = timedelta(days=self.sequence[word.lemma_.lower()] * days)
        return EventDate(anchor.first + shift, anchor.last + shift, anchor.precision, anchor.basis)

    def _follows(self, sentence: Sentence, trigger: Trigger) -> int | None:
        """"Following the fall of X, jets conducted raids", "after they took X, they shelled": the article
        offset of the event word after which the trigger's event came (its days start there)."""
        clause = clause_head(trigger.head)
        for child in clause.children:
            word = child.lemma_.lower()
            if child.dep_ == "prep" and self.sequence.get(word) == -1:
                obj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                if obj is not None:
                    return sentence.start + obj.idx
            opened = self._opened_by(child) if child.dep_ == "advcl" else None
            if opened is not None and opened[1] == -1:
                return sentence.start + child.idx
        return None

    def _continues(self, trigger: Trigger) -> bool:
        """"Six people were also reported killed": the clause adds to the story of the sentence before."""
        path, token = [trigger.head], trigger.head
        while token.dep_ not in FINITE_CLAUSE_DEPS and token.head.i != token.i:  # up to its finite clause
            token = token.head
            path.append(token)
        return any(c.dep_ == "advmod" and c.lemma_.lower() in self.continues for t in path for c in t.children)

    def _background(self, trigger: Trigger) -> bool:
        """Told as earlier than the sentence's time: in the past perfect ("had captured"), or with a word
        of `earlier` ("recent infighting", "previous gas attacks")."""
        return _past_perfect(clause_head(trigger.head)) or \
            any(c.dep_ in ("amod", "advmod") and c.lemma_.lower() in self.earlier for c in trigger.head.children)

    # -- one trigger ---------------------------------------------------------------------------

    def when(self, sentence: Sentence, trigger: Trigger, dates: list[DateMention], several: bool,
             inherited: EventDate, previous: list[EventMention]) -> EventDate:
        """When the trigger's event happened. `several`: the sentence has more than one trigger;
        `inherited`: the date its paragraph carries; `previous`: the events of the sentence before."""
        offset = self._offset(sentence, trigger, dates)
        if offset is not None:
            return offset
        own = self._date(sentence, trigger, self._clause_dates(sentence, trigger, dates, several))
        follows = self._follows(sentence, trigger)
        if own is not None:
            return own
        told = [e for e in previous if e.when.basis != "publication"]
        same = [e for e in told if e.sub_event_type == trigger.spec["sub_event_type"]]
        if same and _definite(trigger.head):
            return same[0].when
        told = [e for e in told if e.sentence.paragraph == sentence.paragraph]
        if told and self._continues(trigger):
            return told[0].when
        if self._background(trigger):
            inherited = publication_fallback(self.published)
        return EventDate(inherited.first, inherited.last, inherited.precision, inherited.basis, inherited.bound,
                         follows) if follows is not None else inherited

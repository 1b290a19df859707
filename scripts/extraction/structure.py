"""The structure of an article's text: paragraphs, sentences with exact offsets, and page furniture.

Paragraphs are blank-line blocks. Inside a block a single line break is joined when it is a hard wrap
(the sentence goes on across it: the line before it has no closing mark and the line after it starts in
lower case, or the line before it ends on a word that cannot end a line of its own — a preposition,
determiner, conjunction or auxiliary by the parse); otherwise each line (a headline, a standfirst,
"2 min read", a date line, a caption) stays a paragraph of its own. A sentence that crosses a joined
break keeps the newline in its text (`body[start:end] == text`); it is parsed with a space there.

Sentences are found by pysbd inside each paragraph (pysbd splits the run-on heads of the FA-KES texts
and quoted speech better than the parser, which cuts headlines and lists at capitals). A paragraph
longer than the limits' max_paragraph_chars is given to pysbd in pieces, and a sentence longer than
max_sentence_chars is cut into pieces (seeds/reference/limits.yml); each piece is read when it is asked
for.

Page furniture (`Sentence.furniture`, the kind) is kept for offsets but is never a source of events or
figures: the headline (the article's title, wherever it is repeated), the date stamp and byline before
it and the agency credit after it, a standfirst or photo caption before the report, the dateline that
opens the report ("BEIRUT -", "AMMAN:"; the rest of its sentence is report), date lines, bracketed
credits ("(TRT World and Agencies)", "[Anadolu]") and the caption they close, and the kinds of line in
seeds/reference/extraction/furniture.yml (share lines, "N min read", "Read Also", "Our Standards: …").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path

import dateparser
import pysbd
from spacy.matcher import Matcher
from spacy.tokens import Doc

from ..limits import Limits
from ..textnorm import fold
from ..yaml_in import read_yaml
from .model import parse, pipeline

FURNITURE_FILE = Path(__file__).resolve().parents[2] / "seeds" / "reference" / "extraction" / "furniture.yml"

HEADLINE, STANDFIRST, STAMP, BYLINE, CREDIT, DATELINE, DATE, CAPTION = (
    "headline", "standfirst", "date_stamp", "byline", "credit", "dateline", "date_line", "caption")
PAGE_TOOLS = "page_tools"  # the kind of furniture.yml whose lines close a page head
HEAD_KINDS = {HEADLINE, STANDFIRST, STAMP, DATE, CAPTION, CREDIT, PAGE_TOOLS}  # kinds of line in a page's head

# Where a long paragraph is cut: after a sentence end (the white space after it is left out), else at white space.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(\s+)")
_SPACE = re.compile(r"(\s+)")
# Typography of a line: the marks that close a sentence, a teaser cut short, a bracketed credit at the end.
_CLOSING_MARKS = ".!?…:;\"'”’"
_TEASER_END = re.compile(r"\[(?:…|\.\.\.)\]\s*$")  # "… fled en masse from the […]": a teaser cut short
_CREDIT = r"[(\[][A-Z][^()\[\]\n]{0,60}[)\]]"
_CREDIT_AFTER_STOP = re.compile(rf"(?<=[.!?\"”’])\s+({_CREDIT})\s*$")
_CREDIT_FIRST = re.compile(rf"^({_CREDIT})(?:\s+|$)")
# A dateline: words in capitals opening the report, then a dash or colon, or then the report's first word.
_DATELINE = re.compile(r"^([A-Z][A-Z]{2,}(?:[ ,][A-Z]{3,})*)(?:\s*[-–—:]\s+|\s+(?=[A-Z][a-z]|[0-9]))")
# Parts of speech on which a line of its own cannot end: the sentence goes on in the next line.
_OPEN_ENDS = {"ADP", "DET", "CCONJ", "SCONJ", "AUX", "PART"}
_CAPTION_TAGS = {"VBZ", "VBP"}  # a photo caption tells what the picture shows, in the present
_CAPTION_CHARS = 300  # a caption is one short line: a longer paragraph closed by a credit is a report
_TOOLS_LINE_CHARS = 40  # a short line is parsed to see whether it is a share line or a reading time
_DATE_LINE_CHARS = 40  # a date line is short; dateparser is not asked about longer lines
_STAMP_TOKENS = 6  # a date stamp has at most this many words ("Saturday 11 April 2015 18:05")
_BYLINE_TOKENS = 8  # "by Asharq Al-Awsat English" between a stamp and the headline
_YEAR_END = re.compile(r"(?:19|20)\d\d$")  # a stamp's date ends with its year …
_CLOCK = re.compile(r"\d{1,2}:\d{2}")  # … or with a time after it ("Saturday 11 April 2015 18:05")
_DATE_SETTINGS = {"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]}


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: `body[start:end] == text`, stripped of surrounding white space."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str
    furniture: str | None = None  # the kind of page furniture, None for the report
    doc: Doc | None = field(default=None, compare=False, repr=False)  # the parse of `text`

    def __reduce__(self):
        """Pickled without its parse: the extraction cache keeps offsets and text, not spaCy's objects."""
        return Sentence, (self.index, self.paragraph, self.start, self.end, self.text, self.furniture)


@lru_cache(maxsize=4096)  # more than the searches one sentence asks for
def found_before(pattern: re.Pattern[str], sentence: Sentence, offset: int) -> bool:
    """Whether `pattern` is found in the sentence's text before body offset `offset`. Remembered: every event
    word of a sentence asks it of each actor and place of the sentence, which would cost the cube of its length."""
    return pattern.search(sentence.text[: offset - sentence.start]) is not None


# Furniture patterns -------------------------------------------------------------------------------

class Furniture:
    """The furniture patterns of furniture.yml, compiled into spaCy Matchers."""

    def __init__(self, spec: dict):
        vocab = pipeline().vocab
        self.head_window = int(spec["head_window"])
        self.leads = Matcher(vocab)
        self.leads.add("lead", spec["stamp_leads"]["patterns"])
        self.starts = Matcher(vocab)
        self.through = Matcher(vocab)
        self.anywhere = Matcher(vocab)
        self.whole = {kind for kind, entry in spec["lines"].items() if entry.get("extent") == "sentence"}
        for kind, entry in spec["lines"].items():
            if entry.get("starts"):
                self.starts.add(kind, entry["starts"])
            if entry.get("through"):
                self.through.add(kind, entry["through"], greedy="LONGEST")
            if entry.get("anywhere"):
                self.anywhere.add(kind, entry["anywhere"])

    def line_kind(self, doc: Doc) -> tuple[str, int] | None:
        """(kind, character offset where it ends) of the furniture that one of the `starts` patterns opens a
        sentence with (after leading punctuation), or that runs from its start through a `through` pattern: to
        the sentence's end for a kind of extent `sentence`."""
        first = next((t.i for t in doc if not t.is_punct and not t.is_space), None)
        found = [m for m in self.starts(doc) if m[1] == first or (m[1] == 0 and m[2] > first)]
        found += [(name, 0, end) for name, _, end in self.through(doc)]  # from the start through the match
        if not found:
            return None
        name, _, end = max(found, key=lambda m: m[2])
        kind = doc.vocab.strings[name]
        return kind, len(doc.text) if kind in self.whole else doc[end - 1].idx + len(doc[end - 1])

    def cut(self, doc: Doc) -> tuple[int, str] | None:
        """(character offset in the sentence, kind) where an `anywhere` pattern starts furniture to its end."""
        found = sorted(self.anywhere(doc), key=lambda m: m[1])
        return (doc[found[0][1]].idx, doc.vocab.strings[found[0][0]]) if found else None

    def stamp_lead(self, doc: Doc) -> int:
        """The number of tokens of a stamp's lead words at the start of `doc` (0 without)."""
        return max((end for _, start, end in self.leads(doc) if start == 0), default=0)


@lru_cache(maxsize=1)
def default_furniture() -> Furniture:
    """The patterns of seeds/reference/extraction/furniture.yml."""
    return Furniture(read_yaml(FURNITURE_FILE, "furniture patterns"))


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


@lru_cache(maxsize=4096)
def _full_date(text: str) -> bool:
    """Whether `text` is a whole date (day, month and year) and nothing else."""
    text = text.strip().lstrip("-–—").strip()
    return bool(text) and dateparser.parse(text, languages=["en"], settings=_DATE_SETTINGS) is not None


def _parse_text(text: str) -> str:
    """What is parsed for a piece of the body: joined line breaks and no-break spaces read as spaces (the
    same length: the tokenizer does not split words at a no-break space)."""
    return text.replace("\n", " ").replace("\u00a0", " ")


# Paragraphs -----------------------------------------------------------------------------------------

def _lines(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line that holds more than white space."""
    for line in re.finditer(r"[^\n]+", body):
        if line.group().strip():
            yield line.start(), line.end()


def _ends_open(line: str) -> bool:
    """Whether the line ends on a word on which no line of its own ends (by the parse of its last words)."""
    words = line.split()[-6:]
    doc = pipeline()(" ".join(words))
    return len(doc) > 0 and doc[-1].pos_ in _OPEN_ENDS


def hard_wrap(before: str, after: str) -> bool:
    """Whether the break between two lines of a block is a hard wrap inside a sentence."""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after or before[-1] in _CLOSING_MARKS or _TEASER_END.search(before):
        return False
    if after[0].islower() or before[-1] in ",-–—(":
        return True
    return _ends_open(before)


def paragraphs(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph: a blank-line block, or a line of it that stands alone."""
    start = end = None
    for line_start, line_end in _lines(body):
        if start is not None and (body[end:line_start].count("\n") > 1
                                  or not hard_wrap(body[start:end], body[line_start:line_end])):
            yield _strip(body, start, end)
            start = None
        start = line_start if start is None else start
        end = line_end
    if start is not None:
        yield _strip(body, start, end)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


# Pieces within the limits ---------------------------------------------------------------------------

def _last_cut(window: str, pattern: re.Pattern[str]) -> tuple[int, int] | None:
    """(end of the piece, start of the next) at the last match of `pattern` in the window that leaves text before it."""
    last = None
    for match in pattern.finditer(window):
        if match.start(1) > 0:
            last = match.span(1)
    return last


def _pieces(text: str, start: int, end: int, limit: int, cuts: tuple[re.Pattern[str], ...]) -> list[tuple[int, int]]:
    """Spans of at most `limit` characters covering text[start:end], cut at the last match of the first of
    `cuts` found in each window, else at the limit; white space around a piece is left out."""
    spans = []
    while end - start > limit:
        window = text[start:start + limit]
        cut = next((c for c in (_last_cut(window, p) for p in cuts) if c), (limit, limit))
        spans.append((start, start + cut[0]))
        start += cut[1]
    spans.append((start, end))
    stripped = [_strip(text, first, last) for first, last in spans]
    return [(first, last) for first, last in stripped if last > first]


def _segments(text: str) -> Iterator[str]:
    """pysbd's sentences of `text`, each with the whitespace after it, as pysbd's char spans locate them (the
    first occurrence that ends after the sentence before) but found with str.find: pysbd compiles a pattern for
    every sentence to locate it."""
    prior = 0
    for sentence in _segmenter().processor(text).process() if text else []:
        at = 0
        while (found := text.find(sentence, at)) >= 0:
            end = found + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > prior:
                yield text[found:end]
                prior = end
                break
            at = max(end, found + 1)


def _sentence_spans(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of body[start:end] by pysbd, located in order so repeated sentences keep their place."""
    paragraph = body[start:end]
    spans = []
    cursor = 0
    for piece in _segments(_parse_text(paragraph)):
        text = piece.strip()
        if not text:
            continue
        found = _parse_text(paragraph).find(text, cursor)
        if found < 0:  # pysbd changed the text; fall back to the rest of the paragraph
            spans.append(_strip(paragraph, cursor, len(paragraph)))
            break
        spans.append((found, found + len(text)))
        cursor = found + len(text)
    return [(start + first, start + last) for first, last in spans if last > first]


# The reader -----------------------------------------------------------------------------------------

@dataclass
class _Span:
    start: int
    end: int
    furniture: str | None = None
    doc: Doc | None = None


class _Reader:
    """Reads one article's sentences in order, one paragraph piece at a time."""

    def __init__(self, body: str, limits: Limits | None, title: str | None, furniture: Furniture):
        self.body = body
        self.limits = limits
        self.title = fold(title.strip()).rstrip(".") if title and title.strip() else None
        self.furniture = furniture
        self.index = 0

    # whole paragraphs -------------------------------------------------------------------------------

    def paragraph_kind(self, start: int, end: int) -> str | None:
        """The kind of furniture a stand-alone paragraph is by its typography, or None."""
        text = self.body[start:end]
        if self.title and fold(text).rstrip(".").strip() == self.title:
            return HEADLINE
        if _TEASER_END.search(text):
            return STANDFIRST  # a standfirst cut short by the page: seen in one outlet only (Syria Direct)
        if len(text) <= _DATE_LINE_CHARS and _full_date(text):
            return DATE
        if len(text) <= _TOOLS_LINE_CHARS:
            line = self.furniture.line_kind(pipeline().make_doc(_parse_text(text)))  # the patterns read words only
            return line[0] if line and line[1] >= len(text) else None
        return None

    def head(self, paragraphs: list[tuple[int, int, str | None]]) -> tuple[list[tuple[int, int, str | None]], int]:
        """The kinds of the paragraphs of the page head, and the number of paragraphs it has: up to the last
        furniture line within the head window, or up to the paragraph a dateline opens. A line of the head
        that no mark types is its standfirst; two such lines in a row are report, and the head ends before."""
        last, gap = -1, 0
        paragraphs = [(start, end, CAPTION if kind is None and _is_caption_line(self.body[start:end]) else kind)
                      for start, end, kind in paragraphs]
        for number, (start, _, kind) in enumerate(paragraphs):
            if kind is None and _DATELINE.match(self.body[start:]):
                last = number - 1
                break
            gap = 0 if kind in HEAD_KINDS else gap + 1
            if gap > 1:
                break
            if kind in HEAD_KINDS:
                last = number
        head = [(start, end, kind or STANDFIRST) for start, end, kind in paragraphs[:last + 1]]
        return head, last + 1

    # the first report paragraph: stamp, headline, credits, dateline ----------------------------------

    def _window(self, start: int, end: int) -> Doc:
        """The words of the head window from `start` (furniture at the start of the report is looked for in them;
        the patterns read the words only, so the tokenizer is enough)."""
        return pipeline().make_doc(_parse_text(self.body[start:min(end, start + self.furniture.head_window)]))

    def _stamp_at(self, doc: Doc, first: int) -> int | None:
        """The token after a date stamp (with its lead words) that begins at token `first` of `doc`, or None."""
        leads = [end for _, start, end in self.furniture.leads(doc[first:first + _STAMP_TOKENS])]
        lead = first + max(leads, default=0)
        if lead >= len(doc) or not (doc[lead].like_num or doc[lead].is_title):
            return None
        best = None
        for stop in range(lead + 1, min(len(doc), lead + _STAMP_TOKENS) + 1):
            last = doc[stop - 1].text
            if (_YEAR_END.search(last) or (best and _CLOCK.fullmatch(last))) and _full_date(doc[lead:stop].text):
                best = stop
        return best if best is None or best >= len(doc) or doc[best].text != "," else None

    def _title_at(self, start: int, end: int) -> int | None:
        """The end of the headline when the title is printed at `start` (with its full stop), or None."""
        if not self.title:
            return None
        text = fold(self.body[start:min(end, start + len(self.title) + 1)])
        if not text.startswith(self.title):
            return None
        stop = start + len(self.title)
        mark = re.match(r"\s*[.!?]", self.body[stop:stop + 3])
        return stop + mark.end() if mark else stop

    def head_pieces(self, start: int, end: int) -> tuple[list[_Span], int]:
        """Furniture at the start of the first report paragraph (date stamp, byline, headline, agency
        credit, dateline), and where the report begins."""
        doc = self._window(start, end)
        pieces: list[_Span] = []
        token = 0
        for _ in range(6):  # stamp, byline, headline, credit, stamp, dateline
            if token >= len(doc):
                break
            position = start + doc[token].idx
            # a stamp opens the text or follows the headline: "On Friday, 20 March 2015, …" opens a report
            at_top = not self.body[:position].strip() or bool(pieces)
            stamp = self._stamp_at(doc, token) if at_top else None
            title = self._title_at(position, end)
            if stamp is not None:
                pieces.append(_Span(position, start + doc[stamp - 1].idx + len(doc[stamp - 1]), STAMP))
                token = self._byline(doc, start, stamp, pieces)
            elif title is not None:
                pieces.append(_Span(position, title, HEADLINE))
                token = self._credit(doc, start, _token_at(doc, title - start), pieces)
            else:
                dateline = _DATELINE.match(self.body[position:end])
                if dateline:
                    pieces.append(_Span(position, position + dateline.end(1), DATELINE))
                    token = _token_at(doc, position + dateline.end() - start)
                break
        report = start + doc[token].idx if token < len(doc) else end
        return [_Span(*_strip(self.body, p.start, p.end), p.furniture) for p in pieces if p.end > p.start], report

    def _byline(self, doc: Doc, start: int, token: int, pieces: list[_Span]) -> int:
        """After a stamp: a few words followed by the headline are its byline ("… by Jordan Dakamseh")."""
        if not self.title:
            return token
        for stop in range(token + 1, min(len(doc), token + _BYLINE_TOKENS + 1)):
            if self._title_at(start + doc[stop].idx, start + len(doc.text)) is not None:
                pieces.append(_Span(start + doc[token].idx, start + doc[stop - 1].idx + len(doc[stop - 1]), BYLINE))
                return stop
        return token

    def _credit(self, doc: Doc, start: int, token: int, pieces: list[_Span]) -> int:
        """After a headline: a short credit in capitals followed by a date stamp ("Monitor AFP Sunday 3 Jul
        2016") is furniture."""
        for stop in range(token + 1, min(len(doc), token + 4)):
            if not doc[stop - 1].text[:1].isupper():
                break
            if self._stamp_at(doc, stop) is not None:
                pieces.append(_Span(start + doc[token].idx, start + doc[stop - 1].idx + len(doc[stop - 1]), CREDIT))
                return stop
        return token

    # sentences -------------------------------------------------------------------------------------

    def sentences_of(self, start: int, end: int, head: tuple[_Span, ...] | list[_Span] = ()) -> list[_Span]:
        """The sentences of one paragraph piece, parsed (with the `head` pieces before it), furniture marked."""
        spans = []
        limits = self.limits
        for first, last in _sentence_spans(self.body, start, end):
            if limits is None or last - first <= limits.max_sentence_chars:
                spans.append(_Span(first, last))
            else:
                spans += [_Span(a, b) for a, b in _pieces(self.body, first, last, limits.max_sentence_chars, (_SPACE,))]
        self._parse([*head, *spans])
        return self._split(spans)

    def _parse(self, spans: list[_Span]) -> None:
        """Parse the spans that have no parse yet, in one call of the pipeline."""
        spans = [s for s in spans if s.doc is None]
        for span, doc in zip(spans, parse([_parse_text(self.body[s.start:s.end]) for s in spans]), strict=True):
            span.doc = doc

    def _split(self, spans: list[_Span]) -> list[_Span]:
        """Each sentence with its line kind, and with bracketed credits and `anywhere` furniture cut off."""
        result = [part for span in spans for part in self._parts(span)]
        self._parse(result)  # the pieces a sentence was cut into
        for before, part in zip(result, result[1:], strict=False):
            if part.furniture == CREDIT and before.furniture is None and _is_caption(before):
                before.furniture = CAPTION
        return result

    def _parts(self, span: _Span) -> list[_Span]:
        text = self.body[span.start:span.end]
        line = self.furniture.line_kind(span.doc)
        if line and line[1] >= len(text.rstrip()):
            return [_Span(span.start, span.end, line[0], span.doc)]
        if line:  # "SEND httpsabahdai.ly912r3U A twin bombing struck …": the share line, then the report
            return [_Span(span.start, span.start + line[1], line[0]), _Span(*_strip(self.body, span.start + line[1], span.end))]
        parts = []
        first = _CREDIT_FIRST.match(text)
        if first and first.end() < len(text):
            parts.append(_Span(span.start, span.start + first.end(1), CREDIT))
            span = _Span(span.start + first.end(), span.end)
            text = self.body[span.start:span.end]
        elif first:
            return [_Span(span.start, span.end, CREDIT, span.doc)]
        last = _CREDIT_AFTER_STOP.search(text)
        cut = self.furniture.cut(span.doc) if not parts else None
        if cut and cut[0] > 0:
            parts += [_Span(*_strip(self.body, span.start, span.start + cut[0])),
                      _Span(span.start + cut[0], span.end, cut[1])]
        elif cut:
            parts.append(_Span(span.start, span.end, cut[1], span.doc))
        elif last:
            parts += [_Span(*_strip(self.body, span.start, span.start + last.start(1))),
                      _Span(span.start + last.start(1), span.start + last.end(1), CREDIT)]
        else:
            parts.append(span)
        return [p for p in parts if p.end > p.start]

    def close_head(self, spans: list[_Span], start: int) -> None:
        """Sentences of the first report paragraph before a credit or page tools ("Tags") within the head
        window are its standfirst (the one the credit closes its caption)."""
        limit = start + self.furniture.head_window
        closing = [n for n, s in enumerate(spans) if s.start < limit and s.furniture in (CREDIT, PAGE_TOOLS)]
        if not closing:
            return
        for span in spans[:closing[-1]]:
            if span.furniture is None:
                span.furniture = STANDFIRST

    # the whole text -----------------------------------------------------------------------------------

    def read(self) -> Iterator[Sentence]:
        found = paragraphs(self.body)
        opening: list[tuple[int, int, str | None]] = []
        beyond: list[tuple[int, int]] = []
        for start, end in found:  # the paragraphs within the head window, for the page head
            if opening and start - opening[0][0] > self.furniture.head_window:
                beyond.append((start, end))
                break
            opening.append((start, end, self.paragraph_kind(start, end)))
        head, count = self.head(opening)
        number = 0
        for start, end, kind in head:
            yield from self._emit(number, self.sentences_with_kind(start, end, kind))
            number += 1
        first_report = True
        rest = ((start, end, self.paragraph_kind(start, end)) for start, end in chain(beyond, found))
        for start, end, kind in chain(opening[count:], rest):
            if kind:
                yield from self._emit(number, self.sentences_with_kind(start, end, kind))
            else:
                yield from self._emit(number, self.report_paragraph(start, end, first_report))
                first_report = False
            number += 1

    def sentences_with_kind(self, start: int, end: int, kind: str) -> Iterator[_Span]:
        for piece_start, piece_end in self._limited(start, end):
            for span in self.sentences_of(piece_start, piece_end):
                span.furniture = span.furniture or kind
                yield span

    def report_paragraph(self, start: int, end: int, first: bool) -> Iterator[_Span]:
        """The sentences of a report paragraph; the first one opens with the page head's furniture."""
        pieces: list[_Span] = []
        if first:
            pieces, start = self.head_pieces(start, end)
        for number, (piece_start, piece_end) in enumerate(self._limited(start, end)):
            spans = self.sentences_of(piece_start, piece_end, pieces)  # the head's pieces parsed with them
            if first and number == 0:
                self.close_head(spans, start)
            yield from pieces
            yield from spans
            pieces = []
        self._parse(pieces)  # a paragraph that is all head
        yield from pieces

    def _limited(self, start: int, end: int) -> list[tuple[int, int]]:
        if start >= end:
            return []
        if self.limits is None or end - start <= self.limits.max_paragraph_chars:
            return [(start, end)]
        return _pieces(self.body, start, end, self.limits.max_paragraph_chars, (_SENTENCE_END, _SPACE))

    def _emit(self, paragraph: int, spans: Iterator[_Span]) -> Iterator[Sentence]:
        for span in spans:
            if span.end <= span.start:
                continue
            text = self.body[span.start:span.end]
            yield Sentence(self.index, paragraph, span.start, span.end, text, span.furniture, span.doc)
            self.index += 1


def _is_caption_line(text: str) -> bool:
    """Whether a paragraph is a short line closed by a credit: "Al-Nusra Front attacks the base. (YouTube/Al-Nusra)"."""
    return len(text) <= _CAPTION_CHARS and "\n" not in text and _CREDIT_AFTER_STOP.search(text) is not None


def _token_at(doc: Doc, offset: int) -> int:
    """The first token of `doc` that starts at or after character `offset`."""
    return next((t.i for t in doc if t.idx >= offset), len(doc))


def _is_caption(span: _Span) -> bool:
    """Whether the sentence before a bracketed credit is a photo caption: it tells in the present what a
    picture shows, or has no verb."""
    doc = span.doc
    if doc is None:
        return False
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    return root is None or root.tag_ in _CAPTION_TAGS or not any(t.pos_ in ("VERB", "AUX") for t in doc)


def read_sentences(body: str, limits: Limits | None = None, title: str | None = None,
                   furniture: Furniture | None = None) -> Iterator[Sentence]:
    """Every sentence of `body` in order, with its parse and furniture kind, one paragraph piece at a time
    as they are asked for (a reader that stops early leaves the rest of the text unread). `title` is the
    article's headline, recognised wherever the page repeats it."""
    yield from _Reader(body, limits, title, furniture or default_furniture()).read()

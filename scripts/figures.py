"""Extract numeric claims from sentences: value, bounds, qualifier, category, subject and claimant.

The words come from the figure lexicon (seeds/reference/lexicon/figures.yml); this module only
knows how a number phrase is built (hedge, number, multiplier, noun) and where to look for cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BuildError
from .extraction.structure import Sentence
from .textnorm import fold

DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
PEOPLE = "people"
UNKNOWN_UNIT = "unknown"  # what the number counts could not be read; the figure goes to its article's review report


@dataclass(frozen=True)
class NotUnderstood:
    """A number phrase the figure reader could not read; listed in the article's review report."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Figure:
    """A numeric claim found in a sentence; offsets are absolute in the article body."""

    sentence: Sentence
    number_start: int
    number_end: int
    value: float
    value_low: float | None
    value_high: float | None
    qualifier: str
    category: str
    unit: str  # what the value counts or measures: people, strikes, km …
    subject: str
    is_part: bool  # a sub-count of a larger figure ("including eight children")
    cumulative: bool = False  # a running total of the whole war: it belongs to no single event


def _words_re(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class FigureFinder:
    """Number phrases of a sentence, read with the figure lexicon."""

    def __init__(self, lexicon: dict):
        self.lex = lexicon
        self.number_words = {fold(k): v for k, v in lexicon["number_words"].items()}
        self.multipliers = {fold(k): v for k, v in lexicon["multipliers"].items()}
        self.vague = {fold(k): v for k, v in lexicon["vague_numbers"].items()}
        self.qualifiers = {fold(k): v for k, v in lexicon["qualifiers"].items()}
        self.attached_units = [fold(u) for u in lexicon.get("attached_units", [])]
        number = rf"(?:{DIGITS}|(?:{_words_re(self.number_words)}))"
        multiplier = rf"(?:\s+(?:{_words_re(self.multipliers)}))?"
        self._number_re = re.compile(
            rf"(?<![a-z0-9,.])(?<![a-z]-)(?:(?P<qual>{_words_re(self.qualifiers)})\s+)?"
            rf"(?:(?P<vague>{_words_re(self.vague)})|(?P<num>{number}(?:{multiplier}))"
            rf"(?:\s+(?:to|and|or)\s+(?P<num2>{number}(?:{multiplier})))?)"
            rf"(?:(?![a-z0-9])|(?=(?:{_words_re(self.attached_units)})(?![a-z])))"
        )
        self._after_stop = {fold(w) for w in lexicon["not_a_count_after"]}
        self._before_stop = {fold(w) for w in lexicon["not_a_count_before"]}
        self._not_counts = re.compile(rf"^(?:{_words_re(fold(p) for p in lexicon['not_a_count_phrases'])})\b")
        self.person_nouns = sorted({fold(n) for n in lexicon["person_nouns"]}, key=len, reverse=True)
        self.armed_nouns = {fold(n) for n in lexicon.get("armed_person_nouns", [])}
        self.noun_category: dict[str, str] = {}
        self.cue_category: list[tuple[re.Pattern[str], str]] = []
        for category, spec in lexicon["categories"].items():
            for noun in spec.get("nouns") or []:
                self.noun_category[fold(noun)] = category
            for cue in spec.get("cues") or []:
                self.cue_category.append((re.compile(rf"(?<![a-z]){fold(cue)}(?![a-z])"), category))
        units = lexicon["units"]
        self.category_units = dict(units["by_category"])
        self.noun_units = {fold(noun): unit for noun, unit in units["by_noun"].items()}
        missing = set(lexicon["categories"]) - set(self.category_units) - {"distance", "other"}
        if missing:
            raise BuildError(f"lexicon/figures.yml: units.by_category gives no unit for {', '.join(sorted(missing))}")
        self._cumulative = [re.compile(cue) for cue in lexicon.get("cumulative_cues", [])]
        all_nouns = set(self.noun_category) | set(self.person_nouns)
        self._noun_re = re.compile(rf"(?<![a-z])(?:{_words_re(all_nouns)})(?![a-z])")
        self._sub_before = re.compile(rf"(?:{_words_re(fold(c) for c in lexicon['sub_count_before'])})\b[^.;]{{0,25}}$")
        self._sub_after = re.compile(rf"^[^.;]{{0,40}}\b(?:{_words_re(fold(c) for c in lexicon['sub_count_after'])})\b")

    # -- reading one number phrase -------------------------------------------------------------

    def _to_number(self, text: str) -> float | None:
        """The value of a number phrase; None when its words are not a number the lexicon knows."""
        words = text.split()
        mult = 1
        if text not in self.number_words and len(words) > 1 and words[-1] in self.multipliers:  # "a hundred" is a word
            mult = self.multipliers[words[-1]]
            text = " ".join(words[:-1])
        try:
            return float(self.number_words.get(text, text.replace(",", ""))) * mult
        except (TypeError, ValueError):
            return None

    def _is_count(self, folded: str, start: int, end: int, value: float, raw: str) -> bool:
        before = folded[max(0, start - 12):start].split()
        if before and before[-1] in self._before_stop:
            return False
        after = folded[end:end + 14].lstrip(" -")
        first_word = re.split(r"[\s,.;:)\]—-]", after, maxsplit=1)[0] if after else ""
        if first_word in self._after_stop or after.startswith(tuple(w for w in self._after_stop if " " in w)):
            return False
        if re.fullmatch(r"(?:19|20)\d\d", raw) and not self._noun_re.match(after):
            return False
        if self._not_counts.match(folded[start:]):
            return False
        return True

    def _head_noun(self, folded: str, end: int) -> re.Match[str] | None:
        """The counted noun: within five words after the number, across adjectives and a dash."""
        window = re.split(r"[,.;:()\[\]\"]", folded[end:end + 60], maxsplit=1)[0]
        match = self._noun_re.search(window)
        return match if match and len(window[:match.start()].split()) <= 4 else None

    def _noun_before(self, folded: str, start: int) -> re.Match[str] | None:
        """The counted noun named before the number ("the number of prisoners ... is 250")."""
        before = folded[:start]
        nouns = list(self._noun_re.finditer(before))
        for match in nouns:
            if re.search(r"\bnumber\s+of\s+(?:[a-z-]+\s+){0,2}$", before[:match.start()]):
                return match
        return nouns[-1] if nouns else None

    def _unit(self, category: str, noun: str | None) -> str:
        """The measure written with the number, else its category's unit, else people for a noun naming people."""
        if noun in self.noun_units:
            return self.noun_units[noun]
        if category in self.category_units:
            return self.category_units[category]
        return PEOPLE if noun in self.person_nouns else UNKNOWN_UNIT

    def _cues(self, folded: str) -> list[tuple[int, int, str]]:
        """(start, end, category) of every category cue in the sentence, cue by cue in the lexicon's order."""
        return [(match.start(), match.end(), category) for pattern, category in self.cue_category
                for match in pattern.finditer(folded)]

    def _category(self, cues: list[tuple[int, int, str]], noun: str | None, start: int, end: int) -> str:
        if noun in self.noun_category and noun not in self.person_nouns:
            return self.noun_category[noun]
        best: tuple[int, str] | None = None
        for cue_start, cue_end, category in cues:
            distance = start - cue_end if cue_end <= start else cue_start - end
            if distance < 0:
                continue
            if best is None or distance < best[0]:
                best = (distance, category)
        if noun in self.noun_category and (best is None or self.noun_category[noun] in ("population",)):
            return self.noun_category[noun]
        if best is not None:
            return best[1]
        if noun in self.armed_nouns:
            return "fighters"
        return "other"

    def find(self, sentence: Sentence, not_understood: list[NotUnderstood] | None = None) -> list[Figure]:
        """Every numeric claim in the sentence; number phrases it cannot read go to `not_understood`."""
        folded = fold(sentence.text)
        figures: list[Figure] = []
        cues: list[tuple[int, int, str]] | None = None  # read once a number needs them
        cumulative: bool | None = None
        for match in self._number_re.finditer(folded):
            qual_word = match.group("qual")
            if match.group("vague"):
                spec = self.vague[match.group("vague")]
                value, low, high, qualifier = float(spec["low"]), spec["low"], spec["high"], "vague"
                raw = match.group("vague")
                num_end = match.end("vague")
            else:
                raw = match.group("num")
                num_end = match.end()
                value = self._to_number(raw)
                second = self._to_number(match.group("num2")) if match.group("num2") else None
                if value is None or (match.group("num2") and second is None):
                    if not_understood is not None:
                        not_understood.append(NotUnderstood(sentence.start + match.start(), sentence.start + num_end,
                                                            sentence.text[match.start():num_end],
                                                            "a number phrase whose words are not in lexicon/figures.yml"))
                    continue
                if not self._is_count(folded, match.start(), num_end, value, raw):
                    continue
                qualifier = self.qualifiers[qual_word] if qual_word else "exact"
                low, high = value, value
                if second is not None:
                    qualifier, low, high = "range", value, second
                elif qualifier in ("at_least", "more_than"):
                    high = None
                elif qualifier in ("nearly", "up_to", "fewer_than"):
                    low = None
                elif qualifier == "about":
                    low = high = None
            noun_match = self._head_noun(folded, num_end)
            noun = noun_match.group() if noun_match else None
            if noun is None and match.group("vague"):
                continue  # "a number of" with nothing counted after it is not a figure
            if noun is None:
                back = self._noun_before(folded, match.start())
                noun = back.group() if back else None
                subject = sentence.text[back.start():back.end()] if back else ""
            else:
                subject = sentence.text[num_end:num_end + noun_match.end()].strip(" -—")
            cues = self._cues(folded) if cues is None else cues
            category = self._category(cues, noun, match.start(), num_end)
            if noun is None and category == "other":
                continue
            before = folded[:match.start()]
            is_part = bool(self._sub_before.search(before) or self._sub_after.search(folded[num_end:]))
            if cumulative is None:
                cumulative = any(cue.search(folded) for cue in self._cumulative)
            figures.append(Figure(
                sentence=sentence,
                number_start=sentence.start + match.start(),
                number_end=sentence.start + num_end,
                value=value,
                value_low=None if low is None else float(low),
                value_high=None if high is None else float(high),
                qualifier=qualifier,
                category=category,
                unit=self._unit(category, noun),
                subject=subject or noun or category,
                is_part=is_part,
                cumulative=cumulative,
            ))
        return figures

"""Reviewers' corrections, kept as data in seeds/reviews/<article_id>.yml and applied on every build.

A review file corrects what the extractor read from one article: it rejects false events or figures,
fixes an event's date, type, place, actors or fatalities, adds figures the extractor missed, and confirms
the rows a person read and found right (changing no value). Every
correction names the row it corrects by its evidence, a quote of the article (the event reported
there, the figure whose number is there), never by an id or a value the extractor derived, so it keeps
applying when the extractor reads the sentence differently; and every correction names its reason.
Applying them marks each touched row `review_status = reviewed` (the others stay `machine`) and records
the correction in the `reviews` table; a correction whose row is no longer there is listed as stale
(STALE_REVIEWS, for the review and build reports) and the build goes on. The extractor's own output
(what `make evaluate` measures) is never changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import ids
from .control_chars import escaped
from .errors import BuildError
from .seeds import PublishedLimits, resolves_inside
from .shapes import check_shape
from .tables import NO_FATALITIES, STALE_REVIEWS, event_point, fatality_bounds, link_parts
from .yaml_in import read_yaml

REVIEW_DIR = "reviews"
MACHINE, REVIEWED = "machine", "reviewed"
REVIEWED_TABLES = ("events", "figures")  # the tables whose rows carry review_status
EVENT_FIXES = ("event_date", "event_date_end", "date_precision", "event_type", "sub_event_type", "place_id",
               "fatalities")
LOCATION = ("quote", "occurrence")  # how a correction names its row: a passage of the article
REPORTED_AS = "reported_as"  # the sub-event type the extractor gave the event: tells apart events of one passage
ACTORS = "actors"  # an event fix's actors: role → actor ids, replacing the extractor's roles
CONFIRM = "confirm"  # a row a person read and found right: marked reviewed, no value changed
CONFIRMED = {"events": ("event_date", "event_date_end", "date_precision", "event_type", "sub_event_type", "place_id",
                        ACTORS),  # the reading a confirmation may state: it is stale when the row reads otherwise
             "figures": ("unit", "qualifier", "category", "subject", "subject_side", "event_id", "place_id",
                         "claimed_by_actor_id")}
FIGURE_FIELDS = ("quote", "occurrence", "number", "value", "value_word", "value_low", "value_high", "unit", "qualifier",
                 "category", "subject", "subject_side", "event_id", "place_id", "claimed_by_actor_id", "part_of_figure_id",
                 "reason")
SECTIONS = {"events": ("reject", "fix", CONFIRM), "figures": ("reject", "add", CONFIRM)}


@dataclass(frozen=True)
class Review:
    """One article's review file, read and checked for shape (not yet against the rows)."""

    article_id: str
    path: Path
    reviewer: str
    events: dict
    figures: dict


def _fail(path: Path, where: str, problem: str) -> BuildError:
    return BuildError(f"{path}: {where}: {problem}")


def _check_entries(path: Path, section: str, action: str, entries, key: str | None) -> None:
    if not isinstance(entries, list):
        raise _fail(path, f"{section}.{action}", "expected a list of corrections")
    for n, entry in enumerate(entries):
        where = f"{section}.{action}[{n}]"
        if not isinstance(entry, dict):
            raise _fail(path, where, "expected a mapping")
        if not str(entry.get("reason") or "").strip():
            raise _fail(path, where, "every correction needs a reason")
        allowed = {"fix": {*LOCATION, "reason", *EVENT_FIXES, ACTORS},
                   "add": set(FIGURE_FIELDS)}.get(action, {*LOCATION, "reason"})
        if action == CONFIRM:
            allowed |= set(CONFIRMED[section])
        if section == "figures" and action in ("reject", CONFIRM):
            allowed.add("value")
        if section == "events":
            allowed.add(REPORTED_AS)
        unknown = sorted(set(entry) - allowed)
        if unknown:
            hint = "; a correction names its row by a quote of the article, not by its id" if {
                "event_id", "figure_id"} & set(unknown) and action != "add" else ""
            raise _fail(path, where, f"unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))}){hint}")
        if key and not entry.get(key):
            raise _fail(path, where, f"missing {key}")


def read_review(path: Path, article_ids: set[str]) -> Review:
    data = read_yaml(path, "review file")
    check_shape(data, path, "review.schema.json")
    if not isinstance(data, dict):
        raise BuildError(f"{path}: expected a mapping with reviewer, events and figures")
    article_id = path.stem
    if article_id not in article_ids:
        raise BuildError(f"{path}: no article {article_id!r} in the seeds (a review file is named after its article)")
    unknown = sorted(set(data) - {"reviewer", *SECTIONS})
    if unknown:
        raise BuildError(f"{path}: unknown key(s) {', '.join(unknown)} (allowed: reviewer, events, figures)")
    if not str(data.get("reviewer") or "").strip():
        raise BuildError(f"{path}: reviewer: say who reviewed the article")
    sections = {}
    for section, actions in SECTIONS.items():
        spec = data.get(section) or {}
        if not isinstance(spec, dict) or set(spec) - set(actions):
            raise _fail(path, section, f"expected a mapping with {' and/or '.join(actions)}")
        for action in actions:
            _check_entries(path, section, action, spec.get(action) or [], "quote")
        sections[section] = {action: spec.get(action) or [] for action in actions}
    return Review(article_id, path, str(data["reviewer"]).strip(), sections["events"], sections["figures"])


def read_reviews(seeds_dir: Path, article_ids: set[str]) -> list[Review]:
    """Every review file of seeds/reviews/, in article order."""
    folder = seeds_dir / REVIEW_DIR
    if not folder.is_dir():
        return []
    for path in sorted(folder.iterdir()):  # a review file named otherwise would be skipped without a word
        if not (path.name.startswith(".") or path.name == "README.md" or (path.suffix == ".yml" and path.is_file())):
            raise BuildError(f"{escaped(str(path))}: unexpected in {folder}, which holds review files named "
                             "<article_id>.yml (lower-case .yml) and a README.md")
        if path.suffix == ".yml" and not resolves_inside(path, seeds_dir):
            raise BuildError(f"{escaped(str(path))}: a link to a file outside {seeds_dir}, which a review file may not be")
    return [read_review(path, article_ids) for path in sorted(folder.glob("*.yml"))]


def _read_value(figure: dict) -> float:
    """The number a figure's words give: its value, or a vague word's low bound (the value a review names)."""
    return figure["value"] if figure["value"] is not None else figure["value_low"]


def _shown(value) -> str:
    return "(none)" if value is None else str(value)


def _roles_shown(rows: list[dict]) -> str | None:
    return "; ".join(f"{row['role']} {row['actor_id']}" for row in sorted(rows, key=lambda r: (r["role"], r["actor_id"]))) or None


def _actor1(pairs: list[tuple[str, str]]) -> str | None:
    """An event's actor 1: its first attacker, or in a development without one its first participant."""
    firsts = {role: actor for actor, role in reversed(pairs)}
    return firsts.get("attacker") or firsts.get("participant")


def _actor2(pairs: list[tuple[str, str]]) -> str | None:
    return {role: actor for actor, role in reversed(pairs)}.get("target")


def role_names(schema) -> tuple[str, ...]:
    """The roles an event's actor may hold: the enum of event_actors.role in the data package's tables."""
    table = next(t for t in schema if t.name == "event_actors")
    return tuple(next(f for f in table.fields if f["name"] == "role")["constraints"]["enum"])


def _index(rows: list[dict], key: str) -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        index[row[key]].append(row)
    return index


class _Applier:
    """Applies review files to a copy of the extracted rows. The rows are indexed once, so that a correction
    looks up the rows it touches; rejected rows are left out when the corrections are finished."""

    def __init__(self, rows: dict[str, list[dict]], lexicon_units: dict[str, str], published: PublishedLimits | None,
                 roles: tuple[str, ...]):
        self.rows = {name: [dict(row) for row in table] for name, table in rows.items()}  # rows hold plain values
        self.units = lexicon_units
        self.published = published
        self.roles = roles
        self.actor_ids = {actor["actor_id"] for actor in self.rows["actors"]}
        self.new_roles: dict[str, list[dict]] = {}  # event id → its event_actors rows as a review sets them
        self.records: list[dict] = []
        self.record_counts: Counter[str] = Counter()
        self.fixed_fatalities: set[str] = set()
        for table in REVIEWED_TABLES:
            for row in self.rows[table]:
                row["review_status"] = MACHINE
        self.events = {event_id: found[0] for event_id, found in _index(self.rows["events"], "event_id").items()}
        self.figures = {figure_id: found[0] for figure_id, found in _index(self.rows["figures"], "figure_id").items()}
        self.figures_of_event = _index(self.rows["figures"], "event_id")
        self.figures_of_article = _index(self.rows["figures"], "article_id")
        self.parts_of = _index(self.rows["figures"], "part_of_figure_id")
        self.places = {place["place_id"]: place for place in reversed(self.rows["places"])}
        self.place_names: dict[str, set[str]] = defaultdict(set)
        for place in self.rows["places"]:
            self.place_names[place["place_id"]].add(place["name"])
        for alias in self.rows["place_aliases"]:
            self.place_names[alias["place_id"]].add(alias["alias"])
        self.mentions_of_article = _index(self.rows["event_mentions"], "article_id")
        self.bodies = {a["article_id"]: a["body"] for a in self.rows["articles"]}
        self.stale: list[dict] = []
        self.rejected_events: set[str] = set()
        self.rejected_figures: set[int] = set()  # id() of the rejected figure rows

    def _record(self, review: Review, table: str, target: str, action: str, changes: str, reason: str) -> None:
        self.record_counts[review.article_id] += 1
        self.records.append({
            "review_id": ids.review_id(review.article_id, self.record_counts[review.article_id]),
            "article_id": review.article_id, "reviewer": review.reviewer, "target_table": table, "target_id": target,
            "action": action, "changes": changes, "reason": " ".join(str(reason).split()),
        })

    def _stale(self, review: Review, where: str, entry: dict, problem: str) -> None:
        """A correction whose row is gone (the extractor no longer reads it there): listed, not applied."""
        self.record_counts[review.article_id] += 1  # the next corrections keep their review_id
        asked = "; ".join(f"{k}: {_shown(entry[k])}" for k in entry if k not in (*LOCATION, "reason"))
        asked = asked or where.split("[")[0].split(".")[-1]  # a reject or confirm that states nothing: its action
        self.stale.append({"article_id": review.article_id, "where": where, "quote": " ".join(str(entry["quote"]).split()),
                           "asked": asked, "problem": problem, "reason": " ".join(str(entry["reason"]).split())})

    def _passage(self, review: Review, where: str, entry: dict) -> tuple[int, int]:
        """Start and end of the entry's quote in its article (bad input, not stale, when it is not there: the
        article's text does not change with the extractor)."""
        body, quote = self.bodies[review.article_id], str(entry["quote"])
        starts, at = [], body.find(quote)
        while at != -1:
            starts.append(at)
            at = body.find(quote, at + 1)
        occurrence = int(entry.get("occurrence", 1 if len(starts) == 1 else 0))
        if not starts:
            raise _fail(review.path, where, f"the quote is not in the article: {quote[:60]!r}")
        if not 1 <= occurrence <= len(starts):
            raise _fail(review.path, where, f"the quote occurs {len(starts)} times: say which with occurrence: 1..{len(starts)}")
        return starts[occurrence - 1], starts[occurrence - 1] + len(quote)

    def _names_place(self, event: dict, quote: str) -> bool:
        return any(name in quote for name in self.place_names.get(event["place_id"], ()))

    def _event(self, review: Review, where: str, entry: dict) -> dict | None:
        """The event this article reports in the quoted passage: the one whose sentences overlap it most, and
        among equals the one whose place the quote names. None (and the entry is listed as stale) if there is
        none, or several."""
        start, end = self._passage(review, where, entry)
        overlap: dict[str, int] = {}
        reported_as = entry.get(REPORTED_AS)
        for mention in self.mentions_of_article.get(review.article_id, []):
            shared = min(end, mention["char_end"]) - max(start, mention["char_start"])
            event = self.events.get(mention["event_id"])
            if shared > 0 and event and reported_as in (None, event["sub_event_type"]):
                overlap[mention["event_id"]] = max(overlap.get(mention["event_id"], 0), shared)
        best = [event_id for event_id, shared in overlap.items() if shared == max(overlap.values())]
        if len(best) > 1:
            named = [event_id for event_id in best if self._names_place(self.events[event_id], str(entry["quote"]))]
            best = named or best
        if len(best) == 1:
            return self.events[best[0]]
        self._stale(review, where, entry, f"{len(best)} events of this article are reported there "
                    f"(quote the words that name the event's place, or give {REPORTED_AS})" if best
                    else "no event of this article is reported there any more"
                    + (f" as {reported_as}" if reported_as else ""))
        return None

    def _figure(self, review: Review, where: str, entry: dict) -> dict | None:
        """The article's figure whose number lies in the quoted passage (and has the entry's value, if given)."""
        start, end = self._passage(review, where, entry)
        found = [f for f in self.figures_of_article.get(review.article_id, [])
                 if f["figure_id"] in self.figures and (number := ids.figure_number(f["figure_id"]))
                 and start <= number[0] and number[1] <= end and entry.get("value") in (None, _read_value(f))]
        if len(found) == 1:
            return found[0]
        self._stale(review, where, entry, f"{len(found)} figures of this article have their number there (quote fewer "
                    "words, or give the value)" if found else "no figure of this article has its number there any more")
        return None

    def reject_event(self, review: Review, n: int, entry: dict) -> None:
        event = self._event(review, f"events.reject[{n}]", entry)
        if event is None:
            return
        event_id = event["event_id"]
        del self.events[event_id]
        self.rejected_events.add(event_id)
        for figure in self.figures_of_event.pop(event_id, []):
            if figure["event_id"] == event_id:
                figure["event_id"], figure["review_status"] = None, REVIEWED
        self._record(review, "events", event_id, "reject", "", entry["reason"])

    def fix_event(self, review: Review, n: int, entry: dict) -> None:
        where = f"events.fix[{n}]"
        changes = {k: entry[k] for k in EVENT_FIXES if k in entry}
        if not changes and ACTORS not in entry:
            raise _fail(review.path, where, f"nothing to fix (give one of {', '.join((*EVENT_FIXES, ACTORS))})")
        new_roles = self._roles(review, f"{where}.{ACTORS}", entry[ACTORS]) if ACTORS in entry else None
        event = self._event(review, where, entry)
        if event is None:
            return
        for key in ("event_date", "event_date_end"):
            if key in changes and changes[key] is not None:
                changes[key] = self._iso(review, f"{where}.{key}", changes[key])
                if self.published and not self.published.allow(date.fromisoformat(changes[key])):
                    raise _fail(review.path, f"{where}.{key}", f"{changes[key]} is not between "
                                f"{self.published.earliest.isoformat()} and {self.published.latest().isoformat()} "
                                f"(the limits of a publication date in {self.published.source})")
        if "place_id" in changes:
            place = self.places.get(changes["place_id"])
            if place is None:
                raise _fail(review.path, f"{where}.place_id", f"no place {changes['place_id']!r} in places.csv")
            event.update(event_point(place["latitude"], place["longitude"], place["geo_precision"]))
            event["geo_precision"] = place["geo_precision"]
        if "event_date" in changes:
            event["date_basis"] = "review"
            precision = changes.get("date_precision", event["date_precision"])
            void_end = precision == "day" or (event["event_date_end"] or "") <= changes["event_date"]
            if "event_date_end" not in changes and void_end:
                changes["event_date_end"] = None  # a day has no end date; an end before the new start is void
        if "fatalities" in changes:
            self.fixed_fatalities.add(event["event_id"])
        described_roles = []
        if new_roles is not None:
            before, after = self._set_roles(event, new_roles)
            changes["actor1_id"], changes["actor2_id"] = _actor1(new_roles), _actor2(new_roles)
            described_roles = [f"actors: {_shown(before)} → {_shown(after)}"] if before != after else []
        described = "; ".join([f"{k}: {_shown(event[k])} → {_shown(v)}" for k, v in changes.items() if event[k] != v]
                              + described_roles)
        event.update(changes)
        event["review_status"] = REVIEWED
        self._record(review, "events", event["event_id"], "fix", described, entry["reason"])

    def _roles(self, review: Review, where: str, actors) -> list[tuple[str, str]]:
        """An event fix's `actors` (role → actor ids, in order) as (actor, role) pairs, checked."""
        if not isinstance(actors, dict):
            raise _fail(review.path, where, "expected a mapping of role to a list of actor ids")
        pairs: list[tuple[str, str]] = []
        for role, actor_ids in actors.items():
            if self.roles and role not in self.roles:
                raise _fail(review.path, where, f"unknown role {role!r} (roles: {', '.join(self.roles)})")
            for actor_id in actor_ids or []:
                if actor_id not in self.actor_ids:
                    raise _fail(review.path, f"{where}.{role}", f"no actor {actor_id!r} in actors.yml")
                if actor_id in {actor for actor, _ in pairs}:
                    raise _fail(review.path, f"{where}.{role}", f"{actor_id} has two roles")
                pairs.append((actor_id, role))
        return pairs

    def _set_roles(self, event: dict, pairs: list[tuple[str, str]]) -> tuple[str | None, str | None]:
        """Replace the event's event_actors rows by the review's; returns the roles as they read before and after."""
        event_id, before = event["event_id"], self._roles_of(event)
        self.new_roles[event_id] = [{"event_id": event_id, "actor_id": actor, "role": role} for actor, role in sorted(pairs)]
        return before, _roles_shown(self.new_roles[event_id])

    def confirm(self, review: Review, section: str, n: int, entry: dict) -> None:
        """A row a person read and found right: marked reviewed, no value changed. Stale when the row is gone, or
        reads otherwise than the fields the entry states (the reading it confirms)."""
        where = f"{section}.{CONFIRM}[{n}]"
        stated = {key: entry[key] for key in CONFIRMED[section] if key in entry}
        if ACTORS in stated:
            stated[ACTORS] = _roles_shown([{"actor_id": actor, "role": role} for actor, role in
                                           self._roles(review, f"{where}.{ACTORS}", stated[ACTORS])])
        for key in ("event_date", "event_date_end"):
            if stated.get(key) is not None:
                stated[key] = self._iso(review, f"{where}.{key}", stated[key])
        row = self._event(review, where, entry) if section == "events" else self._figure(review, where, entry)
        if row is None:
            return
        read = {key: self._roles_of(row) if key == ACTORS else row[key] for key in stated}
        differ = [f"{key}: {_shown(read[key])}, not {_shown(value)}" for key, value in stated.items() if read[key] != value]
        if differ:
            self._stale(review, where, entry, f"the row reads {'; '.join(differ)}")
            return
        row["review_status"] = REVIEWED
        self._record(review, section, row["event_id" if section == "events" else "figure_id"], CONFIRM,
                     "; ".join(f"{key}: {_shown(value)}" for key, value in read.items()), entry["reason"])

    def _roles_of(self, event: dict) -> str | None:
        """The event's roles as they read now (a review's, once one has set them)."""
        event_id = event["event_id"]
        return _roles_shown(self.new_roles.get(event_id, [r for r in self.rows["event_actors"] if r["event_id"] == event_id]))

    def reject_figure(self, review: Review, n: int, entry: dict) -> None:
        figure = self._figure(review, f"figures.reject[{n}]", entry)
        if figure is None:
            return
        figure_id = figure["figure_id"]
        self.rejected_figures.add(id(figure))
        del self.figures[figure_id]
        for figure in self.parts_of.pop(figure_id, []):
            if figure["part_of_figure_id"] == figure_id:
                figure["part_of_figure_id"], figure["review_status"] = None, REVIEWED
        self._record(review, "figures", figure_id, "reject", "", entry["reason"])

    def add_figure(self, review: Review, n: int, entry: dict) -> None:
        where = f"figures.add[{n}]"
        quote = entry["quote"]
        start, _ = self._passage(review, where, entry)
        for key in ("value", "category", "subject"):
            if entry.get(key) in (None, ""):
                raise _fail(review.path, where, f"missing {key}")
        value = float(entry["value"])
        spellings = [str(entry["number"])] if entry.get("number") else [f"{value:,.0f}", f"{value:.0f}", f"{value:g}"]
        number = next(((quote.find(s), len(s)) for s in spellings if s in quote), None)
        if entry.get("number") and number is None:
            raise _fail(review.path, f"{where}.number", f"{entry['number']!r} is not in the quote")
        number_start, number_end = (start + number[0], start + number[0] + number[1]) if number else (start, start + len(quote))
        for key, table, known in (("event_id", "events", self.events), ("part_of_figure_id", "figures", self.figures)):
            if entry.get(key) and entry[key] not in known:
                self._stale(review, f"{where}.{key}", entry, f"no {table[:-1]} {entry[key]} in this build to link it to")
                return
        found = self._extracted_figure(review.article_id, start, start + len(quote), value)
        if found is not None:  # the extractor reads this figure now: the review corrects it instead of doubling it
            self._amend_figure(review, found, entry)
            return
        figure_id = ids.figure_id(review.article_id, number_start, number_end)
        if figure_id in self.figures:
            raise _fail(review.path, where, f"figure {figure_id} exists already: reject it or fix the quote")
        unit = entry.get("unit") or self.units.get(entry["category"], "")
        if not unit:
            raise _fail(review.path, where, f"missing unit (category {entry['category']} has no unit of its own)")
        figure = {
            "figure_id": figure_id, "article_id": review.article_id, "event_id": entry.get("event_id"),
            "place_id": entry.get("place_id"), "value": None if entry.get("value_word") else value,
            "value_word": entry.get("value_word"),
            "value_low": float(entry.get("value_low", value)) if entry.get("value_low", value) is not None else None,
            "value_high": float(entry.get("value_high", value)) if entry.get("value_high", value) is not None else None,
            "unit": unit, "qualifier": entry.get("qualifier", "exact"),
            "category": entry["category"], "subject": entry["subject"], "subject_side": entry.get("subject_side"),
            "claimed_by_actor_id": entry.get("claimed_by_actor_id"), "part_of_figure_id": entry.get("part_of_figure_id"),
            "quote": quote, "char_start": start, "char_end": start + len(quote), "review_status": REVIEWED,
        }
        self.rows["figures"].append(figure)
        self.figures[figure_id] = figure
        self.figures_of_event[figure["event_id"]].append(figure)
        self.parts_of[figure["part_of_figure_id"]].append(figure)
        self._record(review, "figures", figure_id, "add", f"{entry.get('qualifier', 'exact')} {value:g} {entry['subject']}",
                     entry["reason"])

    def _extracted_figure(self, article_id: str, start: int, end: int, value: float) -> dict | None:
        """The article's figure whose number lies in start..end and has this value, if the extractor found it."""
        for figure in self.figures_of_article.get(article_id, []):
            number = ids.figure_number(figure["figure_id"])
            if (id(figure) not in self.rejected_figures and number and start <= number[0] and number[1] <= end
                    and _read_value(figure) == value):
                return figure
        return None

    def _amend_figure(self, review: Review, figure: dict, entry: dict) -> None:
        """A figure to add that the extractor found already: the review's reading replaces the extractor's."""
        changes = {key: entry[key] for key in FIGURE_FIELDS
                   if key in entry and key not in ("quote", "occurrence", "number", "reason", "value")}
        for key in ("value_low", "value_high"):
            if key in changes and changes[key] is not None:
                changes[key] = float(changes[key])
        if "unit" not in entry:
            changes["unit"] = self.units.get(entry["category"], figure["unit"])
        described = "; ".join(f"{k}: {_shown(figure[k])} → {_shown(v)}" for k, v in changes.items() if figure[k] != v)
        if "event_id" in changes:
            self.figures_of_event[changes["event_id"]].append(figure)
        if "part_of_figure_id" in changes:
            self.parts_of[changes["part_of_figure_id"]].append(figure)
        figure.update(changes)
        figure["review_status"] = REVIEWED
        self._record(review, "figures", figure["figure_id"], "fix", f"added figure found by the extractor already; "
                     f"{described or 'nothing to change'}", entry["reason"])

    def _event_actors(self) -> list[dict]:
        """event_actors with the reviewed events' roles replaced, in the order of the events."""
        by_event = _index(self.rows["event_actors"], "event_id")
        by_event.update(self.new_roles)
        return [row for event in self.rows["events"] for row in by_event.get(event["event_id"], [])]

    @staticmethod
    def _iso(review: Review, where: str, value) -> str:
        try:
            return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
        except ValueError:
            raise _fail(review.path, where, f"not an ISO date (YYYY-MM-DD): {value!r}") from None

    def finish(self) -> dict[str, list[dict]]:
        for table in ("events", "event_mentions", "event_actors"):
            self.rows[table] = [r for r in self.rows[table] if r["event_id"] not in self.rejected_events]
        if self.new_roles:
            self.rows["event_actors"] = self._event_actors()
        self.rows["figures"] = [f for f in self.rows["figures"] if id(f) not in self.rejected_figures]
        tolls = fatality_bounds(self.rows["figures"])
        for event in self.rows["events"]:
            fixed = event["fatalities"]
            event.update(tolls.get(event["event_id"], NO_FATALITIES))
            if event["event_id"] in self.fixed_fatalities:
                event["fatalities"] = fixed  # a reviewer's fatalities stay; low, best and high stay the figures'
        link_parts(self.rows["events"], self.rows["places"])  # reviews move events' places, dates and types
        self.rows["reviews"] = self.records
        self.rows[STALE_REVIEWS] = self.stale
        return self.rows


def apply_reviews(rows: dict[str, list[dict]], reviews: list[Review], units: dict[str, str],
                  published: PublishedLimits | None = None, roles: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """The rows with every review applied (a new dict; `rows` is left as the extractor made it). A fixed
    event date must lie within `published`, the dates an article may be published on; a fixed actor's role
    must be one of `roles` (those of event_actors in datapackage.json; any, when none are given)."""
    applier = _Applier(rows, units, published, roles)
    for review in reviews:
        for n, entry in enumerate(review.events["reject"]):
            applier.reject_event(review, n, entry)
        for n, entry in enumerate(review.events["fix"]):
            applier.fix_event(review, n, entry)
        for n, entry in enumerate(review.events.get(CONFIRM) or []):
            applier.confirm(review, "events", n, entry)
        for n, entry in enumerate(review.figures["reject"]):
            applier.reject_figure(review, n, entry)
        for n, entry in enumerate(review.figures["add"]):
            applier.add_figure(review, n, entry)
        for n, entry in enumerate(review.figures.get(CONFIRM) or []):
            applier.confirm(review, "figures", n, entry)
    return applier.finish()

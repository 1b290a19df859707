"""Agreement of the extraction with a collection's own coding (FA-KES's crowd coding), the third yardstick.

For every coded event of an article (a row of the collection's annotations) it asks whether some event
the extractor found in that article lies in the coded governorate, within a day of the coded date, has a
sub-event type that fits the coded cause of death, and has an actor on the side of the coded actor; and
whether each non-zero coded count is a `killed` figure of the article with that value. The comparisons
are read from the collection's format file (importers/<format>.yml, `agreement`). The crowd coding is
coarse and sometimes wrong: this measures agreement, not correctness.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .reference import Reference

MEASURES = ("governorate", "date within a day", "counts", "cause of death", "actor side")


@dataclass
class Agreement:
    """Per measure: how many coded items were compared and how many agreed, with the misses."""

    compared: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    agreed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    misses: dict[str, list[str]] = field(default_factory=lambda: {m: [] for m in MEASURES})

    def share(self, measure: str) -> float:
        return self.agreed[measure] / self.compared[measure] if self.compared[measure] else 0.0

    def add(self, measure: str, agreed: bool, miss: str) -> None:
        self.compared[measure] += 1
        self.agreed[measure] += agreed
        if not agreed:
            self.misses[measure].append(miss)


def _by_article(rows: list[dict], key: str = "article_id") -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def agreement(tables: dict[str, list[dict]], annotations: list[dict], spec: dict, reference: Reference) -> Agreement:
    """Compare the extracted tables with the annotations (rows of collection_annotations)."""
    result = Agreement()
    events = {e["event_id"]: e for e in tables["events"]}
    article_events: dict[str, list[dict]] = defaultdict(list)
    for mention in {(m["article_id"], m["event_id"]) for m in tables["event_mentions"]}:
        article_events[mention[0]].append(events[mention[1]])
    roles = _by_article(tables["event_actors"], "event_id")
    figures = _by_article([f for f in tables["figures"] if f["category"] == "killed"])
    governorates, causes, sides = spec["governorates"], spec["cause_sub_event_types"], spec["actor_sides"]
    governorate_of = {p["place_id"]: p["governorate"] for p in tables["places"]}  # new places too
    for coded in annotations:
        article_id = coded["article_id"]
        found = sorted(article_events.get(article_id, []), key=lambda e: e["event_id"])
        label = f"{article_id} #{coded['annotation_no']}"
        if coded.get("coded_governorate") in governorates:
            wanted = governorates[coded["coded_governorate"]]
            places = {governorate_of[e["place_id"]] for e in found}
            result.add("governorate", wanted in places, f"{label}: coded {wanted}, extracted {sorted(p or '' for p in places)}")
        if coded.get("coded_date"):
            day = date.fromisoformat(str(coded["coded_date"]))
            near = [e for e in found if abs((date.fromisoformat(e["event_date"]) - day).days) <= 1
                    or date.fromisoformat(e["event_date"]) <= day <= date.fromisoformat(e["event_date_end"] or e["event_date"])]
            dates = sorted({e["event_date"] for e in found})
            result.add("date within a day", bool(near), f"{label}: coded {day}, extracted {dates}")
        values = {float(f["value"]) for f in figures.get(article_id, []) if f["value"] is not None}  # not a vague word
        for column in spec["counts"]:
            count = float(coded.get(column) or 0)  # as the collection wrote it: "20", or empty
            if count:
                result.add("counts", count in values, f"{label}: {column} {count:g}, killed figures {sorted(values)}")
        if coded.get("coded_cause_of_death") in causes:
            fitting = set(causes[coded["coded_cause_of_death"]])
            types = {e["sub_event_type"] for e in found}
            result.add("cause of death", bool(types & fitting),
                       f"{label}: coded {coded['coded_cause_of_death']}, extracted {sorted(types)}")
        if coded.get("coded_actor") in sides:
            wanted_sides = set(sides[coded["coded_actor"]])
            actor_sides = {reference.actors[r["actor_id"]].side for e in found for r in roles.get(e["event_id"], [])
                           if r["actor_id"] in reference.actors}
            result.add("actor side", bool(actor_sides & wanted_sides),
                       f"{label}: coded {coded['coded_actor']}, extracted sides {sorted(actor_sides)}")
    return result


def report(result: Agreement, verbose: bool = False) -> str:
    lines = [f"{'measure':<20} {'agreement':>9}   compared  agreed"]
    for measure in MEASURES:
        lines.append(f"{measure:<20} {result.share(measure):>9.3f} {result.compared[measure]:>10} {result.agreed[measure]:>7}")
    if verbose:
        for measure in MEASURES:
            if result.misses[measure]:
                lines += ["", f"{measure}: not in agreement ({len(result.misses[measure])})"]
                lines += [f"  - {miss}" for miss in result.misses[measure]]
    return "\n".join(lines)

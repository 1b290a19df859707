"""The review report of one article: what was extracted from it, what was not resolved, what to edit.

The build writes one report per article to build/review/<article_id>.txt and prints the reports of
the articles that are new since the previous build; `make add-article` prints the new article's.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from pathlib import Path

from .control_chars import escaped
from .unresolved import ADD_TO

REVIEW_FOLDER = "review"
WIDTH = 100
QUOTE_CHARS = 160


def _number(figure: dict) -> str:
    """A figure's number as written: its vague word ("a number of"), else its value (2, 2.5)."""
    return figure["value_word"] or f"{figure['value']:g}"


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:QUOTE_CHARS]}{'…' if len(text) > QUOTE_CHARS else ''}”"


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _by_article(table: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in table:
        grouped[row["article_id"]].append(row)
    return grouped


class _ArticleRows:
    """The built rows grouped by article once, so that each article's report reads only its own rows."""

    def __init__(self, rows: dict[str, list[dict]]):
        self.articles = {a["article_id"]: a for a in rows["articles"]}
        self.places = {p["place_id"]: p["name"] for p in rows["places"]}
        self.actors = {a["actor_id"]: a["name"] for a in rows["actors"]}
        self.events = {e["event_id"]: (position, e) for position, e in enumerate(rows["events"])}
        self.event_mentions = _by_article(rows["event_mentions"])
        self.figures = _by_article(rows["figures"])
        self.names = _by_article(rows["mentions"])
        self.unresolved = _by_article(rows["unresolved_mentions"])
        self.reviews = _by_article(rows.get("reviews", []))
        self.not_understood = _by_article(rows.get("not_understood", []))
        self.cut = _by_article(rows.get("extraction_cut", []))
        self.stale = _by_article(rows.get("stale_reviews", []))


def article_report(article_id: str, rows: dict[str, list[dict]]) -> str:
    """Plain-text report of `article_id` from the built rows."""
    return _report(article_id, _ArticleRows(rows))


def _report(article_id: str, grouped: _ArticleRows) -> str:
    article = grouped.articles[article_id]
    places, actors = grouped.places, grouped.actors
    mentions = defaultdict(list)
    for mention in grouped.event_mentions[article_id]:
        mentions[mention["event_id"]].append(mention)
    events = [e for _, e in sorted(grouped.events[event_id] for event_id in mentions if event_id in grouped.events)]
    figures = grouped.figures[article_id]
    names = grouped.names[article_id]
    unresolved = grouped.unresolved[article_id]
    reviews = grouped.reviews[article_id]
    not_read = grouped.not_understood[article_id]
    unknown_units = [f for f in figures if f["unit"] == "unknown"]
    undated = [e for e in events if e["date_basis"] == "publication"]

    lines = [f"Review of {article_id}: {article['title']}",
             f"  {article['publisher']}, published {article['published_date']} ({article['published_date_basis']}), "
             f"{article['word_count']} words",
             f"  Extracted: {len(events)} events, {len(figures)} figures, {len(names)} mentions of known places and actors"
             + (f"; {len(reviews)} reviewer corrections applied" if reviews else ""),
             ]
    for cut in grouped.cut[article_id]:  # the time budget (seeds/reference/limits.yml) stopped its extraction
        lines += _wrapped(f"Incomplete: {cut['note']}. Nothing after character {cut['character']:,} was read; the "
                          "next build extracts the article again.", "  ")
    lines += ["", f"Events ({len(events)})"]
    for event in sorted(events, key=lambda e: (e["event_date"], e["event_id"])):
        when = event["event_date"] + (f" to {event['event_date_end']}" if event["event_date_end"] else "")
        who = " / ".join(actors[a] for a in (event["actor1_id"], event["actor2_id"]) if a)
        lines.append(f"  {when} ({event['date_precision']}, {event['date_basis']})  {event['sub_event_type']}"
                     f" at {places[event['place_id']]}{f' — {who}' if who else ''}  [{event['review_status']}]")
        lines.append(f"    {event['event_id']}")
        for mention in mentions[event["event_id"]]:
            lines += _wrapped(_quote(mention["quote"]) + f" (characters {mention['char_start']}–{mention['char_end']})",
                              "      ")
    lines += ["", f"Figures ({len(figures)})"]
    for figure in sorted(figures, key=lambda f: f["char_start"]):
        claimant = actors.get(figure["claimed_by_actor_id"] or "")
        source = f"claimed by {claimant}" if claimant else "unattributed"
        link = f" → {figure['event_id']}" if figure["event_id"] else " (no event)"
        qualifier = "" if figure["qualifier"] in ("exact", "vague") else figure["qualifier"].replace("_", " ") + " "
        lines.append(f"  {qualifier}{_number(figure)} {figure['unit']}: {figure['subject']} "
                     f"({figure['category']}), {source}{link}  [{figure['review_status']}]")
    if reviews:
        lines += ["", f"Reviewer corrections applied ({len(reviews)})"]
        for record in reviews:
            changes = f" ({record['changes']})" if record["changes"] else ""
            lines += _wrapped(f"{record['review_id']} {record['action']} {record['target_id']}{changes}: "
                              f"{record['reason']}", "  ")
    lines += ["", "Not resolved"]
    if unresolved:
        lines += _wrapped(f"Unknown names ({len(unresolved)}): add them to seeds/reference/places.csv or actors.yml "
                          "(as a new entity or an alias), or to not_names / ignore_names in "
                          "seeds/reference/lexicon/names.yml:", "  ")
        for name in unresolved:
            hint = f" (maybe {name['suggested_entity_id']}?)" if name["suggested_entity_id"] else ""
            if name.get("looks_like"):
                hint += f" (looks like a {name['looks_like']}: {ADD_TO[name['looks_like']]})"
            lines.append(f"    {name['surface']} at characters {name['char_start']}–{name['char_end']}{hint}")
    else:
        lines.append("  Unknown names: none.")
    if unknown_units:
        lines += _wrapped(f"Figures whose unit could not be read ({len(unknown_units)}), published with unit unknown: "
                          "add the counted noun to seeds/reference/extraction/figures.yml, or fix them in a review file:",
                          "  ")
        lines += [f"    {_number(f)} {f['subject']} at characters {f['char_start']}–{f['char_end']}" for f in unknown_units]
    if not_read:
        lines += _wrapped(f"Number phrases not understood ({len(not_read)}), left out of the figures:", "  ")
        lines += [f"    “{n['text']}” at characters {n['char_start']}–{n['char_end']}: {n['reason']}" for n in not_read]
    stale = grouped.stale[article_id]
    if stale:
        lines += _wrapped(f"Stale reviewer corrections ({len(stale)}), not applied: their row is no longer where they "
                          f"quote it; update or remove them in seeds/reviews/{article_id}.yml:", "  ")
        for entry in stale:
            lines += _wrapped(f"{entry['where']} ({entry['asked'] or 'reject'}) at {_quote(entry['quote'])}: "
                              f"{entry['problem']}. Reason given: {entry['reason']}", "    ")
    if undated:
        lines += _wrapped(f"Events with no date in the text ({len(undated)}), put in the week before publication: "
                          "a date the parse did not read (seeds/reference/extraction/dates.yml), or a date to fix in a "
                          "review file:", "  ")
        lines += [f"    {e['event_id']}" for e in undated]
    else:
        lines.append("  Undated events: none.")
    lines += ["", "To correct the extraction, edit the reference files above and rebuild, or write",
              f"  seeds/reviews/{article_id}.yml (see seeds/reviews/README.md): reject an event or figure, fix a date,",
              "  type, place, actors or fatalities, add a missed figure, confirm a row read right."]
    return "\n".join(lines) + "\n"


def write_review_reports(rows: dict[str, list[dict]], folder: Path) -> None:
    folder.mkdir()
    grouped = _ArticleRows(rows)
    for article in rows["articles"]:
        report = escaped(_report(article["article_id"], grouped))  # printed to terminals: no raw control characters
        (folder / f"{article['article_id']}.txt").write_text(report, encoding="utf-8")

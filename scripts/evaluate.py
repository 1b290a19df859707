"""Measure the extractor three ways, side by side (`make evaluate`).

    python -m scripts.evaluate [--seeds DIR] [--gold DIR] [--corpus FILE] [--dev-gold DIR] [--verbose]

1. Against the seeds' gold standard (tests/gold/*.yml): the five seed articles, coded by hand. The
   rules were written with these articles in view, so this block says little about new articles.
2. Against the development gold (tests/gold/fakes/*.yml): FA-KES development articles coded by hand
   before the extractor's output on them was looked at.
3. Agreement with the FA-KES crowd coding over every development article (scripts/agreement.py).
4. Names: the share of place names (over every development article) and of armed actors' names (over
   the development gold) that the reference data resolve, with the top unresolved names
   (scripts/name_coverage.py).

Blocks 1 and 2 print precision, recall and F1 per table (events, figures, places, actors,
event-actor roles), the share of matched events whose date is exact and the share of matched figures
whose claimant agrees with the gold's `claimed_by` (the extracted claimant among them, or both empty). Events match on article,
place, ACLED sub-event type and overlapping dates; figures on article, value, qualifier and category
(the gold evidence passage breaks ties between equal numbers). `--verbose` lists every miss and false
hit, and the crowd codings the extraction does not agree with. The FA-KES development corpus is
imported afresh from --corpus into a temporary folder on every run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .agreement import Agreement, agreement
from .agreement import report as agreement_report
from .extract import ArticleExtraction
from .extraction_runs import run_extractions
from .import_collection import FAKES_DEV_CORPUS, import_collection, load_format
from .name_coverage import Coverage, armed_actor_names, place_names
from .name_coverage import report as names_report
from .reference import load_reference
from .schema import load_descriptor
from .schema import tables as schema_tables
from .seeds import Article, read_articles, read_collection
from .tables import collection_tables, merged_tables

ROOT = Path(__file__).resolve().parents[1]
DEV_CORPUS = FAKES_DEV_CORPUS


@dataclass
class Score:
    """Counts for one table, with the misses and false hits behind them."""

    name: str
    true_positives: int = 0
    gold: int = 0
    predicted: int = 0
    misses: list[str] = field(default_factory=list)
    false_hits: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: dict[str, Score]
    dates_exact: float
    dates_checked: int
    date_errors: list[str]
    claimants_agree: float = 0.0  # share of matched figures whose claimant agrees with the gold's claimed_by
    claimants_checked: int = 0
    claimant_errors: list[str] = field(default_factory=list)


def load_gold(gold_dir: Path) -> dict[str, dict]:
    gold = {}
    for path in sorted(gold_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        gold[data["article_id"]] = data
    return gold


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _span(event: dict) -> tuple[date, date]:
    first = _as_date(event["event_date"])
    return first, _as_date(event["event_date_end"]) if event.get("event_date_end") else first


def _set_score(name: str, gold: set, predicted: set) -> Score:
    score = Score(name, len(gold & predicted), len(gold), len(predicted))
    score.misses = [" / ".join(map(str, item)) for item in sorted(gold - predicted)]
    score.false_hits = [" / ".join(map(str, item)) for item in sorted(predicted - gold)]
    return score


def _match_events(gold: dict[str, dict], tables: dict[str, list[dict]]):
    """Greedy one-to-one matching of gold events to (predicted event, article) pairs."""
    events = {row["event_id"]: row for row in tables["events"]}
    predicted = sorted({(m["article_id"], m["event_id"]) for m in tables["event_mentions"] if m["article_id"] in gold})
    used: set[tuple[str, str]] = set()
    matches, misses = [], []
    for article_id, data in sorted(gold.items()):
        for item in data.get("events") or []:
            g_first, g_last = _span(item)
            candidates = []
            for key in predicted:
                if key in used or key[0] != article_id:
                    continue
                row = events[key[1]]
                if (row["place_id"], row["sub_event_type"]) != (item["place_id"], item["sub_event_type"]):
                    continue
                p_first, p_last = _span(row)
                if p_first <= g_last and p_last >= g_first:
                    candidates.append((abs((p_first - g_first).days), key))
            if candidates:
                key = min(candidates)[1]
                used.add(key)
                matches.append((article_id, item, events[key[1]]))
            else:
                misses.append(f"{article_id} {item['event_date']} {item['sub_event_type']} @ {item['place_id']}")
    false_hits = [f"{a} {events[e]['event_date']} {events[e]['sub_event_type']} @ {events[e]['place_id']}"
                  for a, e in predicted if (a, e) not in used]
    return matches, misses, false_hits, len(predicted)


def _roles(tables: dict[str, list[dict]], event_id: str) -> set[tuple[str, str]]:
    return {(r["actor_id"], r["role"]) for r in tables["event_actors"] if r["event_id"] == event_id}


def _gold_roles(item: dict) -> set[tuple[str, str]]:
    return {(actor, role) for role, actors in (item.get("actors") or {}).items() for actor in actors or []}


def _read_value(row: dict) -> float:
    """A figure row's number as the gold writes it: its value, or a vague word's low bound (the gold's value)."""
    return float(row["value"] if row["value"] is not None else row["value_low"])


def _match_figures(gold: dict[str, dict], tables: dict[str, list[dict]],
                   bodies: dict[str, str]) -> tuple[Score, list[tuple[str, dict, dict]]]:
    """The figures score, and the matched (article, gold figure, extracted row) triples."""
    matches = []
    predicted = [row for row in tables["figures"] if row["article_id"] in gold]
    used: set[str] = set()
    score = Score("figures", gold=sum(len(d.get("figures") or []) for d in gold.values()), predicted=len(predicted))
    for article_id, data in sorted(gold.items()):
        for item in data.get("figures") or []:
            start = bodies[article_id].find(item["evidence"])
            end = start + len(item["evidence"])
            candidates = [row for row in predicted if row["figure_id"] not in used and row["article_id"] == article_id
                          and _read_value(row) == float(item["value"]) and row["qualifier"] == item["qualifier"]
                          and row["category"] == item["category"]]
            candidates.sort(key=lambda r: (not (r["char_start"] <= start < r["char_end"] or start <= r["char_start"] < end),
                                           abs(r["char_start"] - start)))
            if candidates:
                used.add(candidates[0]["figure_id"])
                score.true_positives += 1
                matches.append((article_id, item, candidates[0]))
            else:
                score.misses.append(f"{article_id} {item['value']} {item['qualifier']} {item['category']}: {item['evidence']!r}")
    score.false_hits = [f"{r['article_id']} {_read_value(r):g} {r['qualifier']} {r['category']} ({r['subject']})"
                        for r in predicted if r["figure_id"] not in used]
    return score, matches


def _claimants(matches: list[tuple[str, dict, dict]]) -> tuple[int, list[str]]:
    """How many matched figures have the gold's claimant (the extracted one among the gold's `claimed_by`,
    or both empty), and a line for each that has not."""
    agree, errors = 0, []
    for article_id, item, row in matches:
        gold_claimants = item.get("claimed_by") or []
        extracted = row["claimed_by_actor_id"]
        if (extracted in gold_claimants) if extracted else not gold_claimants:
            agree += 1
        else:
            errors.append(f"{article_id} {item['value']} {item['category']}: gold {gold_claimants or '[]'}, "
                          f"extracted {extracted or '-'}: {item['evidence']!r}")
    return agree, errors


def _extracted(articles: list[Article], reference) -> tuple[list[ArticleExtraction], dict[str, list[dict]]]:
    """The extractions and their tables; an article whose extraction raised counts with no rows, and is
    named on stderr."""
    run = run_extractions(articles, reference)
    for failure in run.failures:
        print(f"extraction failed, measured without rows: {failure}", file=sys.stderr)
    return run.extractions, merged_tables(run.extractions, reference)


def seed_articles(seeds: Path) -> list[Article]:
    """The articles of the seeds folder itself, without its imported collections (they have gold of their own)."""
    return read_articles(seeds, [read_collection(seeds, "seeds")])


def evaluate(seeds: Path, gold_dir: Path, reference_dir: Path = ROOT / "seeds" / "reference") -> Evaluation:
    """The seeds' extraction measured against their gold standard."""
    reference = load_reference(reference_dir)
    articles = seed_articles(seeds)
    return score(articles, _extracted(articles, reference)[1], load_gold(gold_dir))


def score(articles: list[Article], tables: dict[str, list[dict]], gold: dict[str, dict]) -> Evaluation:
    """Extracted tables measured against gold files (only the articles the gold covers count)."""
    bodies = {a.article_id: a.body for a in articles}

    scores: dict[str, Score] = {}
    matches, misses, false_hits, predicted = _match_events(gold, tables)
    scores["events"] = Score("events", len(matches), sum(len(d.get("events") or []) for d in gold.values()), predicted,
                             misses, false_hits)
    scores["figures"], figure_matches = _match_figures(gold, tables, bodies)
    for kind in ("place", "actor"):
        gold_set = {(a, e[f"{kind}_id"]) for a, d in gold.items() for e in d.get(f"{kind}s") or []}
        predicted_set = {(m["article_id"], m["entity_id"]) for m in tables["mentions"]
                         if m["entity_type"] == kind and m["article_id"] in gold}
        scores[f"{kind}s"] = _set_score(f"{kind}s", gold_set, predicted_set)
    gold_roles, predicted_roles = set(), set()
    exact, date_errors = 0, []
    for article_id, item, row in matches:
        label = f"{article_id} {item['sub_event_type']} @ {item['place_id']}"
        gold_roles |= {(label, *pair) for pair in _gold_roles(item)}
        predicted_roles |= {(label, *pair) for pair in _roles(tables, row["event_id"])}
        if (str(item["event_date"]), item["date_precision"]) == (row["event_date"], row["date_precision"]):
            exact += 1
        else:
            date_errors.append(f"{label}: gold {item['event_date']} ({item['date_precision']}), "
                               f"extracted {row['event_date']} ({row['date_precision']})")
    scores["event_actors"] = _set_score("event_actors", gold_roles, predicted_roles)
    agree, claimant_errors = _claimants(figure_matches)
    return Evaluation(scores, exact / len(matches) if matches else 0.0, len(matches), date_errors,
                      agree / len(figure_matches) if figure_matches else 0.0, len(figure_matches), claimant_errors)


@dataclass
class DevelopmentEvaluation:
    """The development corpus measured against its hand-coded gold and against the collection's coding."""

    gold: Evaluation
    gold_articles: int
    gold_outlets: int
    articles: int
    agreement: Agreement
    place_names: Coverage
    armed_actor_names: Coverage


def evaluate_corpus(corpus_file: Path, dev_gold_dir: Path, reference_dir: Path = ROOT / "seeds" / "reference",
                    format_name: str = "fakes") -> DevelopmentEvaluation:
    """Import the development corpus afresh, extract it whole, and measure it (blocks 2 and 3)."""
    reference = load_reference(reference_dir)
    fmt = load_format(format_name)
    with tempfile.TemporaryDirectory(prefix="idlib-events-dev-") as folder:
        corpus = Path(folder) / format_name
        import_collection(corpus_file, fmt, corpus)
        collection = read_collection(corpus, format_name)
        articles = read_articles(corpus, [collection])
    extractions, tables = _extracted(articles, reference)
    schema = schema_tables(load_descriptor(ROOT / "datapackage.json"))
    columns = next(t.columns for t in schema if t.name == "collection_annotations")
    annotations = collection_tables([collection], articles, columns)["collection_annotations"]
    gold = load_gold(dev_gold_dir)
    publishers = {a.article_id: a.publisher for a in articles}
    bodies = {a.article_id: a.body for a in articles}
    return DevelopmentEvaluation(score(articles, tables, gold), len(gold), len({publishers[a] for a in gold}),
                                 len(articles), agreement(tables, annotations, fmt.spec["agreement"], reference),
                                 place_names(extractions, reference),
                                 armed_actor_names(gold, bodies, tables["mentions"], reference))


def report(result: Evaluation, quiet: bool = False) -> str:
    lines = [f"{'table':<14} {'precision':>9} {'recall':>7} {'F1':>6}   gold  found  matched"]
    for score in result.scores.values():
        lines.append(f"{score.name:<14} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f} "
                     f"{score.gold:>6} {score.predicted:>6} {score.true_positives:>8}")
    lines.append(f"{'dates exact':<14} {result.dates_exact:>9.3f}   (of {result.dates_checked} matched events)")
    lines.append(f"{'claimants':<14} {result.claimants_agree:>9.3f}   (of {result.claimants_checked} matched figures)")
    if not quiet:
        for score in result.scores.values():
            for title, items in (("missed", score.misses), ("false hits", score.false_hits)):
                if items:
                    lines += ["", f"{score.name}: {title} ({len(items)})"] + [f"  - {item}" for item in items]
        if result.date_errors:
            lines += ["", f"dates: not exact ({len(result.date_errors)})"] + [f"  - {e}" for e in result.date_errors]
        if result.claimant_errors:
            lines += ["", f"claimants: not the gold's ({len(result.claimant_errors)})"]
            lines += [f"  - {e}" for e in result.claimant_errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold")
    parser.add_argument("--corpus", type=Path, default=DEV_CORPUS, help="the FA-KES development corpus file")
    parser.add_argument("--dev-gold", type=Path, default=ROOT / "tests" / "gold" / "fakes")
    parser.add_argument("--verbose", action="store_true", help="every miss, false hit and disagreement")
    args = parser.parse_args(argv)
    print("1. Seeds: the five seed articles against their gold (tests/gold/). The rules were written with")
    print("   these articles in view: this block guards against regressions, it does not predict new articles.\n")
    print(report(evaluate(args.seeds, args.gold), not args.verbose))
    if not args.corpus.is_file():
        print(f"\n(no development corpus at {args.corpus}: blocks 2 and 3 need ../shared/corpora/fakes/)")
        return 1
    dev = evaluate_corpus(args.corpus, args.dev_gold)
    print(f"\n2. Development gold: {dev.gold_articles} FA-KES development articles from {dev.gold_outlets} outlets, "
          "coded by hand\n   before the extractor's output on them was looked at (tests/gold/fakes/).\n")
    print(report(dev.gold, not args.verbose))
    print(f"\n3. Agreement with the FA-KES crowd coding over all {dev.articles} development articles: the share of")
    print("   coded events (or non-zero counts) that some extracted event (or killed figure) of the article matches.\n")
    print(agreement_report(dev.agreement, args.verbose))
    print(f"\n4. Names the reference data resolve: place names the parse labels in all {dev.articles} development")
    print("   articles, and the armed actors' names of the development gold (scripts/name_coverage.py).\n")
    print("\n".join(names_report("place names", dev.place_names, args.verbose)
                    + names_report("armed actor names", dev.armed_actor_names, args.verbose)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

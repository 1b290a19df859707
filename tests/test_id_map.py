"""Ids across releases: `make diff` pairs events and figures by evidence and lists the ids that changed,
`make id-map` records them, the release bundle carries the map, and the site redirects old ids."""

from __future__ import annotations

import csv
import http.client
import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts import diff_release, release
from scripts.errors import BuildError
from scripts.id_map import ID_MAP_COLUMNS, ID_MAP_FILE, read_id_map, redirect_rows

from .conftest import run_build, seeds_without_collections
from .serving import serving

OLD_VERSION = "0.0.9"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _renamed_copy(built: Path, folder: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A copy of the build as an earlier release would have it: every other event and every third figure
    under another id (the same evidence), in every table that names them, and version OLD_VERSION."""
    copy = folder / "old-build"
    shutil.copytree(built, copy, symlinks=False)
    events = [r["event_id"] for r in _read(copy / "data" / "events.csv")[1]]
    figures = [r["figure_id"] for r in _read(copy / "data" / "figures.csv")[1]]
    event_ids = {new: f"old-{new}" for new in events[::2]}
    figure_ids = {new: f"old-{new}" for new in figures[::3]}
    renames = {"events": {"event_id": event_ids}, "event_mentions": {"event_id": event_ids},
               "event_actors": {"event_id": event_ids},
               "figures": {"figure_id": figure_ids, "part_of_figure_id": figure_ids, "event_id": event_ids}}
    for table, columns in renames.items():
        header, rows = _read(copy / "data" / f"{table}.csv")
        _write(copy / "data" / f"{table}.csv", header,
               [{k: columns.get(k, {}).get(v, v) for k, v in row.items()} for row in rows])
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = OLD_VERSION
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return copy, event_ids, figure_ids


@pytest.fixture(scope="module")
def releases(built, extraction_cache, tmp_path_factory):
    """dist/ with the earlier release (renamed ids), a seeds copy whose id map recorded the changes against
    it, and the build of those seeds (the current ids, with redirects)."""
    folder = tmp_path_factory.mktemp("releases")
    old_build, event_ids, figure_ids = _renamed_copy(built, folder)
    dist = folder / "dist"
    release.write_release(old_build, dist, id_map=folder / "no-map.csv")
    seeds = seeds_without_collections(folder / "seeds")
    id_map = seeds / ID_MAP_FILE
    id_map.unlink(missing_ok=True)
    assert diff_release.main(["--build", str(built), "--dist", str(dist), "--id-map", str(id_map), "--record"]) == 0
    recorded = id_map.read_text(encoding="utf-8")
    out = folder / "build"
    run_build(seeds, out, cache=extraction_cache)  # the seeds as `built` extracted them: the ids are the claim
    return {"dist": dist, "seeds": seeds, "id_map": id_map, "recorded": recorded, "build": out,
            "events": event_ids, "figures": figure_ids}


def test_diff_lists_ids_changed_for_the_same_evidence_apart(releases, built, capsys):
    old = diff_release.read_bundle(diff_release.latest_bundle(releases["dist"]))
    diffs = {d.name: d for d in diff_release.diff_packages(old, diff_release.read_build(built))}
    expected_events = sorted((old_id, new_id) for new_id, old_id in releases["events"].items())
    assert sorted(diffs["events"].renamed) == expected_events and len(expected_events) > 10
    assert sorted(diffs["figures"].renamed) == sorted((o, n) for n, o in releases["figures"].items())
    # the rows are the same: nothing added, removed or changed, here or in the tables that name them
    for name in ("events", "figures", "event_mentions", "event_actors"):
        assert diffs[name].counts == (0, 0, 0), name
    assert all(not d.renamed for name, d in diffs.items() if name not in {"events", "figures"})

    id_map = releases["seeds"] / "another-map.csv"
    assert diff_release.main(["--build", str(built), "--dist", str(releases["dist"]), "--id-map", str(id_map)]) == 0
    out = capsys.readouterr().out
    assert f"Ids changed (same evidence, new id): {len(expected_events) + len(releases['figures'])}" in out
    first_old, first_new = expected_events[0]
    assert f"{first_old} → {first_new}" in out and "lacks" in out and "make id-map" in out
    assert not id_map.exists()  # a report writes nothing without --record


def test_an_id_given_to_other_evidence_is_not_the_same_row(releases, built, tmp_path):
    """The old way's `-2` rename: the earlier release's id now names another event. Evidence decides."""
    new = diff_release.read_build(built)
    old = diff_release.read_build(built)
    events = new.tables["events"]
    first, second = events[0]["event_id"], events[1]["event_id"]
    swap = {first: second, second: first}
    for table, column in (("events", "event_id"), ("event_mentions", "event_id"), ("event_actors", "event_id"),
                          ("figures", "event_id")):
        old.tables[table] = [{**row, column: swap.get(row[column], row[column])} for row in old.tables[table]]
    diffs = {d.name: d for d in diff_release.diff_packages(old, new)}
    assert sorted(diffs["events"].renamed) == sorted([(second, first), (first, second)])
    assert diffs["event_mentions"].counts == (0, 0, 0)


def test_record_appends_each_change_once_under_the_builds_version(releases, built):
    header, rows = _read(releases["id_map"])
    assert tuple(header) == ID_MAP_COLUMNS
    expected = {("events", o, n) for n, o in releases["events"].items()} | \
               {("figures", o, n) for n, o in releases["figures"].items()}
    assert {(r["table_name"], r["old_id"], r["new_id"]) for r in rows} == expected and len(rows) == len(expected)
    assert {r["release"] for r in rows} == {json.loads((built / "datapackage.json").read_text())["version"]}
    # recording again adds nothing
    assert diff_release.main(["--build", str(built), "--dist", str(releases["dist"]), "--id-map",
                              str(releases["id_map"]), "--record"]) == 0
    assert releases["id_map"].read_text(encoding="utf-8") == releases["recorded"]


def test_the_build_publishes_the_redirects_and_the_next_release_lists_no_change(releases, tmp_path, capsys):
    out = releases["build"]
    _, redirects = _read(out / "data" / "id_redirects.csv")
    assert {(r["table_name"], r["old_id"], r["new_id"]) for r in redirects} == \
        {("events", o, n) for n, o in releases["events"].items()} | {("figures", o, n) for n, o in releases["figures"].items()}
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert "id_redirects" in [r["name"] for r in descriptor["resources"]]  # validated with the rest by the build

    dist = tmp_path / "dist"
    shutil.copytree(releases["dist"], dist)
    bundle = release.write_release(out, dist, id_map=releases["id_map"])
    assert (bundle / ID_MAP_FILE).read_bytes() == releases["id_map"].read_bytes()
    assert f"  {ID_MAP_FILE}" in (bundle / "SHA256SUMS").read_text(encoding="utf-8")
    assert diff_release.main(["--build", str(out), "--dist", str(dist), "--id-map", str(releases["id_map"])]) == 0
    report = capsys.readouterr().out
    assert f"version {descriptor['version']})" in report and "No row added, removed or changed." in report
    assert "Ids: none changed" in report


def _get(base: str, path: str) -> tuple[int, str]:
    """Status and Location of GET `path`, redirects not followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("location") or ""
    finally:
        connection.close()


def test_old_event_and_figure_urls_redirect_to_the_rows_now(releases, tmp_path):
    event_new, event_old = next(iter(releases["events"].items()))
    figure_new, figure_old = next(iter(releases["figures"].items()))
    kept = next(r["event_id"] for r in _read(releases["build"] / "data" / "events.csv")[1]
                if r["event_id"] not in releases["events"])
    with serving(releases["build"], tmp_path / "datasette.log") as base:
        assert _get(base, f"/idlib-events/events/{event_old}") == (301, f"/idlib-events/events/{event_new}")
        assert _get(base, f"/idlib-events/events/{event_old}.json?_shape=object") == \
            (301, f"/idlib-events/events/{event_new}.json?_shape=object")
        assert _get(base, f"/idlib-events/figures/{figure_old}") == (301, f"/idlib-events/figures/{figure_new}")
        assert _get(base, f"/idlib-events/events/{event_new}")[0] == 200
        assert _get(base, f"/idlib-events/events/{kept}")[0] == 200
        assert _get(base, f"/idlib-events/figures/{event_old}")[0] == 404  # an event's old id is no figure's
        assert _get(base, "/idlib-events/events/no-such-event")[0] == 404


def test_redirects_follow_later_changes_and_never_hide_a_row():
    id_map = [{"table_name": "events", "old_id": "a", "new_id": "b", "release": "0.2.0"},
              {"table_name": "events", "old_id": "b", "new_id": "c", "release": "0.10.0"},
              {"table_name": "events", "old_id": "x", "new_id": "y", "release": "0.2.0"},
              {"table_name": "events", "old_id": "gone", "new_id": "z", "release": "0.2.0"}]
    rows = {"events": [{"event_id": "c"}, {"event_id": "x"}, {"event_id": "y"}]}
    assert redirect_rows(id_map, rows, {"events": "event_id"}) == [
        {"table_name": "events", "old_id": "a", "new_id": "c", "release": "0.2.0"},
        {"table_name": "events", "old_id": "b", "new_id": "c", "release": "0.10.0"}]


@pytest.mark.parametrize("line, problem", [
    ("events,a,a,0.2.0", "line 2: old_id and new_id must be two different ids"),
    ("places,a,b,0.2.0", "line 2: table_name 'places' is not one of events, figures"),
    ("events,a,b,next", "line 2: release 'next' is not MAJOR.MINOR.PATCH"),
])
def test_a_bad_id_map_row_is_one_error_naming_it(tmp_path, line, problem):
    path = tmp_path / ID_MAP_FILE
    path.write_text(",".join(ID_MAP_COLUMNS) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        read_id_map(path, {"events", "figures"})
    assert str(caught.value) == f"{path}: {problem}"


def test_a_release_is_refused_while_the_id_map_lacks_a_change(releases, tmp_path, capsys):
    dist = tmp_path / "dist"
    shutil.copytree(releases["dist"], dist)
    empty = tmp_path / ID_MAP_FILE
    empty.write_text(",".join(ID_MAP_COLUMNS) + "\n", encoding="utf-8")
    assert release.main(["--build", str(releases["build"]), "--dist", str(dist), "--id-map", str(empty)]) == 1
    error = capsys.readouterr().err
    assert f"lacks {len(releases['events']) + len(releases['figures'])} id change(s) since idlib-events-{OLD_VERSION}" in error
    assert "run `make id-map`" in error
    assert sorted(p.name for p in dist.iterdir()) == [f"idlib-events-{OLD_VERSION}"]  # nothing released
    assert release.main(["--build", str(releases["build"]), "--dist", str(dist), "--id-map", str(releases["id_map"])]) == 0


def test_record_needs_a_later_version(tmp_path, capsys):
    diffs = [diff_release.TableDiff("events", renamed=[("old-a", "a")])]
    id_map = tmp_path / ID_MAP_FILE
    assert diff_release.record(diffs, id_map, "0.2.0", "0.2.0") == 1
    assert "bump `version` in datapackage.json first" in capsys.readouterr().err and not id_map.exists()
    assert diff_release.record(diffs, id_map, "0.2.0", "0.10.0") == 0
    assert id_map.read_text(encoding="utf-8") == "table_name,old_id,new_id,release\nevents,old-a,a,0.10.0\n"


def test_rows_told_in_one_sentence_are_paired_by_what_they_say(built):
    """Two events of one sentence share their evidence: the old and new versions pair by what they say
    (place, actors, type), not by the order of their ids, so an id map never sends a saved link to the
    other event of the sentence."""
    from scripts.id_map import content_of, evidence_of, evidence_tables, pair_rows
    from scripts.schema import load_descriptor, tables

    schema = {t.name: t for t in tables(load_descriptor(built / "datapackage.json"))}
    rows = {name: _read(built / "data" / f"{name}.csv")[1] for name in ("events", "event_mentions")}
    holders = evidence_tables(list(schema.values()))
    events, holder = schema["events"], schema[holders["events"]]
    evidence = evidence_of(events, holder, rows)
    twins = sorted(row_id for row_id in evidence if row_id.endswith("-2") and row_id[:-2] in evidence
                   and evidence[row_id] == evidence[row_id[:-2]])
    assert twins, "the seeds have sentences that report two events"
    swap = {**{twin: twin[:-2] for twin in twins}, **{twin[:-2]: twin for twin in twins}}
    old_rows = {"events": [dict(row, event_id=swap.get(row["event_id"], row["event_id"])) for row in rows["events"]],
                "event_mentions": [dict(row, event_id=swap.get(row["event_id"], row["event_id"]))
                                   for row in rows["event_mentions"]]}
    pairs = pair_rows(evidence_of(events, holder, old_rows), evidence, content_of(events, old_rows, set(holders)),
                      content_of(events, rows, set(holders)))
    assert {old: new for old, new in pairs.items() if old != new} == swap

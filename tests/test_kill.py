"""A build killed at any point leaves the previous build byte for byte, and the next build succeeds.

Each kill test runs a real `python -m scripts.build` of the five seed articles over an output folder
holding a build of four of them, kills its whole process group with SIGKILL at one point, and checks
every file reached through the output names (what users, scripts and `make` see) against the previous
build; then builds again and compares with a clean build. Points inside a stage are reached by watching
the files the build writes (kill as soon as one appears); the build's STOP_AT hook (it stops itself as
it enters a stage) gives the points between stages, and bounds the watched ones.
"""

from __future__ import annotations

import errno
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import scripts.build
from scripts import output_folder
from scripts.build import DB_FILE, OUTPUTS, ROOT, STOP_AT, build, main

from .conftest import DATAPACKAGE, REFERENCE, SITE_METADATA, output_files, seeds_without_collections

LEFT_OUT = "004_6c79dcc6d6c20d5a"  # the article the previous build lacks, with its review (no other refers to it)
RULE = "$(OUT)/idlib-events.db: $(INPUT)\n\tfalse\n"  # the Makefile's rule for the database, on its own


@pytest.fixture(scope="module")
def five(tmp_path_factory) -> Path:
    return seeds_without_collections(tmp_path_factory.mktemp("five") / "seeds")


@pytest.fixture(scope="module")
def cache(built, extraction_cache, tmp_path_factory) -> Path:
    """The builds' extraction cache, holding the five articles' extractions of `built` (a build killed during
    extraction starts from a cold cache of its own)."""
    folder = tmp_path_factory.mktemp("cache") / "extraction"
    shutil.copytree(extraction_cache, folder)
    return folder


@pytest.fixture(scope="module")
def previous(five, cache, tmp_path_factory) -> Path:
    """A build of four of the five articles: what a killed build of the five must leave as it was."""
    four = tmp_path_factory.mktemp("four") / "seeds"
    shutil.copytree(five, four)
    (four / f"{LEFT_OUT}.txt").unlink()
    (four / "reviews" / f"{LEFT_OUT}.yml").unlink()
    lines = (four / "articles.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (four / "articles.csv").write_text("".join(line for line in lines if LEFT_OUT not in line), encoding="utf-8")
    out = tmp_path_factory.mktemp("previous") / "out"
    _build(four, out, cache)
    return out


def _build(seeds: Path, out: Path, cache: Path) -> None:
    build(seeds, out, REFERENCE, DATAPACKAGE, SITE_METADATA, cache=cache)


def _make_says_up_to_date(out: Path, tmp_path: Path) -> bool:
    """What `make -q` says of the database against an input edited after the previous build."""
    (tmp_path / "Makefile.db").write_text(RULE, encoding="utf-8")
    result = subprocess.run(["make", "-q", "-f", "Makefile.db", f"OUT={out}", "INPUT=input"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode == 0


def _start(seeds: Path, out: Path, cache: Path, stop_at: str, jobs: int = 1) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scripts.build", "--seeds", str(seeds), "--out", str(out),
                             "--cache", str(cache), "--jobs", str(jobs)], cwd=ROOT, env={**os.environ, STOP_AT: stop_at},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _kill_when(build_process: subprocess.Popen, written=lambda: False) -> str:
    """SIGKILL the build's process group (its extraction workers too) as soon as `written()` holds or the
    build has stopped itself at its STOP_AT stage; says which came first."""
    while True:
        if written():
            reached = "watched file"
            break
        pid, status = os.waitpid(build_process.pid, os.WNOHANG | os.WUNTRACED)
        if pid:
            assert os.WIFSTOPPED(status), "the build ended before the kill point"
            reached = "stop hook"
            break
        time.sleep(0.002)
    os.killpg(build_process.pid, signal.SIGKILL)
    build_process.wait()
    return reached


def _unpublished(out: Path, name: str) -> list[Path]:
    """`name` in the build folders `current` does not point at (the killed build's)."""
    current = (out / "current").resolve()
    return [p / name for p in (out / ".builds").iterdir() if p.resolve() != current and (p / name).exists()]


# (where the build is killed, the stage it stops at if the watched file comes too late, what is watched)
KILL_POINTS = {
    "during extraction (a first article cached)": ("merge+tables", "cache"),
    "entering validation": ("validate", None),
    "during the SQLite load (database file created)": ("site metadata", DB_FILE),
    "all written, before the switch": ("publish", None),
    "right after the switch": ("clean up", None),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_killed_build_leaves_the_previous_build_and_the_next_one_succeeds(point, previous, five, cache, built,
                                                                           tmp_path):
    stop_at, watched = KILL_POINTS[point]
    out = tmp_path / "out"
    shutil.copytree(previous, out, symlinks=True)
    now = time.time()
    os.utime(out / DB_FILE, (now - 100, now - 100))  # built, then an input was edited: make must rebuild
    (tmp_path / "input").touch()
    os.utime(tmp_path / "input", (now - 50, now - 50))
    before = output_files(out)
    assert before != output_files(built), "the previous build must differ from the new one for a mix to show"
    assert not _make_says_up_to_date(out, tmp_path)

    cold = tmp_path / "cold-cache"  # extraction from scratch over two processes, for the kill during extraction
    process = _start(five, out, cold if watched == "cache" else cache, stop_at, jobs=2 if watched == "cache" else 1)
    if watched == "cache":
        reached = _kill_when(process, lambda: cold.is_dir() and any(cold.iterdir()))
    elif watched:
        reached = _kill_when(process, lambda: bool(_unpublished(out, watched)))
    else:
        reached = _kill_when(process)
    print(f"{point}: killed at the {reached}")

    if stop_at == "clean up":  # the switch happened: the new build is published whole
        assert output_files(out) == output_files(built)
        assert _make_says_up_to_date(out, tmp_path)
    else:
        assert output_files(out) == before, f"killed {point}, the previous build changed"
        assert not _make_says_up_to_date(out, tmp_path), "make takes the killed build for an up-to-date one"
    if stop_at in ("publish", "site metadata"):
        assert _unpublished(out, DB_FILE), "the killed build had written its database"

    _build(five, out, cache)
    assert output_files(out) == output_files(built), "the next build differs from a clean build"
    assert [p.name for p in (out / ".builds").iterdir()] == [os.readlink(out / "current").split("/")[-1]]
    assert not [p for p in out.iterdir() if p.name.startswith((".staging-", ".old-", ".link-"))]
    assert _make_says_up_to_date(out, tmp_path)


def _legacy_copy(build_dir: Path, out: Path) -> None:
    """`build_dir`'s outputs as the older code left them: plain files and folders in `out`."""
    out.mkdir()
    for name in OUTPUTS:
        if (build_dir / name).is_dir():
            shutil.copytree(build_dir / name, out / name)
        else:
            shutil.copy2(build_dir / name, out / name)


def test_an_output_folder_of_the_older_layout_is_taken_over(previous, five, cache, built, tmp_path):
    """Its outputs stay as they were through a killed build, then the next build publishes by the link."""
    out = tmp_path / "out"
    _legacy_copy(previous, out)
    (out / ".staging-abc123" / "data").mkdir(parents=True)  # left by the older code killed mid-build
    (out / ".cache" / "extraction").mkdir(parents=True)
    (out / ".cache" / "extraction" / "kept.pickle").write_bytes(b"cached")
    before = output_files(out)
    _kill_when(_start(five, out, cache, "validate"))
    assert output_files(out) == before
    assert all((out / name).is_symlink() for name in OUTPUTS), "the plain outputs became links"
    _build(five, out, cache)
    assert output_files(out) == output_files(built)
    assert not (out / ".staging-abc123").exists()
    assert (out / ".cache" / "extraction" / "kept.pickle").read_bytes() == b"cached"


def test_a_second_build_waits_for_the_first(previous, five, cache, built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(previous, out, symlinks=True)
    before = output_files(out)
    with output_folder.locked(out):  # a build running into out/
        second = subprocess.Popen([sys.executable, "-m", "scripts.build", "--seeds", str(five), "--out", str(out),
                                   "--cache", str(cache), "--jobs", "1"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([second.stderr], [], [], 120)  # a bound against hanging, not a timing check
        assert ready, "the second build said nothing"
        assert second.stderr.readline().startswith(f"waiting for the build already running into {out}")
        assert second.poll() is None and output_files(out) == before
    assert second.wait() == 0, second.stderr.read()
    assert output_files(out) == output_files(built)


def _fail(error: BaseException):
    def failing(*args, **kwargs):
        raise error
    return failing


@pytest.mark.parametrize(("where", "error"), [
    ("scripts.build.write_table", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "data/events.csv")),
    ("scripts.build.load_database", sqlite3.OperationalError("database or disk is full")),
    ("scripts.output_folder.os.symlink", OSError(errno.EROFS, os.strerror(errno.EROFS), "current")),
    ("scripts.build.write_downloads", PermissionError(errno.EACCES, os.strerror(errno.EACCES), "downloads")),
    ("scripts.output_folder.fcntl.flock", OSError(errno.ENOLCK, os.strerror(errno.ENOLCK), ".lock")),
])
def test_a_full_or_read_only_output_folder_is_one_line_and_keeps_the_build(previous, five, cache, tmp_path,
                                                                           monkeypatch, capsys, where, error):
    out = tmp_path / "out"
    shutil.copytree(previous, out, symlinks=True)
    before = output_files(out)
    monkeypatch.setattr(where, _fail(error))
    assert main(["--seeds", str(five), "--out", str(out), "--cache", str(cache), "--jobs", "1"]) == 1
    printed = capsys.readouterr().err
    assert printed.startswith(f"build failed: cannot write the build into {out}: ") and printed.count("\n") == 1
    assert "the previous build is kept" in printed
    monkeypatch.undo()
    assert output_files(out) == before
    assert len(list((out / ".builds").iterdir())) == 1


def test_the_stop_hook_is_off_without_its_variable(monkeypatch):
    """Without IDLIB_BUILD_STOP_AT the build stops at no stage (the hook exists for the kill tests only)."""
    stops = []
    monkeypatch.setattr(scripts.build.os, "kill", lambda pid, sig: stops.append(sig))
    monkeypatch.delenv(STOP_AT, raising=False)
    watch = scripts.build.BuildWatch(os.environ.get(STOP_AT) or None)
    for stage in ("extract", "validate", "publish", "clean up"):
        with watch.stage(stage):
            pass
    assert stops == []
    with scripts.build.BuildWatch("publish").stage("publish"):
        pass
    assert stops == [signal.SIGSTOP]

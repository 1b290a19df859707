"""The build's output folder: every build written into a folder of its own, published by one atomic switch.

    out/.builds/<n>/          one build each; only the published one is kept
    out/current               a link to .builds/<n>: the published build, switched by one rename
    out/idlib-events.db, out/data, ... (every output name)
                              fixed links into current/, so the paths users, scripts and the Makefile know
                              never change; `make` sees the database's mtime through them (stat follows links)
    out/.lock                 held (flock) by the build running into out/: a second build waits for it
    out/.cache/, corpora/ ... not the build's; left alone

A build writes `.builds/<n+1>/` while `current` still points at the previous build; when every step has
passed, `current` is repointed by one `os.replace` of a link, and only then is the previous folder
removed. A build killed at any moment therefore leaves either the previous build or the new one whole,
never a mix; what it leaves half-written (a build folder `current` does not point at, `.staging-*` and
`.old-*` folders of the older layout, a `.link-*` being put in place) is removed by the next build, which
holds the lock, so no other build can be using it.

An output folder written by the older layout (the outputs as plain files and folders) is taken over by
the first build: its outputs are hard-linked (or copied) into a build folder, `current` is pointed at
that, and each plain output is replaced by its link in one step, so the previous outputs stay readable
throughout and are removed only once the first new build is published.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError

BUILDS = ".builds"
CURRENT = "current"
LOCK = ".lock"
LINK_PREFIX = ".link-"  # a link being put in place
LEFTOVERS = (".staging-*", ".old-*", f"{LINK_PREFIX}*")  # what a build killed by the older code (or this one) leaves
_RENAME_EXCHANGE = 2  # renameat2(2) flag: swap two paths in one step
_AT_FDCWD = -100


@contextmanager
def writing_into(out: Path) -> Iterator[None]:
    """Turn a failure to write into `out` (full, read-only, not permitted) into one BuildError line."""
    try:
        yield
    except OSError as exc:
        raise BuildError(f"cannot write the build into {out}: {exc.strerror or exc}; the previous build is kept") \
            from None
    except sqlite3.OperationalError as exc:  # SQLite's own words for a full or read-only disk
        if not any(word in str(exc) for word in ("disk", "readonly", "unable to open")):
            raise
        raise BuildError(f"cannot write the build into {out}: {exc}; the previous build is kept") from None


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the lock of `out` (created if missing): a second build into the same folder waits here, saying so
    on one line, until the first one ends (the lock goes with its process, even a killed one)."""
    with writing_into(out):
        out.mkdir(parents=True, exist_ok=True)
        handle = (out / LOCK).open("a")
    with handle:
        with writing_into(out):
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"waiting for the build already running into {out} (it holds {out / LOCK})", file=sys.stderr,
                      flush=True)
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _published(out: Path) -> Path | None:
    """The build folder `current` points at, if it is a link to one."""
    link = out / CURRENT
    return (out / os.readlink(link)) if link.is_symlink() else None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _put_link(path: Path, target: str) -> None:
    """Make `path` a link to `target` in one step, whatever it was before (a link, a file or a folder)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    temp = path.with_name(LINK_PREFIX + path.name)
    _remove(temp)
    os.symlink(target, temp)
    if path.is_dir() and not path.is_symlink():
        aside = temp
        if not _exchange(temp, path):  # a folder cannot be renamed over: move it aside first
            aside = path.with_name(f"{LINK_PREFIX}{path.name}.old")
            os.rename(path, aside)
            os.replace(temp, path)
        _remove(aside)  # the old folder
    else:
        os.replace(temp, path)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _next_folder(out: Path) -> Path:
    builds = out / BUILDS
    builds.mkdir(exist_ok=True)
    numbers = [int(p.name) for p in builds.iterdir() if p.name.isdigit()]
    folder = builds / str(max(numbers, default=0) + 1)
    folder.mkdir()
    return folder


def _link_outputs(out: Path, names: tuple[str, ...]) -> None:
    for name in names:
        _put_link(out / name, f"{CURRENT}/{name}")


def prepare(out: Path, names: tuple[str, ...]) -> None:
    """With the lock held: remove what a killed build left, and take over an output folder of the older layout
    (plain outputs), keeping its outputs readable at every moment."""
    for pattern in LEFTOVERS:
        for path in out.glob(pattern):
            _remove(path)
    discard(out)
    published = _published(out)
    plain = [name for name in names if (out / name).exists() and not (out / name).is_symlink()]
    if not plain:
        return
    if published is None:  # the older layout: its outputs become a build folder first
        folder = _next_folder(out)
        for name in plain:
            if (out / name).is_dir():
                shutil.copytree(out / name, folder / name, copy_function=_link_or_copy)
            else:
                _link_or_copy(str(out / name), str(folder / name))
        _put_link(out / CURRENT, f"{BUILDS}/{folder.name}")
    _link_outputs(out, names)


def new_build(out: Path) -> Path:
    """A new, empty build folder (with the lock held)."""
    return _next_folder(out)


def switch(out: Path, folder: Path, names: tuple[str, ...]) -> None:
    """Publish the complete build in `folder`: the output links are made (once), then `current` is switched
    to it in one rename. Up to this rename the previous build is the published one."""
    _link_outputs(out, names)
    _put_link(out / CURRENT, f"{BUILDS}/{folder.name}")


def abandon(out: Path, folder: Path) -> None:
    """Remove the build folder of a build that failed before it was published (as far as the disk lets us:
    what stays is removed by the next build)."""
    if _published(out) != folder:
        shutil.rmtree(folder, ignore_errors=True)


def discard(out: Path) -> None:
    """Remove every build folder but the published one (the previous build after a switch, a failed one)."""
    published = _published(out)
    for folder in (out / BUILDS).iterdir() if (out / BUILDS).is_dir() else ():
        if published is None or folder.name != published.name:
            _remove(folder)

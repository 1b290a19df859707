"""Run a `datasette serve` command for a test: on a free loopback port, up before use, stopped after."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.serve import free_port  # noqa: F401  (the tests' free port)


@contextlib.contextmanager
def running(argv: list[str], base: str, log: Path, cwd: Path | None = None) -> Iterator[str]:
    """Start `argv` (which serves on `base`), wait until it answers, yield `base`, then stop it."""
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"datasette serve did not answer on {base}:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

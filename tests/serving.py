"""Run a `datasette serve` command for a test: on a free loopback port, up before use, stopped after."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.serve import free_port, serve_command


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


@contextlib.contextmanager
def serving(build_dir: Path, log: Path) -> Iterator[str]:
    """The build in `build_dir` served as `make serve` serves it, on a free loopback port: yields its base URL."""
    port = free_port()
    with running(serve_command(build_dir, host="127.0.0.1", port=port), f"http://127.0.0.1:{port}", log) as base:
        yield base

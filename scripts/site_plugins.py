"""The packages a deployed site installs: datasette and the site's plugins, pinned as in requirements.txt.

The site's plugins are the `datasette-*` lines of requirements.in (less the `datasette-publish-*`
tools, which deploy the site and add nothing to it) and the Datasette plugins they depend on
(datasette-leaflet, datasette-render-markdown): every plugin `make serve` loads. Versions are read from
requirements.txt, never written here.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path

from packaging.requirements import Requirement

from .errors import BuildError

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS_IN = ROOT / "requirements.in"
REQUIREMENTS_TXT = ROOT / "requirements.txt"
PUBLISH_TOOLS = "datasette-publish-"


def normalize(name: str) -> str:
    """PEP 503 name: `Jinja2` → `jinja2`, `et_xmlfile` → `et-xmlfile`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(path: Path) -> list[Requirement]:
    """The requirements of a pip requirements file: continued lines joined, comments and options
    (`--hash=…` of a hashed file) left out."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = (line.split("#", 1)[0].split(" --", 1)[0].strip() for line in text.splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def pins(requirements_txt: Path = REQUIREMENTS_TXT) -> dict[str, str]:
    """normalized name → `name==version` for every line of requirements.txt."""
    result = {}
    for req in _requirements(requirements_txt):
        versions = [spec.version for spec in req.specifier if spec.operator == "=="]
        if len(versions) != 1:
            raise BuildError(f"{requirements_txt}: {req} is not pinned to one version")
        result[normalize(req.name)] = f"{req.name}=={versions[0]}"
    return result


def _plugin_dependencies(name: str) -> list[str]:
    """The datasette-* packages that the installed `name` requires (extras such as [test] left out)."""
    try:
        declared = requires(name) or []
    except PackageNotFoundError:
        raise BuildError(f"{name} is not installed: run `make venv`") from None
    result = []
    for line in declared:
        req = Requirement(line)
        if normalize(req.name).startswith("datasette-") and (req.marker is None or req.marker.evaluate({"extra": ""})):
            result.append(normalize(req.name))
    return result


def site_plugins(requirements_in: Path = REQUIREMENTS_IN) -> list[str]:
    """Normalized names of the site's Datasette plugins and the plugins they need, sorted."""
    todo = [normalize(r.name) for r in _requirements(requirements_in)
            if normalize(r.name).startswith("datasette-") and not normalize(r.name).startswith(PUBLISH_TOOLS)]
    found: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += _plugin_dependencies(name)
    return sorted(found)


def site_installs(requirements_in: Path = REQUIREMENTS_IN, requirements_txt: Path = REQUIREMENTS_TXT) -> list[str]:
    """`name==version` of datasette and of every site plugin: what a deployment pip-installs."""
    pinned = pins(requirements_txt)
    names = ["datasette"] + site_plugins(requirements_in)
    missing = [name for name in names if name not in pinned]
    if missing:
        raise BuildError(f"{requirements_txt}: no pinned version of {', '.join(missing)}")
    return [pinned[name] for name in names]

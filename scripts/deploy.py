"""Deploy the built site with `datasette publish`, or write the files it would upload and print the command.

    python -m scripts.deploy [--target cloudrun|fly|vercel] [--build DIR] [--dist DIR] [--name NAME] [--dry-run]

The deployment serves what `make serve` serves (scripts/serve.py): the database immutable (with the
inspect file `datasette publish` builds), the build's metadata.yml, templates/, plugins/, every
STATIC_MOUNTS folder and the SETTINGS; it pip-installs datasette and the site's plugins at their pinned versions
(scripts/site_plugins.py). Cloud Run is datasette's own `publish cloudrun`; Fly and Vercel come from
the datasette-publish-fly / datasette-publish-vercel plugins.

With --dry-run, or when the target's command-line tool or credentials are missing, nothing is deployed:
the deployment folder is written to <dist>/deploy/<target>/ (Cloud Run: by datasette's own
temporary_docker_directory; Fly and Vercel: by their plugin's --generate-dir) and the command printed.
Its DATASETTE_SECRET is a placeholder; a real deployment takes $DATASETTE_PUBLISH_SECRET or a random one.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .atomic import replace_dir
from .errors import BuildError
from .release import shown_path
from .serve import DB_FILE, PLUGINS, ROOT, SETTINGS, TEMPLATES, static_mounts
from .site_plugins import site_installs

TARGETS = ("cloudrun", "fly", "vercel")
NAME = "idlib-events"  # Cloud Run service, Fly app, Vercel project
DRY_RUN_SECRET = "dry-run-placeholder-not-a-secret"
CLOUDRUN_HTTPS = "--setting force_https_urls on"  # what `datasette publish cloudrun` adds to --extra-options


@dataclass(frozen=True)
class Site:
    """What a deployment serves, with paths relative to the repo root where they are inside it."""

    database: str
    metadata: str
    template_dir: str
    plugins_dir: str | None
    static: tuple[tuple[str, str], ...]
    installs: tuple[str, ...]
    settings: tuple[tuple[str, str], ...]


def site(build_dir: Path) -> Site:
    """The site of the build in `build_dir`, as scripts/serve.py serves it."""
    for required in (build_dir / DB_FILE, build_dir / "metadata.yml"):
        if not required.is_file():
            raise BuildError(f"{required}: missing; run `make` first")
    # the database file itself, not its link build/idlib-events.db: `datasette publish` hard-links what it is
    # given into the image, and a hard link to a relative link points nowhere there
    return Site(shown_path((build_dir / DB_FILE).resolve()), shown_path(build_dir / "metadata.yml"), shown_path(TEMPLATES),
                shown_path(PLUGINS) if PLUGINS.is_dir() else None,
                tuple((mount, shown_path(folder)) for mount, folder in static_mounts(build_dir)),
                tuple(site_installs()), tuple((name, str(value)) for name, value in SETTINGS.items()))


def _settings_options(site: Site) -> str:
    return " ".join(f"--setting {name} {value}" for name, value in site.settings)


def publish_command(target: str, site: Site, name: str = NAME) -> list[str]:
    """`datasette publish <target> …` argv (without the executable's path), run from the repo root."""
    argv = ["datasette", "publish", target, site.database, "--metadata", site.metadata, "--template-dir", site.template_dir]
    if site.plugins_dir:
        argv += ["--plugins-dir", site.plugins_dir]
    for mount, folder in site.static:
        argv += ["--static", f"{mount}:{folder}"]
    for package in site.installs:
        argv += ["--install", package]
    if target == "cloudrun":  # publish cloudrun has no --setting: settings go to `datasette serve` as extra options
        return argv + ["--service", name, "--extra-options", _settings_options(site)]
    settings = [arg for setting in site.settings for arg in ("--setting", *setting)]
    if target == "fly":
        return argv + ["--app", name] + settings
    if target == "vercel":  # Vercel runs an index.py, not `datasette serve`: extra options would be ignored
        return argv + ["--project", name] + settings
    raise BuildError(f"unknown deployment target {target!r} (one of {', '.join(TARGETS)})")


def _generate_cloudrun(site: Site, name: str, out: Path) -> None:
    """The folder `datasette publish cloudrun` builds its image from, made by datasette's own function."""
    from datasette.utils import temporary_docker_directory

    with open(site.metadata, encoding="utf-8") as metadata, temporary_docker_directory(
        files=[site.database], name=name, metadata=metadata,
        extra_options=f"{_settings_options(site)} {CLOUDRUN_HTTPS}", branch=None,
        template_dir=site.template_dir, plugins_dir=site.plugins_dir, static=list(site.static), install=list(site.installs),
        spatialite=False, version_note=None, secret=DRY_RUN_SECRET, extra_metadata={}, environment_variables={},
    ) as folder:
        shutil.copytree(folder, out)


@contextlib.contextmanager
def _vercel_without_cli():
    """datasette-publish-vercel 0.14.2 asks for the `vercel` tool even with --generate-dir, which needs none."""
    import datasette_publish_vercel

    check = datasette_publish_vercel.fail_if_publish_binary_not_installed
    datasette_publish_vercel.fail_if_publish_binary_not_installed = lambda *args: None
    try:
        yield
    finally:
        datasette_publish_vercel.fail_if_publish_binary_not_installed = check


def _generate_with_plugin(target: str, site: Site, name: str, out: Path) -> None:
    """The plugin's own `datasette publish <target> … --generate-dir OUT`, run in this process."""
    import click
    from datasette.cli import publish

    command = publish.commands.get(target)
    if command is None:
        raise BuildError(f"datasette publish {target}: its plugin is not installed; run `make venv`")
    argv = publish_command(target, site, name)[3:] + ["--generate-dir", str(out), "--secret", DRY_RUN_SECRET]
    output = io.StringIO()
    guard = _vercel_without_cli() if target == "vercel" else contextlib.nullcontext()
    try:
        with guard, contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            command.main(argv, prog_name=f"datasette publish {target}", standalone_mode=False)
    except (click.ClickException, SystemExit) as exc:
        message = exc.format_message() if isinstance(exc, click.ClickException) else f"exit {exc.code}"
        raise BuildError(f"datasette publish {target} --generate-dir failed: {message}\n{output.getvalue()}") from None
    if not out.is_dir():
        raise BuildError(f"datasette publish {target} --generate-dir wrote nothing\n{output.getvalue()}")


def write_deployment(target: str, site: Site, dist_dir: Path, name: str = NAME) -> Path:
    """Write the folder a deployment to `target` uploads to <dist_dir>/deploy/<target>/; returns it."""
    deploy_dir = dist_dir.absolute() / "deploy"  # absolute: the generators change the working directory
    deploy_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=deploy_dir))
    try:
        out = staging / target
        with contextlib.chdir(ROOT):  # the command's paths are relative to the repo root
            if target == "cloudrun":
                _generate_cloudrun(site, name, out)
            else:
                _generate_with_plugin(target, site, name, out)
        for cache in sorted(out.rglob("__pycache__"), reverse=True):  # bytecode of a local run, not the site
            shutil.rmtree(cache)
        replace_dir(out, deploy_dir / target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return deploy_dir / target


def _succeeds(argv: list[str]) -> bool:
    return subprocess.run(argv, capture_output=True, text=True).returncode == 0


def _output(argv: list[str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


def missing_credentials(target: str) -> str | None:
    """Why `target` cannot be deployed to from here (its tool or its login is missing), or None."""
    tool = {"cloudrun": "gcloud", "fly": "flyctl", "vercel": "vercel"}[target]
    if not shutil.which(tool):
        return f"{tool} is not installed"
    if target == "cloudrun":
        if not _output(["gcloud", "config", "get-value", "account"]):
            return "gcloud has no active account (gcloud auth login, or a service account key)"
        if not _output(["gcloud", "config", "get-value", "project"]):
            return "gcloud has no project (gcloud config set project PROJECT)"
    elif target == "fly":
        if not os.environ.get("FLY_API_TOKEN") and not _succeeds(["flyctl", "auth", "whoami"]):
            return "flyctl is not logged in (FLY_API_TOKEN)"
    elif not os.environ.get("VERCEL_TOKEN") and not _succeeds(["vercel", "whoami"]):
        return "vercel is not logged in (VERCEL_TOKEN)"
    return None


def _executable() -> tuple[str, str]:
    """The venv's datasette: (path to run, path to show)."""
    datasette = Path(sys.executable).with_name("datasette")
    return str(datasette), (shown_path(datasette) if datasette.absolute().is_relative_to(ROOT) else "datasette")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=TARGETS, default="cloudrun")
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build output folder")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="release folder (deploy/<target>/ on a dry run)")
    parser.add_argument("--name", default=NAME, help="Cloud Run service, Fly app or Vercel project")
    parser.add_argument("--dry-run", action="store_true", help="write the deployment files and print the command")
    args = parser.parse_args(argv)
    try:
        served = site(args.build)
        command = publish_command(args.target, served, args.name)
        run_path, shown_datasette = _executable()
        shown = shlex.join([shown_datasette] + command[1:])
        reason = "DRY_RUN=1" if args.dry_run else missing_credentials(args.target)
        if reason is None:
            print(f"deploying to {args.target}, from the repo root:\n  {shown}", flush=True)
            if args.target == "vercel" and os.environ.get("VERCEL_TOKEN"):
                command += ["--token", os.environ["VERCEL_TOKEN"]]
            return subprocess.run([run_path] + command[1:], cwd=ROOT).returncode
        folder = write_deployment(args.target, served, args.dist, args.name)
    except BuildError as exc:
        print(f"deploy failed: {exc}", file=sys.stderr)
        return 1
    files = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
    print(f"dry run ({reason}): nothing deployed to {args.target}.")
    print(f"wrote the files it would upload to {shown_path(folder)}/: {', '.join(files)}")
    print(f"deploy with, from the repo root:\n  {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

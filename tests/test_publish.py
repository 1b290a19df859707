"""Publishing: the release bundle (files, checksums, determinism), the deployment files of every target
(`make publish DRY_RUN=1`), the printed `datasette publish` command, and `make diff`."""

from __future__ import annotations

import contextlib
import csv
import filecmp
import hashlib
import json
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import urllib.request
import zipfile
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest
import yaml

from scripts import deploy, diff_release, release
from scripts.errors import BuildError
from scripts.serve import DB_FILE, PLUGINS, ROOT, SETTINGS, STATIC_MOUNTS, TEMPLATES, static_mounts
from scripts.site_plugins import site_installs, site_plugins

from .serving import free_port, running

VERSION = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
RESOURCES = [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]]
SITE_FOLDERS = [folder for folder in [TEMPLATES, PLUGINS] + [ROOT / f for _, f in STATIC_MOUNTS if "{build}" not in f]
                if folder.is_dir()]


def _files(folder: Path) -> dict[str, bytes]:
    """relative path → bytes of every file under `folder` (bytecode caches left out)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def bundle(built, tmp_path_factory) -> Path:
    return release.write_release(built, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def served(built) -> deploy.Site:
    return deploy.site(built)


@pytest.fixture(scope="module")
def deployments(served, tmp_path_factory) -> dict[str, Path]:
    dist = tmp_path_factory.mktemp("dist")
    return {target: deploy.write_deployment(target, served, dist) for target in deploy.TARGETS}


# The site's packages --------------------------------------------------------------------------------

def _loaded_site_plugins() -> set[str]:
    """The Datasette plugins `make serve` loads, less datasette's own modules and the publish tools."""
    from datasette.plugins import get_plugins

    names = {p["name"] for p in get_plugins()}
    return {n for n in names if n.startswith("datasette-") and not n.startswith("datasette-publish-")}


def test_site_installs_are_every_loaded_plugin_at_its_installed_version():
    installs = site_installs()
    assert installs[0] == f"datasette=={installed_version('datasette')}"
    pinned = dict(spec.split("==") for spec in installs[1:])
    assert set(pinned) == _loaded_site_plugins() == set(site_plugins())
    assert {"datasette-cluster-map", "datasette-search-all", "datasette-dashboards", "datasette-block-robots",
            "datasette-leaflet"} <= set(pinned)
    for name, pin in pinned.items():
        assert pin == installed_version(name), name
        assert re.search(rf"^{re.escape(name)}=={re.escape(pin)} \\$", (ROOT / "requirements.txt").read_text(encoding="utf-8"),
                         re.M), name  # the pin's line, its hashes on the lines after it


# The release bundle ---------------------------------------------------------------------------------

def test_bundle_is_named_with_the_version(bundle):
    assert bundle.name == f"idlib-events-{VERSION}"
    top = sorted(p.name for p in bundle.iterdir())
    assert top == sorted([f"idlib-events-{VERSION}-datapackage.zip", "idlib-events.db", "metadata.yml", "id-map.csv",
                          "SHA256SUMS", "downloads"]
                         + [folder.name for folder in SITE_FOLDERS])


def test_sha256sums_list_every_file_with_its_hash(bundle):
    lines = (bundle / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        match = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line)
        assert match, line
        listed[match[2]] = match[1]
    assert len(listed) == len(lines)
    files = {name for name in _files(bundle) if name != "SHA256SUMS"}
    assert set(listed) == files
    assert {"idlib-events.db", "metadata.yml", f"idlib-events-{VERSION}-datapackage.zip",
            "templates/row-idlib-events-events.html"} <= files
    for name, digest in listed.items():
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.skipif(not shutil.which("sha256sum"), reason="no sha256sum")
def test_sha256sum_checks_the_bundle(bundle, tmp_path):
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=bundle, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len((bundle / "SHA256SUMS").read_text().splitlines())
    copy = tmp_path / bundle.name  # a changed byte is caught
    shutil.copytree(bundle, copy)
    with (copy / "metadata.yml").open("a", encoding="utf-8") as handle:
        handle.write("# changed\n")
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=copy, capture_output=True, text=True)
    assert result.returncode != 0 and "metadata.yml: FAILED" in result.stdout


def test_zip_holds_the_package_descriptor_and_every_csv(bundle, built):
    with zipfile.ZipFile(bundle / f"idlib-events-{VERSION}-datapackage.zip") as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert names == {"idlib-events/datapackage.json"} | {f"idlib-events/data/{name}.csv" for name in RESOURCES}
        for name in names:
            assert archive.read(name) == (built / name.removeprefix("idlib-events/")).read_bytes(), name
        descriptor = json.loads(archive.read("idlib-events/datapackage.json"))
    assert descriptor["version"] == VERSION
    assert [r["path"] for r in descriptor["resources"]] == [f"data/{name}.csv" for name in RESOURCES]


def test_downloads_are_the_builds_whole_files_but_the_zip(bundle, built):
    """Every table's CSV, the flat CSV and the GeoJSON, as the site serves them; the zip is the bundle's own."""
    files = {p.name for p in (built / "downloads").iterdir()} - {"idlib-events-datapackage.zip"}
    assert files >= {f"{p.stem}.csv" for p in (built / "data").glob("*.csv")} | {"events_flat.csv", "events.geojson"}
    assert {p.name for p in (bundle / "downloads").iterdir()} == files
    for name in files:
        assert (bundle / "downloads" / name).read_bytes() == (built / "downloads" / name).read_bytes(), name
    listed = (bundle / "SHA256SUMS").read_text(encoding="utf-8")
    assert all(f"  downloads/{name}\n" in listed for name in files)


def test_database_opens_with_every_table(bundle, built):
    with sqlite3.connect(f"file:{bundle / DB_FILE}?mode=ro", uri=True) as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
        assert set(RESOURCES) <= tables
        for name in RESOURCES:
            with (built / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
                assert conn.execute(f"select count(*) from [{name}]").fetchone()[0] == sum(1 for _ in csv.DictReader(handle))
    assert (bundle / DB_FILE).read_bytes() == (built / DB_FILE).read_bytes()


def test_metadata_and_site_files_are_the_builds(bundle, built):
    assert (bundle / "metadata.yml").read_bytes() == (built / "metadata.yml").read_bytes()
    for folder in SITE_FOLDERS:
        assert _files(bundle / folder.name) == _files(folder), folder.name


def test_same_build_gives_byte_identical_bundles_and_replaces_the_old_one(bundle, built, tmp_path):
    again = release.write_release(built, tmp_path)
    assert _files(again) == _files(bundle)
    stale = again / "stale.txt"
    stale.write_text("from an older release", encoding="utf-8")
    assert release.write_release(built, tmp_path) == again
    assert not stale.exists() and _files(again) == _files(bundle)
    assert sorted(p.name for p in tmp_path.iterdir()) == [again.name]  # no staging folder left


def test_a_failed_release_leaves_the_previous_bundle(bundle, built, tmp_path):
    dist = tmp_path / "dist"
    previous = release.write_release(built, dist)
    before = _files(previous)
    broken = tmp_path / "broken"
    shutil.copytree(built, broken)
    (broken / DB_FILE).unlink()
    with pytest.raises(BuildError, match="idlib-events.db"):
        release.write_release(broken, dist)
    assert _files(previous) == before
    assert sorted(p.name for p in dist.iterdir()) == [previous.name]


def test_release_needs_a_version(built, tmp_path):
    copy = tmp_path / "build"
    shutil.copytree(built, copy)
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = "next"
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(BuildError, match="not MAJOR.MINOR.PATCH"):
        release.write_release(copy, tmp_path / "dist")


def test_changelog_has_an_entry_for_the_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(VERSION)}\b", changelog, re.M)


# Deployment files -----------------------------------------------------------------------------------

def _dockerfile(folder: Path) -> tuple[list[str], list[str], str]:
    """(pip-installed packages, `datasette serve` argv, whole text) of a generated Dockerfile."""
    text = (folder / "Dockerfile").read_text(encoding="utf-8")
    pip = re.search(r"^RUN pip install -U (.+)$", text, re.M)
    cmd = re.search(r"^CMD (datasette serve .+)$", text, re.M)
    assert pip and cmd, text
    return pip[1].split(), shlex.split(cmd[1]), text


def _options(argv: list[str], option: str, arity: int = 1) -> list:
    values = [argv[i + 1:i + 1 + arity] for i, arg in enumerate(argv) if arg == option]
    return [v[0] if arity == 1 else tuple(v) for v in values]


def _assert_site_folder(folder: Path, built: Path, metadata_file: str = "metadata.json"):
    """The deployment folder carries the build's database and metadata and the site's own files."""
    assert (folder / DB_FILE).read_bytes() == (built / DB_FILE).read_bytes()
    assert json.loads((folder / metadata_file).read_text(encoding="utf-8")) == \
        yaml.safe_load((built / "metadata.yml").read_text(encoding="utf-8"))
    assert _files(folder / "templates") == _files(TEMPLATES)
    if PLUGINS.is_dir():
        assert _files(folder / "plugins") == _files(PLUGINS)
    for mount, source in static_mounts(built):
        assert _files(folder / mount) == _files(source), mount
        assert _files(folder / mount), mount
    for path, data in _files(folder).items():  # nothing of this machine's paths
        if not path.endswith((".db", ".zip")):
            text = data.decode("utf-8")
            assert str(ROOT) not in text and str(built) not in text and "/tmp/" not in text, path


@pytest.mark.parametrize("target, port", [("cloudrun", "8001"), ("fly", "8080")])
def test_dockerfile_serves_the_site_immutable_with_the_pinned_plugins(deployments, built, target, port):
    folder = deployments[target]
    installs, argv, text = _dockerfile(folder)
    assert set(site_installs()) <= set(installs)
    assert f"datasette=={installed_version('datasette')}" in installs
    for plugin in _loaded_site_plugins():
        assert f"{plugin}=={installed_version(plugin)}" in installs, plugin
    assert f"RUN datasette inspect {DB_FILE} --inspect-file inspect-data.json" in text
    assert argv[:2] == ["datasette", "serve"]
    assert _options(argv, "-i") == [DB_FILE]  # immutable
    assert _options(argv, "--inspect-file") == ["inspect-data.json"]
    assert _options(argv, "--metadata") == ["metadata.json"]
    assert _options(argv, "--template-dir") == ["templates/"]
    assert _options(argv, "--plugins-dir") == (["plugins/"] if PLUGINS.is_dir() else [])
    assert _options(argv, "--static") == [f"{mount}:{mount}" for mount, _ in STATIC_MOUNTS]
    settings = _options(argv, "--setting", 2)
    for name, value in SETTINGS.items():
        assert (name, str(value)) in settings, name
    assert (("force_https_urls", "on") in settings) == (target == "cloudrun")
    assert f"ENV PORT {port}" in text and argv[-2:] == ["--port", "$PORT"]
    assert f"ENV DATASETTE_SECRET '{deploy.DRY_RUN_SECRET}'" in text
    _assert_site_folder(folder, built)


def test_fly_config_names_the_app(deployments):
    assert re.search(r'^app = "idlib-events"$', (deployments["fly"] / "fly.toml").read_text(encoding="utf-8"), re.M)


def test_vercel_app_serves_the_site_immutable_with_the_pinned_plugins(deployments, built):
    folder = deployments["vercel"]
    index = (folder / "index.py").read_text(encoding="utf-8")
    compile(index, "index.py", "exec")
    assert re.search(rf'Datasette\(\s*\[\],\s*\["{re.escape(DB_FILE)}"\],', index)  # files=[], immutables=[db]
    assert 'template_dir="templates"' in index
    assert ('plugins_dir="plugins"' in index) == PLUGINS.is_dir()
    statics = json.loads(re.search(r"for static in (\[.*\])", index)[1])
    assert statics == [mount for mount, _ in STATIC_MOUNTS]
    assert json.loads(re.search(r"settings=(\{.*\})", index)[1]) == SETTINGS
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8").split()
    assert set(site_installs()) <= set(requirements)
    assert json.loads((folder / "vercel.json").read_text(encoding="utf-8"))["name"] == "idlib-events"
    _assert_site_folder(folder, built)


def test_vercel_app_runs_here(deployments):
    """index.py, run in its folder with this venv's packages, serves the immutable database with the settings."""
    script = ("exec(open('index.py').read()); import asyncio, json\n"
              "async def get(path): return (await ds.client.get(path)).json()\n"
              "print(json.dumps([asyncio.run(get(p)) for p in ('/-/settings.json', '/-/databases.json', '/-/plugins.json')]))")
    result = subprocess.run([sys.executable, "-c", script], cwd=deployments["vercel"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    settings, databases, plugins = json.loads(result.stdout.splitlines()[-1])
    assert {k: settings[k] for k in SETTINGS} == SETTINGS
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("idlib-events", False)]
    assert _loaded_site_plugins() <= {p["name"] for p in plugins}


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_cloudrun_image_commands_serve_the_site_here(deployments, tmp_path):
    """The Dockerfile's RUN datasette inspect and CMD, run in a copy of its folder with this venv's datasette."""
    folder = tmp_path / "app"
    shutil.copytree(deployments["cloudrun"], folder)
    _, argv, text = _dockerfile(folder)
    datasette = str(Path(sys.executable).with_name("datasette"))
    inspect = shlex.split(re.search(r"^RUN (datasette inspect .+)$", text, re.M)[1])
    subprocess.run([datasette] + inspect[1:], cwd=folder, check=True, timeout=120)
    port = free_port()
    argv = [datasette] + argv[1:-2] + ["--host", "127.0.0.1", "--port", str(port)]
    with running(argv, f"http://127.0.0.1:{port}", tmp_path / "datasette.log", cwd=folder) as base:
        assert [(d["name"], d["is_mutable"]) for d in _get_json(f"{base}/-/databases.json")] == [("idlib-events", False)]
        settings = _get_json(f"{base}/-/settings.json")
        assert {k: settings[k] for k in SETTINGS} == SETTINGS and settings["force_https_urls"] is True
        assert _loaded_site_plugins() <= {p["name"] for p in _get_json(f"{base}/-/plugins.json")}
        assert _get_json(f"{base}/-/metadata.json")["title"] == yaml.safe_load((folder / "metadata.json").read_text())["title"]
        for mount, _ in STATIC_MOUNTS:
            name = sorted(_files(folder / mount))[0]
            with urllib.request.urlopen(f"{base}/{mount}/{name}", timeout=5) as response:
                assert response.read() == (folder / mount / name).read_bytes()


def test_deployment_files_are_deterministic(deployments, served, tmp_path):
    for target in deploy.TARGETS:
        again = deploy.write_deployment(target, served, tmp_path)
        assert _files(again) == _files(deployments[target]), target
    assert sorted(p.name for p in (tmp_path / "deploy").iterdir()) == sorted(deploy.TARGETS)


# The printed command --------------------------------------------------------------------------------

@pytest.mark.parametrize("target", deploy.TARGETS)
def test_publish_command_is_a_valid_datasette_publish_command(served, target):
    from datasette.cli import publish

    command = deploy.publish_command(target, served)
    assert command[:4] == ["datasette", "publish", target, served.database]
    with contextlib.chdir(ROOT):  # parses (every option exists, every path too), from the repo root
        params = publish.commands[target].make_context(target, command[3:]).params
    assert list(params["install"]) == site_installs()
    assert params["template_dir"] == served.template_dir
    assert [(m, Path(p)) for m, p in params["static"]] == [(m, ROOT / p) for m, p in served.static]
    assert params["metadata"].name == served.metadata
    if target == "cloudrun":
        assert params["service"] == "idlib-events"
        assert params["extra_options"] == " ".join(f"--setting {k} {v}" for k, v in SETTINGS.items())
    else:
        assert dict(params["settings"]) == SETTINGS
    params["metadata"].close()


def test_paths_in_the_command_are_relative_to_the_repo():
    assert release.shown_path(ROOT / "build" / DB_FILE) == f"build/{DB_FILE}"
    assert release.shown_path(TEMPLATES) == "templates"


def test_dry_run_prints_the_command_and_writes_the_files(built, tmp_path, capsys):
    assert deploy.main(["--target", "cloudrun", "--build", str(built), "--dist", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run (DRY_RUN=1): nothing deployed to cloudrun" in out
    shown = out.strip().splitlines()[-1].strip()
    argv = shlex.split(shown)
    assert Path(argv[0]).name == "datasette" and argv[1:] == deploy.publish_command("cloudrun", deploy.site(built))[1:]
    assert (tmp_path / "deploy" / "cloudrun" / "Dockerfile").is_file()


def test_dry_run_with_relative_folders(built, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(built, "build")
    assert release.main(["--build", "build", "--dist", "dist"]) == 0
    for target in deploy.TARGETS:
        assert deploy.main(["--target", target, "--build", "build", "--dist", "dist", "--dry-run"]) == 0
        assert (tmp_path / "dist" / "deploy" / target / DB_FILE).is_file()
    assert f"wrote the files it would upload to {tmp_path}/dist/deploy/vercel/" in capsys.readouterr().out


def test_without_credentials_it_is_a_dry_run(built, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no gcloud, flyctl or vercel
    assert deploy.missing_credentials("fly") == "flyctl is not installed"
    assert deploy.main(["--target", "fly", "--build", str(built), "--dist", str(tmp_path)]) == 0
    assert "dry run (flyctl is not installed): nothing deployed to fly" in capsys.readouterr().out
    assert (tmp_path / "deploy" / "fly" / "fly.toml").is_file()


def test_makefile_publish_runs_build_validate_test_then_release_and_deploy():
    result = subprocess.run(["make", "-n", "-p", "publish", "DRY_RUN=1", "TARGET=fly"], cwd=ROOT, capture_output=True, text=True)
    rules = re.search(r"^publish: (.*)$", result.stdout, re.M)
    assert rules and {"build", "validate", "test"} <= set(rules[1].split())
    assert "-m scripts.release" in result.stdout
    assert re.search(r"-m scripts\.deploy --target fly .*--dry-run$", result.stdout, re.M)
    assert re.search(r"^diff: ", result.stdout, re.M)


def test_ci_workflow_publishes_on_push_to_main():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert triggers["push"]["branches"] == ["main"]
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any("make publish" in run for run in steps)
    assert "secrets." in (ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")


# make diff ------------------------------------------------------------------------------------------

def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_diff_reports_added_removed_and_changed_rows(bundle, built, tmp_path, capsys):
    rebuilt = tmp_path / "build"
    shutil.copytree(built, rebuilt)
    data = rebuilt / "data"
    events = list(csv.DictReader((data / "events.csv").open(encoding="utf-8", newline="")))
    figures = list(csv.DictReader((data / "figures.csv").open(encoding="utf-8", newline="")))
    articles = list(csv.DictReader((data / "articles.csv").open(encoding="utf-8", newline="")))
    new_event = dict(events[0], event_id="2099-01-01-test-added-event")
    _rewrite(data / "events.csv", lambda rows: rows + [new_event])
    _rewrite(data / "figures.csv", lambda rows: rows[1:])
    _rewrite(data / "articles.csv", lambda rows: [dict(r, title=r["title"] + " (corrected)") if i == 2 else r
                                                  for i, r in enumerate(rows)])
    diffs = {d.name: d for d in diff_release.diff_packages(diff_release.read_bundle(bundle), diff_release.read_build(rebuilt))}
    assert diffs["events"].added == [("2099-01-01-test-added-event",)] and diffs["events"].counts == (1, 0, 0)
    assert diffs["figures"].removed == [(figures[0]["figure_id"],)] and diffs["figures"].counts == (0, 1, 0)
    assert diffs["articles"].changed == [((articles[2]["article_id"],), ["title"])] and diffs["articles"].counts == (0, 0, 1)
    assert all(d.counts == (0, 0, 0) for name, d in diffs.items() if name not in {"events", "figures", "articles"})

    assert diff_release.main(["--build", str(rebuilt), "--dist", str(bundle.parent)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  events\s+1\s+0\s+0$", out, re.M)
    assert re.search(r"^  figures\s+0\s+1\s+0$", out, re.M)
    assert re.search(r"^  articles\s+0\s+0\s+1$", out, re.M)
    assert "added (1): 2099-01-01-test-added-event" in out
    assert f"removed (1): {figures[0]['figure_id']}" in out
    assert f"changed (1): {articles[2]['article_id']} [title]" in out


def test_diff_keys_composite_primary_keys(bundle, built, tmp_path):
    rebuilt = tmp_path / "build"
    shutil.copytree(built, rebuilt)
    mentions = list(csv.DictReader((rebuilt / "data" / "event_mentions.csv").open(encoding="utf-8", newline="")))
    _rewrite(rebuilt / "data" / "event_mentions.csv", lambda rows: rows[:-1])
    last = mentions[-1]
    diffs = {d.name: d for d in diff_release.diff_packages(diff_release.read_bundle(bundle), diff_release.read_build(rebuilt))}
    assert diffs["event_mentions"].removed == [(last["event_id"], last["article_id"], last["char_start"])]


def test_diff_of_an_unchanged_build_and_without_a_bundle(bundle, built, tmp_path, capsys):
    assert diff_release.main(["--build", str(built), "--dist", str(bundle.parent)]) == 0
    assert "No row added, removed or changed." in capsys.readouterr().out
    assert diff_release.main(["--build", str(built), "--dist", str(tmp_path)]) == 0
    assert "No release bundle in" in capsys.readouterr().out


def test_diff_compares_with_the_highest_version(tmp_path):
    for version in ("0.1.0", "0.10.0", "0.9.2"):
        folder = tmp_path / f"idlib-events-{version}"
        folder.mkdir()
        (folder / f"idlib-events-{version}-datapackage.zip").write_bytes(b"")
    (tmp_path / "deploy").mkdir()
    assert diff_release.latest_bundle(tmp_path).name == "idlib-events-0.10.0"


def test_bundle_and_build_compare_equal_with_filecmp(bundle, built, tmp_path):
    """The zipped CSVs unpack to the build's CSVs: what `make diff` reads is what the release holds."""
    with zipfile.ZipFile(bundle / f"idlib-events-{VERSION}-datapackage.zip") as archive:
        archive.extractall(tmp_path)
    names = [f"{name}.csv" for name in RESOURCES]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "idlib-events" / "data", built / "data", names, shallow=False)
    assert sorted(match) == sorted(names) and not mismatch and not errors

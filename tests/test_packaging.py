"""A plain, non-editable install carries cypher/, graphql/, policies/ and the embedded launcher, and serves;
the hatch build hook (hatch_build.py) builds the web console into the wheel, or says how to do without."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SERVE_CHECK = textwrap.dedent(
    """
    import sys
    import provgraph
    assert provgraph.__file__.startswith(sys.argv[1]), provgraph.__file__
    from starlette.testclient import TestClient
    from provgraph.api.app import create_app
    from provgraph.config import Settings
    settings = Settings(NEO4J_URI=sys.argv[2], PROVGRAPH_ADMIN_TOKEN=sys.argv[3])
    with TestClient(create_app(settings)) as http:
        response = http.post("/graphql", json={"query": "{ me { name } }"},
                             headers={"Authorization": "Bearer " + sys.argv[3]})
        assert response.json() == {"data": {"me": {"name": "admin"}}}, response.text
        # Built without the console (PROVGRAPH_CONSOLE_BUILD=skip): its pages say so, never an error.
        for path in ("/", "/graphql"):
            page = http.get(path, headers={"Accept": "text/html"})
            assert page.status_code == 200 and "console was not built" in page.text, (path, page.status_code)
            assert "script-src 'self'" in page.headers["content-security-policy"]
    print("served from", provgraph.__file__)
    """
)


def test_a_built_wheel_installs_and_serves_without_the_source_tree(tmp_path, settings, neo4j_driver):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        env={**os.environ, "PROVGRAPH_CONSOLE_BUILD": "skip"},  # offline: no npm ci
    )
    [wheel] = wheels.glob("provgraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "provgraph/_resources/cypher/entities.cypher",
        "provgraph/_resources/cypher/schema.cypher",
        "provgraph/_resources/graphql/schema.graphql",
        "provgraph/_resources/policies/model.conf",
        "provgraph/_resources/policies/policy.csv",
        "provgraph/embedded/pom.xml",
        "provgraph/embedded/src/main/java/dev/provgraph/EmbeddedNeo4j.java",
    ):
        assert expected in names, expected
    assert not any("/target/" in name for name in names)
    assert not any(name.startswith("provgraph/console/") for name in names)  # skipped, even if built locally

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", SERVE_CHECK, str(site), settings.neo4j_uri, settings.admin_token],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "served from " + str(site) in result.stdout


# -- the console build hook, on a copy of the project with a stand-in npm ------------------------------

FAKE_NPM = """#!/bin/sh
# Stands in for npm: logs its arguments, and `npm run build` writes a dist as Vite would.
echo "$*" >> "$NPM_LOG"
if [ "$1 $2" = "run build" ]; then
  mkdir -p ../src/provgraph/console/dist/assets
  echo '<!doctype html><title>console</title>' > ../src/provgraph/console/dist/index.html
  echo 'console.log(1)' > ../src/provgraph/console/dist/assets/index-abc123.js
fi
"""


def _project_copy(root: Path) -> Path:
    """The files a wheel build reads, with a small web/ in place of the real one."""
    ignore = shutil.ignore_patterns("__pycache__", "target", "dist", "node_modules", "*.egg-info")
    for folder in ("src", "cypher", "graphql", "policies"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    for name in ("pyproject.toml", "hatch_build.py", "README.md"):
        shutil.copy(REPO / name, root / name)
    (root / "web" / "src").mkdir(parents=True)
    (root / "web" / "package.json").write_text('{"name": "console", "private": true}\n')
    (root / "web" / "index.html").write_text("<!doctype html>\n")
    (root / "web" / "src" / "main.ts").write_text("export const answer = 42;\n")
    return root


def _build_wheel(project: Path, out: Path, path: str, **env: str) -> subprocess.CompletedProcess:
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(project)]
    environment = {k: v for k, v in os.environ.items() if k != "PROVGRAPH_CONSOLE_BUILD"}
    return subprocess.run(command, env={**environment, "PATH": path, **env}, capture_output=True, text=True, timeout=300)


def _wheel_names(out: Path) -> set[str]:
    [wheel] = out.glob("provgraph-*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


def test_the_hook_builds_the_console_when_web_changed_and_ships_it_in_the_wheel(tmp_path):
    project = _project_copy(tmp_path / "project")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "npm").write_text(FAKE_NPM)
    (bin_dir / "npm").chmod(0o755)
    log = tmp_path / "npm.log"
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"

    first = _build_wheel(project, tmp_path / "w1", path, NPM_LOG=str(log))
    assert first.returncode == 0, first.stderr[-3000:]
    assert log.read_text().splitlines() == ["ci --no-audit --no-fund", "run build"]
    names = _wheel_names(tmp_path / "w1")
    assert {"provgraph/console/dist/index.html", "provgraph/console/dist/assets/index-abc123.js"} <= names

    unchanged = _build_wheel(project, tmp_path / "w2", path, NPM_LOG=str(log))
    assert unchanged.returncode == 0, unchanged.stderr[-3000:]
    assert len(log.read_text().splitlines()) == 2  # sources unchanged: npm not run again
    assert "provgraph/console/dist/index.html" in _wheel_names(tmp_path / "w2")

    (project / "web" / "src" / "main.ts").write_text("export const answer = 43;\n")
    changed = _build_wheel(project, tmp_path / "w3", path, NPM_LOG=str(log))
    assert changed.returncode == 0, changed.stderr[-3000:]
    assert log.read_text().splitlines()[2:] == ["ci --no-audit --no-fund", "run build"]


def test_without_npm_or_a_built_console_the_build_fails_naming_the_ways_out(tmp_path):
    project = _project_copy(tmp_path / "project")
    no_npm = tmp_path / "empty-bin"
    no_npm.mkdir()
    failed = _build_wheel(project, tmp_path / "w", str(no_npm))
    assert failed.returncode != 0
    output = failed.stdout + failed.stderr
    assert "npm was not found" in output
    assert "Node.js 20+" in output and "PROVGRAPH_CONSOLE_BUILD=skip" in output

    skipped = _build_wheel(project, tmp_path / "w", str(no_npm), PROVGRAPH_CONSOLE_BUILD="skip")
    assert skipped.returncode == 0, skipped.stderr[-3000:]
    names = _wheel_names(tmp_path / "w")
    assert "provgraph/api/console.py" in names
    assert not any(name.startswith("provgraph/console/") for name in names)


def test_a_tree_without_web_sources_ships_a_prebuilt_console_or_none(tmp_path):
    project = _project_copy(tmp_path / "project")
    shutil.rmtree(project / "web")
    no_npm = tmp_path / "empty-bin"
    no_npm.mkdir()
    built = _build_wheel(project, tmp_path / "w", str(no_npm))
    assert built.returncode == 0, built.stderr[-3000:]
    assert not any(name.startswith("provgraph/console/") for name in _wheel_names(tmp_path / "w"))

    dist = project / "src" / "provgraph" / "console" / "dist"  # as the Dockerfile's node stage leaves it
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html>\n")
    (dist / "assets" / "index-1.js").write_text("1\n")
    prebuilt = _build_wheel(project, tmp_path / "w", str(no_npm))
    assert prebuilt.returncode == 0, prebuilt.stderr[-3000:]
    assert {"provgraph/console/dist/index.html", "provgraph/console/dist/assets/index-1.js"} <= _wheel_names(tmp_path / "w")


def test_the_sdist_carries_the_web_sources_but_not_node_modules_or_dist(tmp_path):
    out = tmp_path / "sdist"
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(out)],
        cwd=REPO, check=True, capture_output=True, timeout=300,
    )
    import tarfile

    [sdist] = out.glob("provgraph-*.tar.gz")
    names = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    assert {"hatch_build.py", "web/package.json", "web/package-lock.json", "web/index.html", "web/graphiql.html"} <= names
    assert any(name.startswith("web/src/") for name in names)
    assert not any(name.startswith(("web/node_modules", "src/provgraph/console/dist")) for name in names)

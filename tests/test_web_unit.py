"""The console's own unit tests (Vitest: merging an expansion, masking, layout choice, URL state) run
with the Python suite, so the README's one test command and `.ci/run` cover them.

They run in a copy of web/ without its node_modules: `npm ci` installs exactly the committed
package-lock.json (as a fresh machine would) and a developer's web/node_modules is left alone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"


def _npm(*args: str, cwd: Path) -> None:
    done = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"npm {' '.join(args)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"


def test_npm_ci_and_npm_test_pass_in_web(tmp_path: Path) -> None:
    assert shutil.which("npm"), (
        "npm is not on PATH: the console's unit tests need Node.js 20+ and npm "
        "(Debian: apt-get install nodejs npm; .ci/run installs them)"
    )
    web = tmp_path / "web"
    shutil.copytree(WEB, web, ignore=shutil.ignore_patterns("node_modules", "dist"))
    _npm("ci", "--no-audit", "--no-fund", "--prefer-offline", cwd=web)
    _npm("test", cwd=web)

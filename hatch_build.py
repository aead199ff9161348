"""Hatch build hook: the web console (web/) is built with npm and shipped inside the wheel.

For wheel and editable builds it runs `npm ci && npm run build` in web/ when the web sources changed
since the last build (a hash of them is kept in a stamp file inside the built dist/), then puts the
built dist/ into the wheel as provgraph/console/dist (an editable install serves it in place).

- PROVGRAPH_CONSOLE_BUILD=skip builds provgraph without the console (offline packaging, API-only
  images); the server then says on its pages how to build it.
- No npm and no built console: the build fails with one message naming both ways out.
- No web/package.json (a tree without the console sources, e.g. a Docker stage handed only the built
  dist/): a dist/ already built is shipped as it is, else the build goes without the console.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SWITCH = "PROVGRAPH_CONSOLE_BUILD"
DIST = Path("src/provgraph/console/dist")  # Vite's build.outDir (web/vite.config.ts)
DIST_IN_WHEEL = "provgraph/console/dist"
STAMP = ".build-stamp"
# What a build depends on; node_modules/ is npm ci's output, not an input.
WEB_INPUTS = ("src/**/*", "public/**/*", "index.html", "graphiql.html", "package.json", "package-lock.json",
              "vite.config.*", "tsconfig*.json")
WAY_OUT = (
    "install Node.js 20+ with npm (https://nodejs.org/) and build again, "
    f"or set {SWITCH}=skip to build provgraph without the web console"
)


class ConsoleBuildError(RuntimeError):
    pass


def web_sources_hash(web: Path) -> str:
    digest = hashlib.sha256()
    files = sorted({path for pattern in WEB_INPUTS for path in web.glob(pattern) if path.is_file()})
    for path in files:
        digest.update(path.relative_to(web).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _is_built(dist: Path) -> bool:
    return (dist / "index.html").is_file()


def ensure_console(root: Path, say: Callable[[str], Any], warn: Callable[[str], Any]) -> Path | None:
    """The built console's dist directory, building it first when its sources changed; None when the
    build goes without it. Raises ConsoleBuildError when it cannot be built and is not there."""
    switch = os.environ.get(SWITCH, "").strip().lower()
    if switch == "skip":
        say(f"provgraph: {SWITCH}=skip: building without the web console")
        return None
    if switch not in ("", "auto"):
        raise ConsoleBuildError(f"{SWITCH}={os.environ[SWITCH]!r} is not understood: leave it unset, or set it to 'skip'")
    web, dist = root / "web", root / DIST
    if not (web / "package.json").is_file():
        if _is_built(dist):
            say(f"provgraph: no web/ sources in {root}: shipping the web console already built in {DIST}")
            return dist
        say(f"provgraph: no web/package.json in {root}: building without the web console")
        return None
    wanted = web_sources_hash(web)
    stamp = dist / STAMP
    if _is_built(dist) and stamp.is_file() and stamp.read_text().strip() == wanted:
        say("provgraph: the web console is up to date")
        return dist
    npm = shutil.which("npm")
    if npm is None:
        if _is_built(dist):
            warn("provgraph: npm not found; shipping the web console built earlier, which may be out of date")
            return dist
        raise ConsoleBuildError(f"provgraph's web console cannot be built: npm was not found. To fix it, {WAY_OUT}.")
    for command in ([npm, "ci", "--no-audit", "--no-fund"], [npm, "run", "build"]):
        say(f"provgraph: building the web console: {' '.join(command[1:])} (in web/)")
        result = subprocess.run(command, cwd=web, capture_output=True, text=True)
        if result.returncode != 0:
            output = (result.stdout + result.stderr)[-4000:]
            raise ConsoleBuildError(f"`npm {' '.join(command[1:])}` failed in {web}:\n{output}\nTo build without it, {WAY_OUT}.")
    if not _is_built(dist):
        raise ConsoleBuildError(f"`npm run build` wrote no {DIST / 'index.html'}: check build.outDir in web/vite.config.ts")
    stamp.write_text(wanted + "\n")
    return dist


class ConsoleBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return  # the sdist ships web/'s sources; whoever builds a wheel from it builds the console
        try:
            dist = ensure_console(Path(self.root), self.app.display_info, self.app.display_warning)
        except ConsoleBuildError as error:
            self.app.display_error(str(error))
            raise
        if dist is not None and version == "standard":  # an editable install serves dist/ in place
            build_data["force_include"][str(dist)] = DIST_IN_WHEEL

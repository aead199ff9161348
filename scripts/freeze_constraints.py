"""Writes constraints.txt: the exact installed version of everything provgraph and its `test` extra need.

    .venv/bin/python scripts/freeze_constraints.py > constraints.txt

It walks pyproject.toml's runtime and test requirements through the installed distributions' own
requirements (markers evaluated for this interpreter), which is `pip freeze --exclude-editable`
trimmed to provgraph[test]'s closure: no bench extras, no tools that happen to be in the venv.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

HEADER = """\
# Pinned versions of everything provgraph and its `test` extra install: the versions the test suite
# last passed with. The README's two commands and .ci/run install with `-c constraints.txt`.
#
# Refresh it after changing dependencies in pyproject.toml, in a venv where the suite then passes:
#   .venv/bin/pip install -U -e '.[test]' && .venv/bin/python -m pytest
#   .venv/bin/python scripts/freeze_constraints.py > constraints.txt
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(requirements: list[str]) -> dict[str, tuple[str, str]]:
    environment = default_environment()
    found: dict[str, tuple[str, str]] = {}
    extras_seen: dict[str, set[str]] = {}
    pending = [Requirement(text) for text in requirements]
    while pending:
        requirement = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({**environment, "extra": ""}):
            continue
        key = canonical(requirement.name)
        new_extras = set(requirement.extras) - extras_seen.get(key, set())
        if key in found and not new_extras:
            continue
        extras = extras_seen.setdefault(key, set())
        extras |= set(requirement.extras)
        distribution = metadata.distribution(requirement.name)
        found[key] = (distribution.metadata["Name"], distribution.version)
        for text in distribution.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate({**environment, "extra": e}) for e in ("", *extras)):
                sub.marker = None
                pending.append(sub)
    return found


def main() -> int:
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
    pinned = closure(project["dependencies"] + project["optional-dependencies"]["test"])
    sys.stdout.write(HEADER)
    for name, version in sorted(pinned.values(), key=lambda pair: canonical(pair[0])):
        sys.stdout.write(f"{name}=={version}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

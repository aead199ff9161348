"""Locates the top-level resource folders (cypher/, graphql/, policies/).

An installed wheel carries them under provgraph/_resources; a source checkout (and an editable install)
has them at the repository's top level. One function answers for both so nothing else cares.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_resources" / name, _PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"provgraph resource folder {name!r} is missing from the installation")

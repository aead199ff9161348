"""What a run records about where it ran, gathered automatically: the git commit, the Python
environment and the hardware. Every probe is best effort: a missing `git` or `nvidia-smi` yields None or
an empty list, never an exception in the training script.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PROBE_TIMEOUT = 5.0


def _run(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=PROBE_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def script_dir() -> Path:
    """Where the running script lives (its repository is the code version), else the working directory."""
    main = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if main is not None and main.is_file():
        return main.resolve().parent
    return Path.cwd()


def without_credentials(url: str | None) -> str | None:
    """`https://user:token@host/repo.git` -> `https://host/repo.git`: a token must not end up in metadata."""
    if not url or "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _in_work_tree(where: Path) -> bool:
    return _run(["git", "rev-parse", "--is-inside-work-tree"], where) == "true"


def git_info(where: Path | None = None) -> dict[str, Any]:
    """{commit, repoUrl, branch, dirty} of the repository containing `where` (default: the running
    script's directory, else the working directory); all None outside a repository."""
    unknown = {"commit": None, "repoUrl": None, "branch": None, "dirty": None}
    if shutil.which("git") is None:
        return unknown
    candidates = [where] if where is not None else [script_dir(), Path.cwd()]
    where = next((c for c in candidates if _in_work_tree(c)), None)
    if where is None:
        return unknown
    status = _run(["git", "status", "--porcelain", "--untracked-files=no"], where)
    branch = _run(["git", "rev-parse", "--abbrev-ref", "HEAD"], where)
    return {
        "commit": _run(["git", "rev-parse", "HEAD"], where),
        "repoUrl": without_credentials(_run(["git", "config", "--get", "remote.origin.url"], where)),
        "branch": None if branch in (None, "HEAD") else branch,
        "dirty": None if status is None else bool(status),
    }


def installed_packages() -> list[str]:
    """`name==version` of every installed distribution, names normalised (PEP 503), sorted, unique."""
    found = set()
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"] if dist.metadata else None
        if name:
            found.add(f"{re.sub(r'[-_.]+', '-', name).lower()}=={dist.version}")
    return sorted(found)


def packages_digest(packages: list[str]) -> str:
    """The same digest the server computes: SHA-256 of the sorted list joined by newlines."""
    return hashlib.sha256("\n".join(sorted(packages)).encode("utf-8")).hexdigest()


def environment_info() -> dict[str, Any]:
    packages = installed_packages()
    return {
        "pythonVersion": platform.python_version(),
        "os": platform.platform(),
        "packages": packages,
        "packagesDigest": packages_digest(packages),
    }


def total_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def gpus() -> list[str]:
    """`<name>, <memory>` per NVIDIA GPU when nvidia-smi answers; empty otherwise (no GPU, or not NVIDIA)."""
    if shutil.which("nvidia-smi") is None:
        return []
    out = _run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"], Path.cwd())
    return [line.strip() for line in (out or "").splitlines() if line.strip()]


def hardware_info() -> dict[str, Any]:
    return {"cpuCount": os.cpu_count(), "memoryBytes": total_memory_bytes(), "gpus": gpus()}


def peak_memory_bytes() -> int | None:
    """The process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)

"""What the benches that run API processes of their own share: waiting until one answers."""

from __future__ import annotations

import subprocess
import time

import httpx


def wait_until_ready(url: str, process: subprocess.Popen, what: str, patience: float = 120) -> None:
    """Polls `url`/readyz until it answers 200; SystemExit naming `what` if the process dies or
    `patience` seconds pass first."""
    deadline = time.monotonic() + patience
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start")
        time.sleep(0.2)

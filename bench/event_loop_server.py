"""The API for `python -m bench loop`: `provgraph`'s app under uvicorn, configured by the environment,
with a ticker on its event loop that wakes every 2 ms and records every gap between wake-ups over
10 ms; on SIGTERM it writes the gaps (ms) as JSON to the path in argv[2] and stops."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import uvicorn

from provgraph.api.app import create_app
from provgraph.config import Settings

gaps: list[float] = []


async def ticker() -> None:
    last = time.perf_counter()
    while True:
        await asyncio.sleep(0.002)
        now = time.perf_counter()
        if now - last > 0.010:
            gaps.append(round((now - last) * 1000, 1))
        last = now


class TickingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, out: Path) -> None:
        super().__init__(config)
        self.out = out

    async def startup(self, sockets=None) -> None:  # type: ignore[no-untyped-def]
        await super().startup(sockets)
        self._ticker = asyncio.get_running_loop().create_task(ticker())

    async def shutdown(self, sockets=None) -> None:  # type: ignore[no-untyped-def]
        self.out.write_text(json.dumps(gaps))  # here: uvicorn re-raises SIGTERM once run() is done
        await super().shutdown(sockets)


if __name__ == "__main__":
    port, out = int(sys.argv[1]), Path(sys.argv[2])
    TickingServer(uvicorn.Config(create_app(Settings()), host="127.0.0.1", port=port, log_level="warning"), out).run()

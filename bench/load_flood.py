"""The unauthenticated flood of `python -m bench load` (c), in its own process.

`python -m bench.load_flood URL CONCURRENCY LIMIT`: CONCURRENCY connections to URL each POST
`{ me { name } }` to /graphql with a fresh guessed bearer token, one request after another, until LIMIT
requests are sent or the process gets SIGTERM; then it prints one JSON line: the answers by status (0: the
connection failed), how many, the seconds it ran and the CPU seconds it used.

Why a process of its own with raw sockets, not httpx in the bench's loop: the reader whose latency is
measured must not share an event loop with 200 attackers (it would be measuring its own client), and the
flood must cost the shared machine as little CPU as it can (httpx spends more per request than the
server does refusing it); the CPU it did use is reported next to the figure.
"""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import sys
import time
from urllib.parse import urlsplit

BODY = b'{"query": "{ me { name } }"}'


def _request(host: str, guess: int) -> bytes:
    return (
        f"POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer pgt_guess-{guess}\r\nContent-Length: {len(BODY)}\r\n\r\n"
    ).encode() + BODY


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status of one response, read whole, and whether the server closes the connection after it."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    fields = {name.strip().lower(): value.strip().lower() for name, _, value in (line.partition(":") for line in lines if line)}
    await reader.readexactly(int(fields.get("content-length", "0")))
    return int(status_line.split(" ", 2)[1]), fields.get("connection") == "close"


async def flood(url: str, concurrency: int, limit: int, stop: asyncio.Event) -> dict[int, int]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    statuses: dict[int, int] = {}
    sent = 0

    async def attacker() -> None:
        nonlocal sent
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while not stop.is_set() and sent < limit:
            sent += 1
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                reader, writer = connection
                writer.write(_request(host, sent))
                status, closes = await _answer(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status, closes = 0, True
            statuses[status] = statuses.get(status, 0) + 1
            if closes and connection is not None:
                connection[1].close()
                connection = None
        if connection is not None:
            connection[1].close()

    await asyncio.gather(*(attacker() for _ in range(concurrency)))
    return statuses


async def main(url: str, concurrency: int, limit: int) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    started = time.monotonic()
    print("flooding", flush=True)
    statuses = await flood(url, concurrency, limit, stop)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "requests": sum(statuses.values()),
        "seconds": time.monotonic() - started,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))

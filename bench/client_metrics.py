"""How fast the Python client logs metric points, batched: points per second from the first
`log_metrics` to the end of the `with` block (every point stored), through a real HTTP server.

    python bench/client_metrics.py [points] [batch_size ...]
    # e.g. python bench/client_metrics.py 200000 1000 10000 50000
NEO4J_URI, or starts the embedded server in a temp dir. Each run logs `points` points as 4 metrics
(loss, val_loss, acc, lr) x points/4 steps, the way a training loop calls `run.log_metrics({...}, step)`,
and reports the median of 3 runs per batch size, plus the share of the time spent in the server call.
"""

from __future__ import annotations

import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

from provgraph.api.app import create_app
from provgraph.client import Client
from provgraph.config import Settings

TOKEN = "pgt_bench-admin-token"
ROUNDS = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def neo4j_uri() -> tuple[str, object]:
    if os.environ.get("NEO4J_URI"):
        return os.environ["NEO4J_URI"], None
    from provgraph.embedded import server

    data_dir = Path(tempfile.mkdtemp(prefix="provgraph-bench-"))
    info = server.start(data_dir, port=free_port(), detached=False, heap="2g")
    return info.uri, (server, data_dir)


def one_run(client: Client, points: int, batch_size: int) -> tuple[float, float]:
    """(seconds to log and store every point, seconds of it spent in flush requests)."""
    steps = points // 4
    with client.start_run("bench/client-metrics", f"{points} points, batches of {batch_size}", batch_size=batch_size,
                          flush_interval=3600) as run:
        flushing = 0.0
        original = run.flush

        def timed_flush():  # the time inside the request, to tell client overhead from server time
            nonlocal flushing
            t = time.perf_counter()
            try:
                return original()
            finally:
                flushing += time.perf_counter() - t

        run.flush = timed_flush  # type: ignore[method-assign]
        started = time.perf_counter()
        for step in range(steps):
            run.log_metrics({"loss": 1 / (step + 1), "val_loss": 1.1 / (step + 1), "acc": 1 - 1 / (step + 2), "lr": 0.01}, step=step)
        run.flush()
        elapsed = time.perf_counter() - started
    stored = client.get_run(run.id).metric("loss").count
    assert stored == steps, f"stored {stored} of {steps} loss points"
    return elapsed, flushing


def main(points: int = 200_000, *batch_sizes: int) -> None:
    batch_sizes = batch_sizes or (1_000, 10_000, 50_000)
    uri, embedded = neo4j_uri()
    settings = Settings(NEO4J_URI=uri, PROVGRAPH_ADMIN_TOKEN=TOKEN)
    port = free_port()
    api = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=api.run, daemon=True).start()
    while not api.started:
        time.sleep(0.1)
    with Client(f"http://127.0.0.1:{port}", TOKEN, timeout=600) as client:
        one_run(client, 4_000, 1_000)  # warm-up: connections, query plans
        print(f"client metric logging, {points} points per run (4 metrics), median of {ROUNDS} runs:")
        for batch_size in batch_sizes:
            results = [one_run(client, points, batch_size) for _ in range(ROUNDS)]
            elapsed = statistics.median(r[0] for r in results)
            in_server = statistics.median(r[1] / r[0] for r in results)
            print(f"  batch {batch_size:>6}: {elapsed:6.2f} s  {points / elapsed:9.0f} points/s  "
                  f"({in_server:.0%} of it in flush requests)")
    api.should_exit = True
    if embedded:
        server, data_dir = embedded
        server.stop(data_dir)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

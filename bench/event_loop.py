"""`python -m bench loop`: how long the largest allowed mutation holds the API's event loop (issue 13:
no request may block it for more than ~100 ms).

The API runs in a process of its own (bench/event_loop_server.py) with a 2 ms ticker on its loop; this
process sends `--batches` rounds of an upsertEntities of `--size` entities (10,000: the limit) and a
recordProcesses at its limits (1,000 runs, 10,000 inputs and outputs), one request after the other,
and reports the longest gap between the ticker's wake-ups during them, against the longest gap while the
same server sat idle for as long (the baseline: what the machine's scheduling alone costs).
NEO4J_URI names a Neo4j the bench may write to (it adds entities under bench://loop/).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from .provgraph_system import free_port
from .serving import wait_until_ready

TOKEN = "pgt_bench-loop-admin-token"
UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }"
RECORD = "mutation($in: [ProcessInput!]!) { recordProcesses(input: $in) { id } }"


def _gaps(uri: str, work: Any) -> tuple[list[float], float]:
    """Starts the ticking server, runs work(url), stops it; its gaps and the seconds work took."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gaps.json"
        env = {**os.environ, "NEO4J_URI": uri, "PROVGRAPH_ADMIN_TOKEN": TOKEN}
        server = subprocess.Popen([sys.executable, "-m", "bench.event_loop_server", str(port), str(out)],
                                  cwd=Path(__file__).resolve().parent.parent, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(url, server, "the bench's API")
            time.sleep(2)  # startup's own work (schema, sequencer's first pass) is not what is measured
            started = time.perf_counter()
            work(url)
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=60)
        return json.loads(out.read_text()), elapsed


def _batch(tag: str, size: int) -> list[dict[str, Any]]:
    return [{"type": "DATASET", "qualifiedName": f"bench://loop/{tag}/{i}", "name": f"d{i}", "description": "a table",
             "properties": {"rows": i, "format": "parquet"}, "owners": ["bench"]} for i in range(size)]


def _processes(tag: str, count: int = 1_000, refs: int = 10) -> list[dict[str, Any]]:
    """recordProcesses at its limits: 1,000 runs, 10,000 inputs and outputs in all."""
    return [{"type": "RUN", "qualifiedName": f"bench://loop/{tag}/run/{i}", "properties": {"epoch": i},
             "inputs": [{"type": "DATASET", "qualifiedName": f"bench://loop/{tag}/in/{i}/{j}"} for j in range(refs // 2)],
             "outputs": [{"type": "DATASET", "qualifiedName": f"bench://loop/{tag}/out/{i}/{j}"} for j in range(refs - refs // 2)]}
            for i in range(count)]


def run_loop(size: int = 10_000, batches: int = 3) -> dict[str, Any]:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise SystemExit("set NEO4J_URI to a Neo4j the bench may write to (e.g. bolt://127.0.0.1:7708)")
    stamp = f"{time.time():.0f}"
    answers: list[float] = []

    recorded: list[float] = []

    def batches_at_the_limits(url: str) -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600) as client:
            for index in range(batches):
                for query, field, values, times in ((UPSERT, "upsertEntities", _batch(f"{stamp}/{index}", size), answers),
                                                    (RECORD, "recordProcesses", _processes(f"{stamp}/{index}"), recorded)):
                    started = time.perf_counter()
                    body = client.post(f"{url}/graphql", json={"query": query, "variables": {"in": values}}).json()
                    times.append(time.perf_counter() - started)
                    assert not body.get("errors") and len(body["data"][field]) == len(values), str(body)[:300]

    loaded, elapsed = _gaps(uri, batches_at_the_limits)
    idle, _ = _gaps(uri, lambda url: time.sleep(elapsed))
    return {
        "size": size, "batches": batches, "answer_s_median": round(statistics.median(answers), 2),
        "record_processes_s_median": round(statistics.median(recorded), 2),
        "max_gap_ms": max(loaded, default=0.0), "gaps_over_100_ms": sum(gap > 100 for gap in loaded),
        "gaps_over_50_ms": sum(gap > 50 for gap in loaded), "idle_max_gap_ms": max(idle, default=0.0),
        "longest_gaps_ms": sorted(loaded, reverse=True)[:10],
    }


def table(result: dict[str, Any]) -> str:
    return (f"{result['batches']} x (upsertEntities of {result['size']} entities, median answer {result['answer_s_median']} s;"
            f" recordProcesses of 1,000 runs with 10,000 inputs and outputs, {result['record_processes_s_median']} s):\n"
            f"  longest event-loop gap  {result['max_gap_ms']:.0f} ms (idle server: {result['idle_max_gap_ms']:.0f} ms; target ~100 ms)\n"
            f"  gaps over 100 ms: {result['gaps_over_100_ms']}, over 50 ms: {result['gaps_over_50_ms']}\n"
            f"  the ten longest: {result['longest_gaps_ms']}")

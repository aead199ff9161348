"""`python -m bench load`: provgraph under load (issue 13), every figure a ratio against a baseline
measured in the same run.

Three API replicas, each its own uvicorn process on 127.0.0.1, share one Neo4j (NEO4J_URI, emptied):
A and C audit everything, B has read auditing off (PROVGRAPH_AUDIT_READS=false, the baseline of (a)).

(a) audited lineage reads (depth 4, ~150 nodes) at concurrency 16 on A vs the same on B, in alternating
    rounds; SHOW TRANSACTIONS is sampled meanwhile for transactions blocked on a lock.
(b) writes that take no propagation lock, by 8 concurrent writers across A and C vs 1 writer on A, for
    each kind: one-entity upserts (no container), metric appends, new parameters; each warmed up first.
(c) an authenticated lineage read's p50 on A while 200 concurrent unauthenticated requests hit A, vs its
    idle p50; the flood runs in a process of its own (bench/load_flood.py). The same on C, whose refusals
    are answered at once (PROVGRAPH_AUTH_REFUSAL_DELAY_SECONDS=0), for what the refusal delay is worth.
Every request goes to 127.0.0.1, bounded in count.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
from neo4j import GraphDatabase

from .provgraph_system import free_port
from .serving import wait_until_ready

TOKEN = "pgt_bench-load-admin-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
RECORD = "mutation($in: [ProcessInput!]!) { recordProcesses(input: $in) { id } }"
UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }"
LINEAGE = "query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 4) { nodes { id distance } } }"
SOURCE = {"type": "DATASET", "qualifiedName": "bench://load/source"}
START_RUN = "mutation($in: StartRunInput!) { startRun(input: $in) { id } }"
LOG_METRICS = "mutation($r: ID!, $m: [MetricBatchInput!]!) { logMetrics(runId: $r, metrics: $m) { name } }"
LOG_PARAMS = "mutation($r: ID!, $p: JSON!) { logParams(runId: $r, params: $p) { name } }"


@dataclass(frozen=True)
class Replica:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU the replica's process has used (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def replica(uri: str, **env: str) -> Iterator[Replica]:
    """One API replica in its own process."""
    port = free_port()
    environment = {**os.environ, "NEO4J_URI": uri, "PROVGRAPH_ADMIN_TOKEN": TOKEN, **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.load_server:app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=Path(__file__).resolve().parent.parent, env=environment,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process, f"replica on port {port}")
        yield Replica(url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)


def load_lineage(url: str) -> str:
    """source -> 5 runs -> 20 datasets -> 20 runs -> 100 datasets: 146 nodes within depth 4."""
    client = httpx.Client(base_url=url, headers=HEADERS, timeout=120)
    first = [{"type": "RUN", "qualifiedName": f"bench://load/r1/{i}", "inputs": [SOURCE],
              "outputs": [{"type": "DATASET", "qualifiedName": f"bench://load/d1/{i}/{j}"} for j in range(4)]} for i in range(5)]
    second = [{"type": "RUN", "qualifiedName": f"bench://load/r2/{i}/{j}",
               "inputs": [{"type": "DATASET", "qualifiedName": f"bench://load/d1/{i}/{j}"}],
               "outputs": [{"type": "DATASET", "qualifiedName": f"bench://load/d2/{i}/{j}/{k}"} for k in range(5)]}
              for i in range(5) for j in range(4)]
    client.post("/graphql", json={"query": UPSERT, "variables": {"in": [SOURCE]}}).raise_for_status()
    for batch in (first, second):
        body = client.post("/graphql", json={"query": RECORD, "variables": {"in": batch}}).json()
        assert not body.get("errors"), body
    body = client.post("/graphql", json={"query": UPSERT, "variables": {"in": [SOURCE]}}).json()
    return body["data"]["upsertEntities"][0]["id"]


async def throughput(requests: list[tuple[str, dict[str, Any]]], concurrency: int, headers: dict | None = None) -> float:
    """Requests per second for (url, GraphQL payload) pairs sent by `concurrency` workers."""
    queue = list(reversed(requests))
    async with httpx.AsyncClient(headers=headers or HEADERS, timeout=120) as client:
        async def worker() -> None:
            while queue:
                url, payload = queue.pop()
                body = (await client.post(f"{url}/graphql", json=payload)).json()
                assert not body.get("errors"), body
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(requests) / (time.perf_counter() - started)


async def latencies(url: str, payload: dict[str, Any], count: int, failed: list[int] | None = None) -> list[float]:
    """Seconds each of `count` sequential requests took. A request answered other than 200 fails the
    run, unless `failed` is given: then its status is added there and its time left out."""
    async with httpx.AsyncClient(headers=HEADERS, timeout=120) as client:
        seconds = []
        for _ in range(count):
            started = time.perf_counter()
            response = await client.post(f"{url}/graphql", json=payload)
            if response.status_code != 200 and failed is not None:
                failed.append(response.status_code)
                continue
            seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        return seconds


class BlockedSampler:
    """Samples SHOW TRANSACTIONS every 50 ms in a thread: how many transactions wait on a lock."""

    def __init__(self, uri: str) -> None:
        self._driver = GraphDatabase.driver(uri)
        self._stop = threading.Event()
        self.samples: list[int] = []
        self.total: list[int] = []

    def __enter__(self) -> "BlockedSampler":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._driver.close()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            with self._driver.session() as session:
                rows = session.run("SHOW TRANSACTIONS YIELD status RETURN status").data()
            self.samples.append(sum(row["status"].startswith("Blocked") for row in rows))
            self.total.append(len(rows) - 1)  # not counting this one


def reads_with_and_without_audit(uri: str, audited: str, unaudited: str, source_id: str, rounds: int, per_round: int) -> dict[str, Any]:
    payload = {"query": LINEAGE, "variables": {"id": source_id}}
    figures: dict[str, list[float]] = {"audited": [], "unaudited": []}
    blocked: list[int] = []
    for _ in range(rounds):
        with BlockedSampler(uri) as sampler:
            figures["audited"].append(asyncio.run(throughput([(audited, payload)] * per_round, 16)))
        blocked += sampler.samples
        figures["unaudited"].append(asyncio.run(throughput([(unaudited, payload)] * per_round, 16)))
    audited_rate, unaudited_rate = statistics.median(figures["audited"]), statistics.median(figures["unaudited"])
    return {
        "audited_rps": audited_rate, "unaudited_rps": unaudited_rate, "ratio": audited_rate / unaudited_rate,
        "blocked_max": max(blocked, default=0), "blocked_mean": statistics.fmean(blocked) if blocked else 0.0,
        "samples": len(blocked), "rounds": rounds, "per_round": per_round,
    }


WRITE_KINDS = ("upserts", "metrics", "params")


def writers(one: str, two: str, count: int) -> dict[str, Any]:
    """The three kinds of write that cannot change propagation (issue 13): a one-entity upsert (no
    container), a metrics append (10 points) and a new parameter, each into a run of its own writer's.
    Each kind is warmed up first on both replicas (Neo4j's JIT compiles the write path during the first
    few hundred commits: the first 160 metric writes cost 16 ms of its CPU each, later ones 5 ms)."""
    client = httpx.Client(headers=HEADERS, timeout=120)
    runs = [client.post(f"{one}/graphql", json={"query": START_RUN, "variables": {"in": {"experiment": "bench/w", "qualifiedName": f"bench://w/run/{i}"}}}).json()["data"]["startRun"]["id"]
            for i in range(9)]

    def requests(kind: str, prefix: str, urls: list[str], run_ids: list[str]) -> list[tuple[str, dict[str, Any]]]:
        def payload(i: int) -> dict[str, Any]:
            run = run_ids[i % len(run_ids)]
            if kind == "metrics":
                return {"query": LOG_METRICS, "variables": {"r": run, "m": [{"name": f"{prefix}-loss", "values": [0.5] * 10, "steps": list(range(i * 10, i * 10 + 10))}]}}
            if kind == "params":
                return {"query": LOG_PARAMS, "variables": {"r": run, "p": {f"{prefix}-{i}": i}}}
            return {"query": UPSERT, "variables": {"in": [{"type": "DATASET", "qualifiedName": f"bench://w/{prefix}/{i}"}]}}
        return [(urls[i % len(urls)], payload(i)) for i in range(count)]

    results: dict[str, Any] = {"writes": count}
    for kind in WRITE_KINDS:
        asyncio.run(throughput(requests(kind, "warm", [one, two], runs[:8]), 8))
        single = asyncio.run(throughput(requests(kind, "single", [one], runs[8:]), 1))
        eight = asyncio.run(throughput(requests(kind, "eight", [one, two], runs[:8]), 8))
        results[kind] = {"one_writer_wps": single, "eight_writers_wps": eight, "ratio": eight / single}
    return results


def under_unauthenticated_flood(
    target: Replica, source_id: str, count: int, rounds: int = 3, concurrency: int = 200, limit: int = 20_000
) -> dict[str, Any]:
    """The lineage's p50 on `target` with no flood vs while bench/load_flood.py (its own process) floods
    it: `rounds` alternations of count/rounds reads each way, since a shared machine's load drifts within
    a minute and alternating puts both p50s in the same conditions. Between its phases the flood is
    stopped (SIGSTOP), so an idle phase sees no flood traffic at all."""
    payload = {"query": LINEAGE, "variables": {"id": source_id}}
    per_phase = max(1, count // rounds)
    idle: list[float] = []
    loaded: list[float] = []
    failed: list[int] = []  # a replica's loop starved long enough fails Bolt deadlines: 503
    flooding = measured = replica_cpu = 0.0
    flood = subprocess.Popen(
        [sys.executable, "-m", "bench.load_flood", target.url, str(concurrency), str(limit)],
        cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert flood.stdout is not None and flood.stdout.readline().strip() == "flooding"
        for _ in range(rounds):
            flood.send_signal(signal.SIGSTOP)
            time.sleep(1.5)  # the refusals in flight answered (they wait 1 s at most) and quiet
            idle += asyncio.run(latencies(target.url, payload, per_phase))
            flood.send_signal(signal.SIGCONT)
            resumed = time.monotonic()
            time.sleep(1.0)  # the flood is running again: past the threshold, every guess is refused
            cpu_before, started = target.cpu_seconds(), time.monotonic()
            loaded += asyncio.run(latencies(target.url, payload, per_phase, failed))
            replica_cpu += target.cpu_seconds() - cpu_before
            measured += time.monotonic() - started
            flooding += time.monotonic() - resumed
    finally:
        flood.send_signal(signal.SIGCONT)
        flood.send_signal(signal.SIGTERM)
        output, _ = flood.communicate(timeout=120)
    report = json.loads(output.strip().splitlines()[-1])
    idle_p50, loaded_p50 = statistics.median(idle), statistics.median(loaded) if loaded else float("nan")
    return {
        "idle_p50_ms": idle_p50 * 1000, "flood_p50_ms": loaded_p50 * 1000, "ratio": loaded_p50 / idle_p50,
        "reads_failed": {str(status): failed.count(status) for status in sorted(set(failed))},
        "flood_statuses": report["statuses"], "flood_requests": report["requests"],
        "flood_rps": report["requests"] / flooding,
        # What the flood cost the shared machine while it ran: its own client's CPU and the flooded
        # replica's (the measured reads included), each as a share of one core.
        "flood_client_cpu_share": report["cpu_seconds"] / flooding,
        "replica_cpu_share": replica_cpu / measured, "reads": len(idle) + len(loaded) + len(failed), "rounds": rounds,
    }


def stored_events(uri: str) -> dict[str, int]:
    with GraphDatabase.driver(uri) as driver, driver.session() as session:
        row = session.run("OPTIONAL MATCH (e:AuditEvent) WITH count(e) AS chained "
                          "OPTIONAL MATCH (p:PendingAuditEvent) RETURN chained, count(p) AS pending").single()
        return {"chained": row["chained"], "pending": row["pending"]}


def empty(uri: str) -> None:
    with GraphDatabase.driver(uri) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def run_load(rounds: int = 3, per_round: int = 160, writes: int = 240, latency_reads: int = 40) -> dict[str, Any]:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise SystemExit("set NEO4J_URI to a Neo4j the bench may empty (e.g. bolt://127.0.0.1:7708)")
    empty(uri)
    with (
        replica(uri) as a,
        replica(uri, PROVGRAPH_AUDIT_READS="false") as b,
        replica(uri, PROVGRAPH_AUTH_REFUSAL_DELAY_SECONDS="0") as c,
    ):
        source_id = load_lineage(a.url)
        results = {
            "reads": reads_with_and_without_audit(uri, a.url, b.url, source_id, rounds, per_round),
            "writes": writers(a.url, c.url, writes),
            "flood": under_unauthenticated_flood(a, source_id, latency_reads),
            "flood_no_delay": under_unauthenticated_flood(c, source_id, latency_reads),
        }
    results["events_after"] = stored_events(uri)  # the replicas' shutdown chained what was pending
    return results


def table(results: dict[str, Any]) -> str:
    r, w, f, f0 = results["reads"], results["writes"], results["flood"], results["flood_no_delay"]
    rows = [
        ("(a) lineage d4 @16, audited vs read audit off", f"{r['audited_rps']:.1f} vs {r['unaudited_rps']:.1f} req/s", f"{r['ratio']:.2f}x", ">= 0.9x"),
        ("(a) transactions blocked on a lock (sampled)", f"max {r['blocked_max']}, mean {r['blocked_mean']:.2f} of {r['samples']} samples", "", "0"),
        *((f"(b) {kind}, 8 writers on 2 replicas vs 1", f"{w[kind]['eight_writers_wps']:.1f} vs {w[kind]['one_writer_wps']:.1f} writes/s",
           f"{w[kind]['ratio']:.2f}x", ">= 2x") for kind in WRITE_KINDS),
        ("(c) lineage p50 under 200 unauthenticated vs idle", f"{f['flood_p50_ms']:.0f} vs {f['idle_p50_ms']:.0f} ms", f"{f['ratio']:.2f}x", "<= 2x"),
        ("(c) the same, refusals not delayed (replica C)", f"{f0['flood_p50_ms']:.0f} vs {f0['idle_p50_ms']:.0f} ms", f"{f0['ratio']:.2f}x", "(no target)"),
    ]
    width = max(len(row[0]) for row in rows)
    lines = [f"{'figure':<{width}} | measured | ratio | target", "-" * (width + 40)]
    lines += [f"{a:<{width}} | {b} | {c} | {d}" for a, b, c, d in rows]
    for name, flood in (("(c)", f), ("(c) no delay", f0)):
        lines.append(f"{name} flood: {flood['flood_requests']} requests, {flood['flood_rps']:.0f}/s, by status "
                     f"(0: connection failed) {flood['flood_statuses']}; CPU share of one core: flood client "
                     f"{flood['flood_client_cpu_share']:.2f}, flooded replica {flood['replica_cpu_share']:.2f}; "
                     f"reads failed under it: {flood['reads_failed'] or 'none'}")
    lines.append(f"audit events after: {results['events_after']}")
    return "\n".join(lines)

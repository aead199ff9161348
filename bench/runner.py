"""One benchmark run: the same generated graph into provgraph, raw Cypher and MLMD, then every read and
write figure measured in the same process, each next to its baseline from this run.

WARNING: empties the Neo4j it is pointed at (NEO4J_URI).
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable

from . import mlmd_system
from .cypher_system import CypherSystem
from .generator import LineageGraph, Shape, generate
from .provgraph_system import ProvgraphSystem

DEPTHS = (2, 4, 6)
STARTS = 20
RESTRICTED = "PII"  # built in, restricted: hides what carries it from a data-scientist
PROPAGATED = "BENCH_PROPAGATION"  # not restricted, so it changes no other figure
RAW_PROPAGATED = "BENCH_PROPAGATION_RAW"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(seconds: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(seconds, 0.5) * 1000, "p95_ms": percentile(seconds, 0.95) * 1000, "n": len(seconds)}


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(size: int, out_dir: Path, *, with_mlmd: bool = True, seed: int = 7, profile: bool = False,
        starts: int = STARTS) -> dict[str, Any]:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise SystemExit("set NEO4J_URI to a Neo4j the bench may empty (e.g. bolt://127.0.0.1:7708)")
    shape = Shape(entities=size, seed=seed)
    graph = generate(shape)
    log(f"generated {graph.entity_count} entities, {graph.edge_count} edges (layer width {shape.layer_width})")
    mlmd_skip = None if with_mlmd else "disabled with --no-mlmd"
    mlmd_skip = mlmd_skip or mlmd_system.available()
    results: dict[str, Any] = {
        "meta": {
            "started": datetime.now(UTC).isoformat(),
            "size": size,
            "entities": graph.entity_count,
            "edges": graph.edge_count,
            "shape": shape.__dict__ | {"layer_width": shape.layer_width},
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                        "load_average": os.getloadavg()},
            "mlmd": mlmd_skip or "ml-metadata on SQLite",
            "profiled": profile,
            "starts": starts,
        }
    }
    raw = CypherSystem(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD"))
    raw.wipe()
    pg = ProvgraphSystem(uri)
    mlmd = None if mlmd_skip else mlmd_system.MlmdSystem(Path(tempfile.mkdtemp(prefix="bench-mlmd-")) / "mlmd.sqlite")
    try:
        profiles = out_dir / f"profile-{size}" if profile else None
        results["ingest"] = ingest(graph, pg, raw, mlmd, profiles)
        setup(graph, pg)
        rng = random.Random(seed)
        untagged = sorted(set(graph.sources) - set(graph.tagged))
        starts = rng.sample(untagged, min(starts, len(untagged)))
        results["floor"] = floor(pg, raw)
        results["lineage"] = lineage(graph, pg, raw, mlmd, starts)
        if profiles is not None:
            lineage_queries = pg.profiled(lambda: [pg.lineage(s, max(DEPTHS)) for s in starts], profiles / "lineage.txt")
            results["lineage"][str(max(DEPTHS))]["provgraph_queries"] = lineage_queries
        results["authorization"] = authorization(pg, starts)
        big = largest_downstream(graph, rng)
        results["impact"] = impact(graph, pg, raw, mlmd, big)
        results["propagation"] = propagation(pg, raw, big)
    finally:
        pg.close()
        raw.drop_copy()
        raw.close()
    results["checks"] = {
        "lineage_node_sets_equal": all(d["node_sets_equal"] for d in results["lineage"].values()),
        "impact_totals_equal": results["impact"]["totals_equal"],
        "propagation_assignments_equal": results["propagation"]["assignments_equal"],
    }
    results["targets"] = targets(results)
    results["meta"]["finished"] = datetime.now(UTC).isoformat()
    return results


def ingest(graph: LineageGraph, pg: ProvgraphSystem, raw: CypherSystem, mlmd, profiles: Path | None) -> dict[str, Any]:
    n = graph.entity_count
    out: dict[str, Any] = {"entities": n}
    log("ingest: raw Cypher UNWIND")
    seconds, _ = timed(lambda: raw.ingest(graph))
    out["raw_cypher"] = {"seconds": seconds, "entities_per_s": n / seconds}
    log(f"  {seconds:.1f} s; MLMD")
    if mlmd is not None:
        seconds, _ = timed(lambda: mlmd.ingest(graph))
        out["mlmd"] = {"seconds": seconds, "entities_per_s": n / seconds}
        log(f"  {seconds:.1f} s; provgraph GraphQL")
    if profiles is None:
        seconds, _ = timed(lambda: pg.ingest(graph))
    else:  # the figure then includes the profiler's overhead
        seconds, out["provgraph_queries"] = timed(lambda: pg.profiled(lambda: pg.ingest(graph), profiles / "ingest.txt"))
    out["provgraph"] = {"seconds": seconds, "entities_per_s": n / seconds}
    log(f"  {seconds:.1f} s")
    out["provgraph_vs_raw_cypher"] = out["provgraph"]["entities_per_s"] / out["raw_cypher"]["entities_per_s"]
    if mlmd is not None:
        out["provgraph_vs_mlmd"] = out["provgraph"]["entities_per_s"] / out["mlmd"]["entities_per_s"]
    return out


def setup(graph: LineageGraph, pg: ProvgraphSystem) -> None:
    """Tags the tagged sources PII (propagated by provgraph) and adds a data-scientist (not timed)."""
    log(f"setup: tagging {len(graph.tagged)} sources {RESTRICTED}")
    for name in graph.tagged:
        pg.classify(name, RESTRICTED)
    pg.add_principal("data-scientist")
    pg.define(PROPAGATED, restricted=False)
    pg.define(RAW_PROPAGATED, restricted=False)


def floor(pg: ProvgraphSystem, raw: CypherSystem, repeat: int = 40) -> dict[str, Any]:
    """What any request costs before it reads the graph: provgraph's `{ me { name } }` (HTTP, token
    lookup, GraphQL) vs raw Cypher's `RETURN 1`. A lineage ratio can never be lower than this ratio
    allows, whatever the traversal costs."""
    log("request floor: authenticated GraphQL `me` vs raw Cypher `RETURN 1`")
    times: dict[str, list[float]] = {"provgraph": [], "raw_cypher": []}
    for i in range(repeat + 5):  # five warm-up rounds
        pg_seconds, _ = timed(lambda: pg.call("{ me { name } }"))
        raw_seconds, _ = timed(lambda: raw.run("RETURN 1 AS one"))
        if i >= 5:
            times["provgraph"].append(pg_seconds)
            times["raw_cypher"].append(raw_seconds)
    out: dict[str, Any] = {system: summary(t) for system, t in times.items()}
    out["provgraph_vs_raw_cypher"] = out["provgraph"]["p50_ms"] / out["raw_cypher"]["p50_ms"]
    return out


def lineage(graph: LineageGraph, pg: ProvgraphSystem, raw: CypherSystem, mlmd, starts: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for depth in DEPTHS:
        log(f"lineage downstream depth {depth} from {len(starts)} starts")
        times: dict[str, list[float]] = {"provgraph": [], "raw_cypher": [], "mlmd": []}
        sizes, mismatches, truncated = [], [], 0
        # One untimed pass warms caches and query plans in every system.
        pg.lineage(starts[0], depth)
        raw.lineage(pg.ids[starts[0]], depth)
        if mlmd is not None:
            mlmd.lineage(starts[0], depth)
        for start in starts:
            expected = set(graph.reach(start, depth))
            seconds, answer = timed(lambda: pg.lineage(start, depth))
            times["provgraph"].append(seconds)
            truncated += answer["truncated"]
            seconds, raw_ids = timed(lambda: raw.lineage(pg.ids[start], depth))
            times["raw_cypher"].append(seconds)
            raw_names = {pg.names[i] for i in raw_ids}
            answers = {"provgraph": answer["names"], "raw_cypher": raw_names}
            if mlmd is not None:
                seconds, mlmd_names = timed(lambda: mlmd.lineage(start, depth))
                times["mlmd"].append(seconds)
                answers["mlmd"] = mlmd_names
            sizes.append(len(expected))
            for system, names in answers.items():
                if names != expected:
                    mismatches.append({"start": start, "system": system, "expected": len(expected), "got": len(names),
                                       "missing": sorted(expected - names)[:5], "extra": sorted(names - expected)[:5]})
        row: dict[str, Any] = {
            "nodes_p50": statistics.median(sizes), "nodes_min": min(sizes), "nodes_max": max(sizes),
            "provgraph": summary(times["provgraph"]), "raw_cypher": summary(times["raw_cypher"]),
            "truncated": truncated, "node_sets_equal": not mismatches, "mismatches": mismatches[:10],
        }
        row["provgraph_vs_raw_cypher"] = row["provgraph"]["p50_ms"] / row["raw_cypher"]["p50_ms"]
        if mlmd is not None:
            row["mlmd"] = summary(times["mlmd"])
            row["provgraph_vs_mlmd"] = row["provgraph"]["p50_ms"] / row["mlmd"]["p50_ms"]
        out[str(depth)] = row
    return out


def authorization(pg: ProvgraphSystem, starts: list[str]) -> dict[str, Any]:
    """The depth-6 lineage from the same starts as data-scientist (PII-carrying nodes masked) vs admin,
    interleaved so load on the machine hits both alike."""
    log("authorization: depth 6 as data-scientist vs admin")
    depth = max(DEPTHS)
    times: dict[str, list[float]] = {"admin": [], "data-scientist": []}
    restricted, nodes = [], []
    for role in times:
        pg.lineage(starts[0], depth, role)  # warm
    for start in starts:
        for role in times:
            seconds, answer = timed(lambda: pg.lineage(start, depth, role))
            times[role].append(seconds)
            if role == "data-scientist":
                restricted.append(answer["restricted"])
                nodes.append(len(answer["names"]))
    out = {role: summary(t) for role, t in times.items()}
    out["depth"] = depth
    out["nodes_p50"] = statistics.median(nodes)
    out["restricted_p50"] = statistics.median(restricted)
    out["data_scientist_vs_admin"] = out["data-scientist"]["p50_ms"] / out["admin"]["p50_ms"]
    return out


def largest_downstream(graph: LineageGraph, rng: random.Random, candidates: int = 30) -> str:
    """Among some untagged sources, the one reaching the most entities downstream."""
    untagged = sorted(set(graph.sources) - set(graph.tagged))
    sample = rng.sample(untagged, min(candidates, len(untagged)))
    return max(sample, key=lambda s: (len(graph.reach(s)), s))


def impact(graph: LineageGraph, pg: ProvgraphSystem, raw: CypherSystem, mlmd, source: str, repeat: int = 5) -> dict[str, Any]:
    expected = len(graph.reach(source, 20)) - 1
    log(f"impact from {source}: {expected} entities downstream")
    times: dict[str, list[float]] = {"provgraph": [], "raw_cypher": [], "mlmd": []}
    totals: dict[str, int] = {}
    for i in range(repeat + 1):  # the first round warms up
        seconds, answer = timed(lambda: pg.impact(source))
        totals["provgraph"] = answer["total"]
        truncated = answer["truncated"]
        if i:
            times["provgraph"].append(seconds)
        seconds, total = timed(lambda: raw.impact(pg.ids[source]))
        totals["raw_cypher"] = total
        if i:
            times["raw_cypher"].append(seconds)
        if mlmd is not None:
            seconds, names = timed(lambda: mlmd.lineage(source, 20))
            totals["mlmd"] = len(names) - 1
            if i:
                times["mlmd"].append(seconds)
    out: dict[str, Any] = {"source": source, "expected": expected, "totals": totals, "provgraph_truncated": truncated,
                           "totals_equal": all(t == expected for t in totals.values()) or (truncated and totals["raw_cypher"] == expected)}
    for system, t in times.items():
        if t:
            out[system] = summary(t)
    out["provgraph_vs_raw_cypher"] = out["provgraph"]["p50_ms"] / out["raw_cypher"]["p50_ms"]
    if mlmd is not None:
        out["provgraph_vs_mlmd"] = out["provgraph"]["p50_ms"] / out["mlmd"]["p50_ms"]
    return out


def propagation(pg: ProvgraphSystem, raw: CypherSystem, source: str) -> dict[str, Any]:
    """classify(source) end to end through GraphQL vs one raw statement writing the same assignments
    (under a second classification, so the two do not meet), then the two assignment sets compared."""
    log(f"propagation from {source}")
    source_id = pg.ids[source]
    raw_seconds, written = timed(lambda: raw.propagate(source_id, RAW_PROPAGATED))
    pg_seconds, _ = timed(lambda: pg.classify(source, PROPAGATED))
    ours, theirs = raw.assignments(source_id, PROPAGATED), raw.assignments(source_id, RAW_PROPAGATED)
    raw.undo_propagation(source_id, RAW_PROPAGATED)
    return {
        "source": source,
        "assignments": len(ours),
        "raw_written": written,
        "assignments_equal": ours == theirs,
        "provgraph": {"seconds": pg_seconds},
        "raw_cypher": {"seconds": raw_seconds},
        "provgraph_vs_raw_cypher": pg_seconds / raw_seconds,
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 8's targets, each as a ratio from this run."""
    ingest, lineage = results["ingest"], results["lineage"]
    out = []

    def target(name: str, value: float | None, limit: float, at_least: bool) -> None:
        met = None if value is None else (value >= limit if at_least else value <= limit)
        out.append({"target": name, "value": value, "limit": limit, "at_least": at_least, "met": met})

    target("ingest provgraph/MLMD entities/s", ingest.get("provgraph_vs_mlmd"), 10, True)
    target("ingest provgraph/raw Cypher entities/s", ingest["provgraph_vs_raw_cypher"], 0.5, True)
    big = [d for d, row in lineage.items() if row["nodes_p50"] >= 500] or [str(max(DEPTHS))]
    for d in big:
        target(f"lineage depth {d} p50 provgraph/MLMD ({lineage[d]['nodes_p50']:.0f} nodes)",
               lineage[d].get("provgraph_vs_mlmd"), 1.0, False)
    for d, row in lineage.items():
        target(f"lineage depth {d} p50 provgraph/raw Cypher", row["provgraph_vs_raw_cypher"], 1.5, False)
    target("propagation provgraph/raw Cypher", results["propagation"]["provgraph_vs_raw_cypher"], 2.0, False)
    target("authorization data-scientist/admin p50", results["authorization"]["data_scientist_vs_admin"], 1.2, False)
    return out

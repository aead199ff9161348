"""Propagation at scale: tag one source that has ~100,000 entities downstream, then change the graph
under it, and check after every step that the stored copies equal the rule.

    NEO4J_URI=bolt://127.0.0.1:7703 PYTHONPATH=src python bench/propagation_fanout.py --wipe [--runs 100]

NEO4J_URI must point at a Neo4j this script may empty (`--wipe` says so). The graph, loaded with raw
Cypher (loading is not what is measured), is an ML lineage fan-out, five hops deep, with alternate paths:

    raw -> 100 etl runs -> 10 datasets each (1,000) -> 1 run each (1,000, each also reading 2 other
    first-level datasets) -> 10 datasets each (10,000) => 9 features each (90,000)

That is 102,100 entities downstream of `raw`. Every measured step is one service call = one managed
transaction, exactly as a GraphQL mutation runs it:

    classify raw PII          the 102,100 copies are written
    link (small change)       a new run reads a deep dataset: a handful of copies
    unlink (big change)       raw -> etl-0: the etl-0 subtree loses its tags except where another
                              path reaches it
    block / unblock           the same change expressed as a block on raw -> etl-1, then undone
    declassify raw PII        every copy goes

After each step the copies are compared with a breadth-first search in Python over every edge.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from collections import deque

from neo4j import GraphDatabase

from provgraph.domain.principals import Principal
from provgraph.services.container import Services
from provgraph.store.database import Database

ADMIN = Principal(name="bench-admin", roles=("admin",))
PROPAGATION_TYPES = "INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES|HAS_VERSION|HAS_FEATURE|HAS_RUN"


def new_id() -> str:
    return str(uuid.uuid4())


def load_graph(driver, runs: int, seed: int = 7) -> tuple[str, int]:
    """Loads the fan-out; returns raw's id and the number of entities downstream of it."""
    rng = random.Random(seed)
    nodes: list[dict] = []
    edges: list[dict] = []

    def node(label: str, name: str) -> str:
        entity_id = new_id()
        nodes.append({"id": entity_id, "label": label, "qn": f"bench://{name}"})
        return entity_id

    def edge(kind: str, source: str, target: str) -> None:
        edges.append({"kind": kind, "s": source, "t": target})

    raw = node("Dataset", "raw")
    level2 = []
    for r in range(runs):
        etl = node("Run", f"etl-{r}")
        edge("INPUT_TO", raw, etl)
        for d in range(10):
            out = node("Dataset", f"etl-{r}/out-{d}")
            edge("PRODUCED", etl, out)
            level2.append(out)
    for i, dataset in enumerate(level2):
        train = node("Run", f"train-{i}")
        edge("INPUT_TO", dataset, train)
        for other in rng.sample(level2, 2):  # alternate paths
            if other != dataset:
                edge("INPUT_TO", other, train)
        for d in range(10):
            out = node("Dataset", f"train-{i}/out-{d}")
            edge("PRODUCED", train, out)
            for f in range(9):
                edge("HAS_FEATURE", out, node("Feature", f"train-{i}/out-{d}/f{f}"))

    with driver.session() as session:
        for label in ("Dataset", "Run", "Feature"):
            rows = [n for n in nodes if n["label"] == label]
            for start in range(0, len(rows), 20_000):
                session.run(
                    f"UNWIND $rows AS row CREATE (e:Entity:{label} {{id: row.id, qualifiedName: row.qn, "
                    "name: row.qn, properties: '{}', owners: [], createdAt: datetime(), updatedAt: datetime()})",
                    rows=rows[start : start + 20_000],
                ).consume()
        for kind in ("INPUT_TO", "PRODUCED", "HAS_FEATURE"):
            rows = [e for e in edges if e["kind"] == kind]
            for start in range(0, len(rows), 20_000):
                session.run(
                    f"UNWIND $rows AS row MATCH (s:Entity {{id: row.s}}) MATCH (t:Entity {{id: row.t}}) "
                    f"CREATE (s)-[:{kind} {{createdAt: datetime()}}]->(t)",
                    rows=rows[start : start + 20_000],
                ).consume()
    return raw, len(nodes) - 1


def expected_copies(driver, source: str, name: str) -> dict[str, int]:
    """The rule, in Python: holder -> shortest distance from the source."""
    with driver.session() as session:
        rows = session.run(
            f"MATCH (a:Entity)-[r:{PROPAGATION_TYPES}]->(b:Entity) "
            "WHERE r.removedAt IS NULL AND NOT $name IN coalesce(r.blockedClassifications, []) "
            "RETURN a.id AS a, b.id AS b",
            name=name,
        ).data()
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row["a"], []).append(row["b"])
    distance = {source: 0}
    queue = deque([source])
    while queue:
        here = queue.popleft()
        for there in out.get(here, ()):
            if there not in distance:
                distance[there] = distance[here] + 1
                queue.append(there)
    del distance[source]
    return distance


def stored_copies(driver, source: str, name: str) -> dict[str, int]:
    with driver.session() as session:
        rows = session.run(
            "MATCH (e:Entity)-[c:CARRIES]->(:Assignment {key: $key}) RETURN e.id AS e, c.distance AS k",
            key=f"{source}|{name}",
        ).data()
    return {row["e"]: row["k"] for row in rows}


def tagged(driver, name: str) -> set[str]:
    """The entities whose classificationNames list `name`."""
    with driver.session() as session:
        return set(session.run(
            "MATCH (e:Entity) WHERE $name IN coalesce(e.classificationNames, []) RETURN e.id AS e", name=name
        ).value())


async def measure(label: str, step) -> float:
    started = time.perf_counter()
    await step()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed:8.2f} s")
    return elapsed


def verify(driver, raw: str, label: str, direct: bool) -> int:
    """The stored copies and classificationNames against the rule; exits non-zero on any difference."""
    expected = expected_copies(driver, raw, "PII") if direct else {}
    stored = stored_copies(driver, raw, "PII")
    exact = stored == expected and tagged(driver, "PII") == set(expected) | ({raw} if direct else set())
    print(f"{'':<4}{label}: {len(stored):,} copies stored, {len(expected):,} by the rule -> {'EXACT' if exact else 'MISMATCH'}")
    if not exact:
        sys.exit(1)
    return len(stored)


async def main(runs: int) -> None:
    uri = os.environ["NEO4J_URI"]
    driver = GraphDatabase.driver(uri)
    db = Database.connect(uri, retry_time=30.0)
    services = Services.build(db)
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    await services.prepare()

    started = time.perf_counter()
    raw, downstream = load_graph(driver, runs)
    print(f"loaded {downstream + 1:,} entities ({downstream:,} downstream of raw) in {time.perf_counter() - started:.1f} s")
    # Round 1 runs with Neo4j's plan cache cold for this graph (every statement is planned on first use,
    # a few hundred ms each); round 2 repeats the same kinds of change on other edges, as a long-running
    # server would see them.
    for round_ in (1, 2):
        print(f"-- round {round_} ({'cold plan cache' if round_ == 1 else 'warm'})")
        await one_round(services, driver, raw, round_)
    await db.close()
    driver.close()


async def one_round(services: Services, driver, raw: str, round_: int) -> None:
    with driver.session() as session:
        cut, blocked, deep = session.run(
            "MATCH (cut:Run {qualifiedName: $cut}), (blocked:Run {qualifiedName: $blocked}), "
            "(d:Dataset {qualifiedName: $deep}) RETURN cut.id, blocked.id, d.id",
            cut=f"bench://etl-{2 * round_ - 2}", blocked=f"bench://etl-{2 * round_ - 1}", deep=f"bench://train-{round_}/out-3",
        ).single().values()
    c = services.classifications

    await measure("classify raw PII (whole fan-out)", lambda: c.classify(ADMIN, raw, "PII"))
    verify(driver, raw, "after classify", True)

    [new_run] = await services.ingest.upsert_entities(ADMIN, [_run(f"bench://late-run-{round_}")])
    await measure("linkLineage deep dataset -> new run", lambda: services.ingest.link_lineage(ADMIN, deep, new_run.id))
    verify(driver, raw, "after link", True)

    await measure("unlinkLineage raw -> etl run", lambda: services.ingest.unlink_lineage(ADMIN, raw, cut))
    verify(driver, raw, "after unlink", True)

    await measure("blockPropagation raw -> another etl run", lambda: c.block(ADMIN, raw, blocked, "PII"))
    verify(driver, raw, "after block", True)
    await measure("unblockPropagation (same edge)", lambda: c.unblock(ADMIN, raw, blocked, "PII"))
    verify(driver, raw, "after unblock", True)

    await measure("classify raw PII again (attributes only)", lambda: c.classify(ADMIN, raw, "PII", {}))
    await measure("declassify raw PII (whole fan-out)", lambda: c.declassify(ADMIN, raw, "PII"))
    verify(driver, raw, "after declassify", False)


def _run(qualified_name: str):
    from provgraph.domain.entities import EntityInput, EntityType

    return EntityInput(type=EntityType.RUN, qualified_name=qualified_name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wipe", action="store_true", help="required: the script empties the database at NEO4J_URI")
    parser.add_argument("--runs", type=int, default=100, help="first-level runs (100 gives 102,100 downstream)")
    args = parser.parse_args()
    if not args.wipe:
        parser.error("this empties the database at NEO4J_URI; pass --wipe to confirm")
    asyncio.run(main(args.runs))

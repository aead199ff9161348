"""`lineage(direction: DOWNSTREAM, depth: 6)` on a 100,000-entity layered graph: the raw Cypher of the
answer (the named traversal and edge queries, run directly) against the same answer through GraphQL over
HTTP (auth, ReadScope masking, audit event, JSON), with and without each node's full `entity`.

    NEO4J_URI=bolt://127.0.0.1:7687 python bench/lineage_depth.py [--entities 100000] [--repeat 20] [--reuse]

WARNING: empties the database it is pointed at (use a scratch one). Without NEO4J_URI it starts the
embedded server in a temporary directory. The graph: alternating layers of `--width` Datasets and Runs,
each node feeding `--fan-out` random nodes of the next layer (seeded, so every run builds the same
graph), loaded in UNWIND batches of 10,000 through the store's named queries. Roots are datasets of the
first layer, so depth 6 reaches about fan-out^6 entities (about 1,000 with the defaults). `load_layered`
is reusable by other benchmarks.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from neo4j import GraphDatabase

from provgraph.api.app import create_app
from provgraph.config import Settings
from provgraph.domain.entities import EntityInput, EntityType
from provgraph.domain.lineage import LineageKind
from provgraph.services.container import Services
from provgraph.store import entities as entity_store
from provgraph.store import lineage as lineage_store
from provgraph.store.database import Database
from provgraph.store.queries import QueryCatalog

TOKEN = "pgt_bench-admin-token-lineage-depth"
BATCH = 10_000
DEPTH = 6
MAX_NODES = 10_000  # the whole depth-6 answer, never truncated
BARE = """query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 6, maxNodes: 10000) {
  truncated nodes { id type distance restricted } edges { source target type } } }"""
FULL = """query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 6, maxNodes: 10000) {
  truncated nodes { id type distance restricted entity { id qualifiedName name owners properties createdAt } }
  edges { source target type } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def neo4j_uri() -> str:
    if os.environ.get("NEO4J_URI"):
        return os.environ["NEO4J_URI"]
    from provgraph.embedded import server

    info = server.start(Path(tempfile.mkdtemp(prefix="provgraph-lineage-")), port=free_port(), detached=False, heap="2g")
    return info.uri


async def load_layered(uri: str, entities: int, width: int, fan_out: int, seed: int = 11) -> list[list[str]]:
    """Builds the layered graph (see the module docstring); returns each layer's entity ids."""
    rng = random.Random(seed)
    db = Database.connect(uri)
    try:
        await Services.build(db).prepare()
        layers: list[list[str]] = []
        for index in range(entities // width):
            entity_type = EntityType.DATASET if index % 2 == 0 else EntityType.RUN
            items = [EntityInput(type=entity_type, qualified_name=f"bench://layer{index}/{n}") for n in range(width)]
            ids: list[str] = []
            for start in range(0, width, BATCH):
                chunk = items[start : start + BATCH]
                stored = await db.write(lambda tx, t=entity_type, c=chunk: entity_store.upsert(tx, t, c))
                ids += [stored[item.qualified_name].id for item in chunk]
            layers.append(ids)
        edges = []
        for index in range(len(layers) - 1):
            kind = LineageKind.INPUT_TO if index % 2 == 0 else LineageKind.PRODUCED
            for source in layers[index]:
                edges += [(source, target, kind) for target in rng.sample(layers[index + 1], fan_out)]
        for start in range(0, len(edges), BATCH):
            await db.write(lambda tx, chunk=edges[start : start + BATCH]: lineage_store.link(tx, chunk))
        return layers
    finally:
        await db.close()


def loaded_layers(uri: str, entities: int) -> list[list[str]]:
    """The layers a previous run loaded (by their qualified names), or [] when the store holds others."""
    with GraphDatabase.driver(uri) as driver, driver.session() as session:
        total = session.run("MATCH (e:Entity) RETURN count(e) AS n").single()["n"]
        rows = session.run(
            "MATCH (e:Entity) WHERE e.qualifiedName STARTS WITH 'bench://layer' RETURN e.qualifiedName AS qn, e.id AS id"
        ).data()
    if total != entities or len(rows) != entities:
        return []
    layers: dict[int, dict[int, str]] = {}
    for row in rows:
        layer, index = row["qn"].removeprefix("bench://layer").split("/")
        layers.setdefault(int(layer), {})[int(index)] = row["id"]
    return [[ids[i] for i in sorted(ids)] for _, ids in sorted(layers.items())]


def summary(label: str, timings: list[float], detail: str) -> float:
    median = statistics.median(timings)
    p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
    print(f"{label:28s} median {median * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   {detail}")
    return median


def raw_cypher(uri: str, roots: list[str]) -> tuple[list[float], list[float], int]:
    """The answer's Cypher alone: the traversal, then the edges among what it found. Returns the times
    seen by the client (with transfer and decoding) and inside the server (as Neo4j reports them)."""
    queries = QueryCatalog.load()
    traversal, among = queries.get("lineage_traversal"), queries.get("lineage_edges_among")
    timings, server, nodes = [], [], 0
    with GraphDatabase.driver(uri, notifications_min_severity="OFF") as driver, driver.session() as session:
        for root in roots:
            started = time.perf_counter()
            result = session.run(traversal, id=root, directions=["DOWNSTREAM"], depth=DEPTH, visit=MAX_NODES, asOf=None)
            rows = result.data()
            first = result.consume()
            ids = [root, *(n["id"] for row in rows for n in row["nodes"])]
            result = session.run(among, ids=ids, asOf=None)
            result.data()
            second = result.consume()
            timings.append(time.perf_counter() - started)
            server.append(sum(s.result_available_after + s.result_consumed_after for s in (first, second)) / 1000)
            nodes = len(ids)
    return timings, server, nodes


def graphql(http: httpx.Client, query: str, roots: list[str]) -> tuple[list[float], dict]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    timings, answer = [], {}
    for root in roots:
        started = time.perf_counter()
        body = http.post("/graphql", json={"query": query, "variables": {"id": root}}, headers=headers).json()
        timings.append(time.perf_counter() - started)
        assert not body.get("errors"), body.get("errors")
        answer = body["data"]["lineage"]
    return timings, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--width", type=int, default=5_000)
    parser.add_argument("--fan-out", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20, help="roots measured per variant (after 3 warm-ups)")
    parser.add_argument("--reuse", action="store_true", help="measure the graph a previous run loaded, if there")
    args = parser.parse_args()

    uri = neo4j_uri()
    layers = loaded_layers(uri, args.entities) if args.reuse else []
    if not layers:
        with GraphDatabase.driver(uri) as driver, driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        started = time.perf_counter()
        layers = asyncio.run(load_layered(uri, args.entities, args.width, args.fan_out))
        print(f"loaded {sum(map(len, layers))} entities in {len(layers)} layers, fan-out {args.fan_out}, "
              f"in {time.perf_counter() - started:.0f} s")
    roots = random.Random(5).sample(layers[0], args.repeat + 3)

    timings, server, nodes = raw_cypher(uri, roots)
    raw = summary("raw Cypher (traversal+edges)", timings[3:], f"{nodes} nodes (last root)")
    summary("  of which inside Neo4j", server[3:], "")

    port = free_port()
    app = create_app(Settings(NEO4J_URI=uri, PROVGRAPH_ADMIN_TOKEN=TOKEN))
    api = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    threading.Thread(target=api.run, daemon=True).start()
    while not api.started:
        time.sleep(0.1)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as http:
        for label, query in (("GraphQL (ids, types, edges)", BARE), ("GraphQL (with full entity)", FULL)):
            timings, answer = graphql(http, query, roots)
            median = summary(label, timings[3:], f"{len(answer['nodes'])} nodes, {len(answer['edges'])} edges, "
                                                 f"truncated {answer['truncated']}")
            print(f"{'':28s} {median / raw:.1f}x raw Cypher")
    api.should_exit = True


if __name__ == "__main__":
    main()

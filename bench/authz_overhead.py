"""What authorization costs on a big answer: `lineage(depth: 6, maxNodes: 1000)` on a 100,000-entity
graph, as `admin` (sees everything) and as `data-scientist` (restricted nodes masked through ReadScope),
over HTTP through the whole stack (auth, policy, masking, audit event).

    NEO4J_URI=bolt://127.0.0.1:7687 python bench/authz_overhead.py [--entities 100000] [--repeat 30] [--reuse]

WARNING: empties the database it is pointed at. Without NEO4J_URI it starts the embedded server in a
temporary directory. The graph: alternating layers of 1,000 Datasets and 1,000 Runs, each node feeding
4 random nodes of the next layer, so depth 6 from a middle node reaches far more than 1,000 nodes and
the answer is cut at maxNodes. One dataset 8 layers from the end is tagged PII (restricted); the root
is an untagged dataset two layers further on, so most of what lies downstream of the root carries PII
and is masked for the data-scientist, while what lies upstream stays visible.
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
from provgraph.domain.principals import Principal
from provgraph.services.container import Services
from provgraph.store import entities as entity_store
from provgraph.store import lineage as lineage_store
from provgraph.store.database import Database

TOKEN = "pgt_bench-admin-token-authz"
LAYER = 1000
FAN_OUT = 4
BATCH = 10_000
LINEAGE = """query($id: ID!) {
  lineage(id: $id, direction: BOTH, depth: 6, maxNodes: 1000) {
    truncated nodes { id type distance restricted entity { id qualifiedName owners } } edges { source target type }
  }
}"""
BENCH_ADMIN = Principal(name="admin", roles=("admin",))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def neo4j_uri() -> str:
    if os.environ.get("NEO4J_URI"):
        return os.environ["NEO4J_URI"]
    from provgraph.embedded import server

    info = server.start(Path(tempfile.mkdtemp(prefix="provgraph-authz-")), port=free_port(), detached=False, heap="2g")
    return info.uri


async def load(uri: str, entities: int, reuse: bool, seed: int = 7) -> str:
    """Builds the layered graph through the store's named queries (or, with reuse, finds the one a
    previous run left); tags PII and returns the root's id."""
    rng = random.Random(seed)
    db = Database.connect(uri)
    try:
        services = Services.build(db)
        await services.prepare()
        count = entities // LAYER
        if not reuse:
            layers = [await _layer(db, index, create=True) for index in range(count)]
            edges = []
            for index in range(count - 1):
                kind = LineageKind.INPUT_TO if index % 2 == 0 else LineageKind.PRODUCED
                for source in layers[index]:
                    edges += [(source, target, kind) for target in rng.sample(layers[index + 1], FAN_OUT)]
            for start in range(0, len(edges), BATCH):
                await db.write(lambda tx, chunk=edges[start : start + BATCH]: lineage_store.link(tx, chunk))
        # Tag a dataset 8 layers from the end: its downstream closure (everything it feeds, a few
        # thousand nodes) carries PII, and the root two layers further on sees it below, not above.
        tagged = (await _layer(db, count - 8))[0]
        await services.classifications.classify(BENCH_ADMIN, tagged, "PII")
        candidates = await _untagged(db, count - 6)
        return candidates[rng.randrange(len(candidates))]
    finally:
        await db.close()


async def _untagged(db: Database, index: int) -> list[str]:
    """Datasets of a layer that carry no PII (the root must be visible to the data-scientist)."""
    names = [f"bench/{index}/{n}" for n in range(LAYER)]
    found = await db.read(lambda tx: entity_store.resolve_names(tx, EntityType.DATASET, names))
    return [r.id for r in found.values() if "PII" not in r.classification_names]


async def _layer(db: Database, index: int, create: bool = False) -> list[str]:
    entity_type = EntityType.DATASET if index % 2 == 0 else EntityType.RUN
    names = [f"bench/{index}/{n}" for n in range(LAYER)]
    if create:
        items = [EntityInput(type=entity_type, qualified_name=name) for name in names]
        stored = await db.write(lambda tx: entity_store.upsert(tx, entity_type, items))
        return [stored[name].id for name in names]
    found = await db.read(lambda tx: entity_store.resolve_names(tx, entity_type, names))
    return [found[name].id for name in names]


def measure(http: httpx.Client, tokens: dict[str, str], root: str, repeat: int) -> tuple[dict[str, list[float]], dict]:
    """Alternates the callers request by request, so load on the machine hits both alike."""
    timings: dict[str, list[float]] = {label: [] for label in tokens}
    answers: dict = {}
    for round_ in range(repeat + 3):
        for label, token in tokens.items():
            started = time.perf_counter()
            response = http.post(
                "/graphql", json={"query": LINEAGE, "variables": {"id": root}}, headers={"Authorization": f"Bearer {token}"}
            )
            elapsed = time.perf_counter() - started
            body = response.json()
            assert not body.get("errors"), body.get("errors")
            answers[label] = body["data"]["lineage"]
            if round_ >= 3:  # the first rounds warm caches and the query plans
                timings[label].append(elapsed)
    return timings, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure on the graph a previous run loaded")
    args = parser.parse_args()

    uri = neo4j_uri()
    if not args.reuse:
        with GraphDatabase.driver(uri) as driver, driver.session() as session:  # an empty store to measure on
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    started = time.perf_counter()
    root = asyncio.run(load(uri, args.entities, args.reuse))
    print(f"graph of {args.entities} entities ready in {time.perf_counter() - started:.0f} s")

    port = free_port()
    api = uvicorn.Server(uvicorn.Config(create_app(Settings(NEO4J_URI=uri, PROVGRAPH_ADMIN_TOKEN=TOKEN)), port=port, log_level="warning"))
    threading.Thread(target=api.run, daemon=True).start()
    while not api.started:
        time.sleep(0.1)
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300)
    admin = {"Authorization": f"Bearer {TOKEN}"}
    created = http.post(
        "/graphql",
        json={"query": 'mutation { createPrincipal(name: "bench-scientist", roles: ["data-scientist"]) { token } }'},
        headers=admin,
    ).json()
    if created.get("errors"):  # left by an earlier run on this store: a fresh token for it
        scientist = http.post(
            "/graphql", json={"query": 'mutation { rotateToken(name: "bench-scientist") }'}, headers=admin
        ).json()["data"]["rotateToken"]
    else:
        scientist = created["data"]["createPrincipal"]["token"]

    timings, answers = measure(http, {"admin": TOKEN, "data-scientist": scientist}, root, args.repeat)
    for label, values in timings.items():
        lineage = answers[label]
        masked = sum(1 for n in lineage["nodes"] if n["restricted"])
        ordered = sorted(values)
        print(
            f"{label:15s} median {statistics.median(values) * 1000:7.1f} ms  p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:7.1f} ms"
            f"  nodes {len(lineage['nodes'])} (masked {masked})  edges {len(lineage['edges'])}  truncated {lineage['truncated']}"
        )
    ratio = statistics.median(timings["data-scientist"]) / statistics.median(timings["admin"])
    print(f"data-scientist / admin (medians): {ratio:.2f}x")
    api.should_exit = True


if __name__ == "__main__":
    main()

"""Time to upsert 10,000 entities: one GraphQL request over HTTP vs one raw Cypher UNWIND (the ceiling).

    python bench/upsert_10k.py            # NEO4J_URI, or starts the embedded server in a temp dir
Each figure is reported next to the raw-Cypher baseline from the same run, as a ratio.
"""

from __future__ import annotations

import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import uvicorn
from neo4j import GraphDatabase

from provgraph.api.app import create_app
from provgraph.config import Settings

TOKEN = "pgt_bench-admin-token"
UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }"
RAW = """UNWIND $rows AS row
MERGE (e:Entity:Dataset {qualifiedName: row.qualifiedName})
ON CREATE SET e.id = row.id, e.name = row.name, e.properties = row.properties, e.owners = [], e.createdAt = datetime(), e.updatedAt = datetime()"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def neo4j_uri() -> tuple[str, object]:
    if os.environ.get("NEO4J_URI"):
        return os.environ["NEO4J_URI"], None
    from provgraph.embedded import server

    data_dir = Path(tempfile.mkdtemp(prefix="provgraph-bench-"))
    started = time.perf_counter()
    info = server.start(data_dir, port=free_port(), detached=False, heap="2g")
    print(f"embedded Neo4j cold start: {time.perf_counter() - started:.1f} s")
    return info.uri, (server, data_dir)


def main(rounds: int = 3, size: int = 10_000) -> None:
    uri, embedded = neo4j_uri()
    driver = GraphDatabase.driver(uri)
    settings = Settings(NEO4J_URI=uri, PROVGRAPH_ADMIN_TOKEN=TOKEN)
    port = free_port()
    api = uvicorn.Server(uvicorn.Config(create_app(settings), port=port, log_level="warning"))
    threading.Thread(target=api.run, daemon=True).start()
    while not api.started:
        time.sleep(0.1)
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)
    raw_times, api_times = [], []
    for r in range(rounds):
        with driver.session() as s:
            s.run("MATCH (e:Entity) CALL (e) { DETACH DELETE e } IN TRANSACTIONS OF 10000 ROWS").consume()
            rows = [{"id": str(uuid.uuid4()), "qualifiedName": f"raw://{r}/{i}", "name": str(i), "properties": "{}"} for i in range(size)]
            t = time.perf_counter()
            s.execute_write(lambda tx: tx.run(RAW, rows=rows).consume())
            raw_times.append(time.perf_counter() - t)
        items = [{"type": "DATASET", "qualifiedName": f"api://{r}/{i}", "properties": {"i": i}} for i in range(size)]
        t = time.perf_counter()
        response = http.post("/graphql", json={"query": UPSERT, "variables": {"in": items}})
        api_times.append(time.perf_counter() - t)
        assert len(response.json()["data"]["upsertEntities"]) == size, response.text[:500]
    raw, via_api = statistics.median(raw_times), statistics.median(api_times)
    print(f"upsert {size} entities, median of {rounds}:")
    print(f"  raw Cypher UNWIND        {raw:6.2f} s  {size / raw:9.0f} entities/s  (baseline)")
    print(f"  GraphQL upsertEntities   {via_api:6.2f} s  {size / via_api:9.0f} entities/s  ratio {via_api / raw:.2f}x")
    api.should_exit = True
    driver.close()
    if embedded:
        server, data_dir = embedded
        server.stop(data_dir)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

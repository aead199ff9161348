"""provgraph as a client sees it: the real app (auth, policy, audit, propagation) served by uvicorn in a
thread on 127.0.0.1, driven over HTTP with httpx through the public GraphQL API."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from provgraph.api.app import create_app
from provgraph.config import Settings

from .generator import LineageGraph

TOKEN = "pgt_bench-admin-token-run"
ENTITY_BATCH = 1_000  # upsertEntities inputs per request
PROCESS_BATCH = 1_000  # recordProcesses inputs per request (the API's limit)
REFERENCE_BATCH = 10_000  # inputs and outputs per recordProcesses request, in all (the API's limit)
EDGE_BATCH = 10_000  # linkLineages inputs per request (the API's limit)

UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id qualifiedName } }"
RECORD = "mutation($in: [ProcessInput!]!) { recordProcesses(input: $in) { id qualifiedName } }"
LINKS = "mutation($in: [LineageEdgeInput!]!) { linkLineages(input: $in) { type } }"
LINEAGE = """query($id: ID!, $depth: Int!) {
  lineage(id: $id, direction: DOWNSTREAM, depth: $depth, maxNodes: 10000) {
    truncated nodes { id type distance restricted } edges { source target type }
  }
}"""
IMPACT = """query($id: ID!) {
  impact(id: $id, depth: 20) { total truncated byType { type count } owners deployments { id } }
}"""
CLASSIFY = "mutation($id: ID!, $name: String!) { classify(entityId: $id, name: $name) { id } }"
DEFINE = """mutation($name: String!, $restricted: Boolean!) {
  defineClassification(name: $name, propagate: true, restricted: $restricted) { name }
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_batches(runs: list) -> list[list]:
    """The runs in order, cut into the largest batches recordProcesses takes."""
    batches: list[list] = [[]]
    references = 0
    for run in runs:
        size = len(run.inputs) + len(run.outputs)
        if len(batches[-1]) == PROCESS_BATCH or references + size > REFERENCE_BATCH:
            batches.append([])
            references = 0
        batches[-1].append(run)
        references += size
    return [batch for batch in batches if batch]


class ProfiledApp:
    """Wraps the ASGI app so pyinstrument can sample the server's own thread (it samples only the thread
    it starts in): the first request after `wanted` is set starts it there, the first after it is cleared
    stops it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.wanted = False
        self.profiler: Any = None
        self.finished: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            if self.wanted and self.profiler is None:
                from pyinstrument import Profiler

                self.profiler = Profiler(async_mode="disabled", interval=0.01)
                self.profiler.start()
            elif not self.wanted and self.profiler is not None:
                self.profiler.stop()
                self.finished, self.profiler = self.profiler, None
        await self.app(scope, receive, send)


class QueryTimes:
    """Wall time per named query (store/database.Tx.records, which `single` goes through too), summed
    while `on`: where a provgraph call's time goes at the Cypher level. Patched in this process only."""

    def __init__(self) -> None:
        from provgraph.store.database import Tx

        self.on = False
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        original = Tx.records
        times = self

        async def records(tx: Any, query: str, *args: Any, **params: Any) -> Any:
            if not times.on:
                return await original(tx, query, *args, **params)
            started = time.perf_counter()
            try:
                return await original(tx, query, *args, **params)
            finally:
                times.seconds[query] = times.seconds.get(query, 0.0) + time.perf_counter() - started
                times.calls[query] = times.calls.get(query, 0) + 1

        Tx.records = records  # type: ignore[method-assign]

    def take(self) -> list[dict[str, Any]]:
        rows = [{"query": q, "seconds": s, "calls": self.calls[q]} for q, s in self.seconds.items()]
        self.seconds, self.calls = {}, {}
        return sorted(rows, key=lambda r: -r["seconds"])


class ProvgraphSystem:
    def __init__(self, neo4j_uri: str) -> None:
        self.port = free_port()
        self.app = ProfiledApp(create_app(Settings(NEO4J_URI=neo4j_uri, PROVGRAPH_ADMIN_TOKEN=TOKEN)))
        app = self.app
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the provgraph server did not start")
            time.sleep(0.05)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=600)
        self.ids: dict[str, str] = {}  # qualified name -> provgraph id
        self.names: dict[str, str] = {}  # provgraph id -> qualified name
        self.tokens = {"admin": TOKEN}
        self.query_times: QueryTimes | None = None

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def profiled(self, work: Any, path: Path) -> list[dict[str, Any]]:
        """Runs `work` with the server thread under pyinstrument (the text profile goes to `path`) and
        every named query timed; returns the time per query, slowest first."""
        if self.query_times is None:
            self.query_times = QueryTimes()
        self.app.wanted = self.query_times.on = True
        try:
            work()
        finally:
            self.app.wanted = self.query_times.on = False
            self.http.get("/healthz")  # the next request stops the profiler in the server thread
            if self.app.finished is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(self.app.finished.output_text(unicode=True, show_all=False, timeline=False))
        return self.query_times.take()

    def call(self, query: str, variables: dict[str, Any] | None = None, role: str = "admin") -> dict[str, Any]:
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.tokens[role]}"},
        )
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors'][:3]}")
        return body["data"]

    def _remember(self, name: str, entity_id: str) -> None:
        self.ids[name] = entity_id
        self.names[entity_id] = name

    # -- ingest ---------------------------------------------------------------------------------

    def ingest(self, graph: LineageGraph) -> None:
        """Every data entity and deployment through upsertEntities, every run through recordProcesses
        (inputs and outputs by id) and every deployment edge through linkLineages, in batches of the
        API's limits: one transaction per request."""
        entities = [{"type": e.type, "qualifiedName": e.name} for e in graph.data]
        entities += [{"type": "DEPLOYMENT", "qualifiedName": dep} for _, dep in graph.deployments]
        for start in range(0, len(entities), ENTITY_BATCH):
            for stored in self.call(UPSERT, {"in": entities[start : start + ENTITY_BATCH]})["upsertEntities"]:
                self._remember(stored["qualifiedName"], stored["id"])
        for chunk in process_batches(graph.runs):
            processes = [
                {
                    "type": "RUN",
                    "qualifiedName": run.name,
                    "inputs": [{"id": self.ids[n]} for n in run.inputs],
                    "outputs": [{"id": self.ids[n]} for n in run.outputs],
                }
                for run in chunk
            ]
            for stored in self.call(RECORD, {"in": processes})["recordProcesses"]:
                self._remember(stored["qualifiedName"], stored["id"])
        for start in range(0, len(graph.deployments), EDGE_BATCH):
            chunk = graph.deployments[start : start + EDGE_BATCH]
            self.call(LINKS, {"in": [{"sourceId": self.ids[mv], "targetId": self.ids[dep]} for mv, dep in chunk]})

    # -- setup ----------------------------------------------------------------------------------

    def add_principal(self, role: str) -> None:
        query = "mutation($n: String!, $r: [String!]!) { createPrincipal(name: $n, roles: $r) { token } }"
        self.tokens[role] = self.call(query, {"n": f"bench-{role}", "r": [role]})["createPrincipal"]["token"]

    def define(self, name: str, restricted: bool) -> None:
        self.call(DEFINE, {"name": name, "restricted": restricted})

    def classify(self, name: str, classification: str) -> None:
        self.call(CLASSIFY, {"id": self.ids[name], "name": classification})

    # -- reads ----------------------------------------------------------------------------------

    def lineage(self, name: str, depth: int, role: str = "admin") -> dict[str, Any]:
        """The downstream lineage answer; node ids mapped back to qualified names (restricted nodes keep
        their opaque ids)."""
        answer = self.call(LINEAGE, {"id": self.ids[name], "depth": depth}, role)["lineage"]
        return {
            "names": {self.names.get(n["id"], n["id"]) for n in answer["nodes"]},
            "restricted": sum(1 for n in answer["nodes"] if n["restricted"]),
            "edges": len(answer["edges"]),
            "truncated": answer["truncated"],
        }

    def impact(self, name: str) -> dict[str, Any]:
        return self.call(IMPACT, {"id": self.ids[name]})["impact"]

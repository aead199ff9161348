"""Draw a lineage graph in a test and ask lineage, lineagePath and impact about it, through GraphQL,
with entities named in the test instead of ids.

    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")                     # lineage edges, in data-flow direction
    assert g.lineage("raw", "DOWNSTREAM").distances == {"raw": 0, "etl": 1, "clean": 2}

Qualified names are `test://<name>`. In answers, a node the caller may not see keeps its opaque id
(`restricted-1`, ...), so a test can assert that no real id leaked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .support import GraphQLClient

UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id qualifiedName } }"
RECORD = "mutation($in: ProcessInput!) { recordProcess(input: $in) { id } }"
LINK = "mutation($s: ID!, $t: ID!) { linkLineage(sourceId: $s, targetId: $t) { source target type } }"
UNLINK = "mutation($s: ID!, $t: ID!) { unlinkLineage(sourceId: $s, targetId: $t) }"
DELETE = "mutation($id: ID!) { deleteEntity(id: $id) }"
CLASSIFY = "mutation($id: ID!, $n: String!) { classify(entityId: $id, name: $n) { id } }"
BLOCK = "mutation($s: ID!, $t: ID!, $c: String!) { blockPropagation(sourceId: $s, targetId: $t, classification: $c) { type } }"
LINEAGE = """query($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $types: [EntityType!],
                   $asOf: DateTime) {
  lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, types: $types, asOf: $asOf) {
    root truncated
    nodes { id type distance restricted }
    edges { source target type }
  }
}"""
PATH = "query($f: ID!, $t: ID!, $d: Int) { lineagePath(fromId: $f, toId: $t, maxDepth: $d) }"
IMPACT = """query($id: ID!, $depth: Int) {
  impact(id: $id, depth: $depth) {
    root total truncated owners
    byType { type count }
    entities { id type distance restricted }
    deployments { id type distance restricted }
  }
}"""


@dataclass
class Answer:
    """A lineage answer with names for ids. `edges` are 'a -> b' strings; `kinds` maps them to types."""

    root: str
    distances: dict[str, int]
    types: dict[str, str]
    restricted: set[str]
    edges: set[str]
    kinds: dict[str, str]
    truncated: bool
    raw: dict[str, Any]


class Graph:
    def __init__(self, client: GraphQLClient, **declared: str) -> None:
        """declared: entity type in lower snake case -> space-separated names, e.g. dataset="raw clean"."""
        self.client = client
        self.ids: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self.declare(**declared)

    def declare(self, **declared: str) -> None:
        items = []
        for entity_type, names in declared.items():
            for name in names.split():
                self.types[name] = entity_type.upper()
                items.append({"type": entity_type.upper(), "qualifiedName": f"test://{name}"})
        if items:
            for stored in self.client.data(UPSERT, {"in": items})["upsertEntities"]:
                self.ids[stored["qualifiedName"].removeprefix("test://")] = stored["id"]

    @property
    def names(self) -> dict[str, str]:
        return {entity_id: name for name, entity_id in self.ids.items()}

    # -- drawing ----------------------------------------------------------------------------------

    def link(self, *chains: str) -> None:
        """Each chain is 'a -> b -> c': one lineage edge per arrow."""
        for chain in chains:
            names = [n.strip() for n in chain.split("->")]
            for source, target in zip(names, names[1:]):
                self.client.data(LINK, {"s": self.ids[source], "t": self.ids[target]})

    def unlink(self, source: str, target: str) -> bool:
        return self.client.data(UNLINK, {"s": self.ids[source], "t": self.ids[target]})["unlinkLineage"]

    def contain(self, container: str, *members: str) -> None:
        ref = {"type": self.types[container], "qualifiedName": f"test://{container}"}
        items = [{"type": self.types[m], "qualifiedName": f"test://{m}", "container": ref} for m in members]
        self.client.data(UPSERT, {"in": items})

    def record(self, process: str, inputs: list[str], outputs: list[str]) -> None:
        """recordProcess: the process's live inputs and outputs become exactly these."""
        self.client.data(
            RECORD,
            {"in": {"type": self.types[process], "qualifiedName": f"test://{process}",
                    "inputs": [{"id": self.ids[i]} for i in inputs],
                    "outputs": [{"id": self.ids[o]} for o in outputs]}},
        )

    def own(self, name: str, *owners: str) -> None:
        item = {"type": self.types[name], "qualifiedName": f"test://{name}", "owners": list(owners)}
        self.client.data(UPSERT, {"in": [item]})

    def delete(self, name: str) -> None:
        assert self.client.data(DELETE, {"id": self.ids[name]})["deleteEntity"] is True

    def classify(self, name: str, classification: str) -> None:
        self.client.data(CLASSIFY, {"id": self.ids[name], "n": classification})

    def block(self, source: str, target: str, classification: str) -> None:
        self.client.data(BLOCK, {"s": self.ids[source], "t": self.ids[target], "c": classification})

    @staticmethod
    def moment() -> str:
        """Now, strictly after everything done so far and strictly before anything done next."""
        time.sleep(0.01)
        now = datetime.now(UTC).isoformat()
        time.sleep(0.01)
        return now

    # -- asking -----------------------------------------------------------------------------------

    def lineage(self, name: str, direction: str | None = None, depth: int | None = None,
                client: GraphQLClient | None = None, **arguments: Any) -> Answer:
        variables = {"id": self.ids[name], "direction": direction, "depth": depth, **arguments}
        found = (client or self.client).data(LINEAGE, variables)["lineage"]
        return self._answer(found)

    def path(self, source: str, target: str, max_depth: int | None = None,
             client: GraphQLClient | None = None) -> list[str] | None:
        variables = {"f": self.ids[source], "t": self.ids[target], "d": max_depth}
        found = (client or self.client).data(PATH, variables)["lineagePath"]
        return None if found is None else [self.names.get(i, i) for i in found]

    def impact(self, name: str, depth: int | None = None, client: GraphQLClient | None = None) -> dict[str, Any]:
        found = (client or self.client).data(IMPACT, {"id": self.ids[name], "depth": depth})["impact"]
        names = self.names
        return {
            "total": found["total"],
            "byType": {c["type"]: c["count"] for c in found["byType"]},
            "distances": {names.get(n["id"], n["id"]): n["distance"] for n in found["entities"]},
            "owners": found["owners"],
            "deployments": [names.get(n["id"], n["id"]) for n in found["deployments"]],
            "restricted": {n["id"] for n in found["entities"] if n["restricted"]},
            "truncated": found["truncated"],
            "raw": found,
        }

    def _answer(self, found: dict[str, Any]) -> Answer:
        names = self.names
        name = lambda i: names.get(i, i)  # noqa: E731  (opaque ids stay as they are)
        edges = {f"{name(e['source'])} -> {name(e['target'])}": e["type"] for e in found["edges"]}
        assert len(edges) == len(found["edges"]), f"an edge appears twice: {found['edges']}"
        distances = {name(n["id"]): n["distance"] for n in found["nodes"]}
        assert len(distances) == len(found["nodes"]), f"a node appears twice: {found['nodes']}"
        return Answer(
            root=name(found["root"]),
            distances=distances,
            types={name(n["id"]): n["type"] for n in found["nodes"]},
            restricted={name(n["id"]) for n in found["nodes"] if n["restricted"]},
            edges=set(edges),
            kinds=edges,
            truncated=found["truncated"],
            raw=found,
        )

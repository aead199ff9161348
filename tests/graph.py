"""Graphs drawn in tests, through GraphQL: small functions for entities and edges, and `Graph`, which
names the entities of a test so lineage, impact and classifications can be asked and asserted by name.

    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")                     # lineage edges, in data-flow direction
    g.contain("raw", "raw_v1")                        # containment (the member must be declared too)
    assert g.lineage("raw", "DOWNSTREAM").distances == {"raw": 0, "etl": 1, "clean": 2}
    g.classify("raw", "PII")
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}}

Qualified names are `test://<name>`. In lineage answers, a node the caller may not see keeps its opaque
id (`restricted-1`, ...), so a test can assert that no real id leaked. `holders` maps each holder to the
sources it carries a classification from (a direct holder lists itself). The documents are
tests/documents.py's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .documents import (
    BLOCK,
    CLASSIFY_ASSIGNMENTS,
    DECLASSIFY,
    DELETE,
    ENTITY_CLASSIFICATIONS,
    IMPACT,
    LINEAGE,
    LINK,
    PATH,
    RECORD,
    RECORD_ID,
    UNBLOCK,
    UNLINK,
    UPSERT,
    UPSERT_IDS,
)
from .support import GraphQLClient

def upsert(client: GraphQLClient, *items: dict[str, Any]) -> list[dict[str, Any]]:
    return client.data(UPSERT, {"in": list(items)})["upsertEntities"]


def dataset(qualified_name: str, **fields: Any) -> dict[str, Any]:
    return {"type": "DATASET", "qualifiedName": qualified_name, **fields}


def record(client: GraphQLClient, qualified_name: str, inputs: list[dict], outputs: list[dict], **fields: Any) -> dict:
    process = {"type": "RUN", "qualifiedName": qualified_name, "inputs": inputs, "outputs": outputs, **fields}
    return client.data(RECORD, {"in": process})["recordProcess"]


def by_name(entity_type: str, qualified_name: str) -> dict[str, str]:
    return {"type": entity_type, "qualifiedName": qualified_name}


def live_edges(driver: Any) -> set[tuple[str, str, str]]:
    """Every live lineage edge as (source qualifiedName, kind, target qualifiedName)."""
    with driver.session() as session:
        rows = session.run(
            "MATCH (s:Entity)-[r]->(t:Entity) WHERE r.removedAt IS NULL AND type(r) IN "
            "['INPUT_TO','PRODUCED','DEPLOYED_AS','DERIVES'] RETURN s.qualifiedName AS s, type(r) AS k, t.qualifiedName AS t"
        ).data()
    return {(r["s"], r["k"], r["t"]) for r in rows}


def count_entities(driver: Any) -> int:
    with driver.session() as session:
        return session.run("MATCH (e:Entity) RETURN count(e) AS n").single()["n"]


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
            for stored in self.client.data(UPSERT_IDS, {"in": items})["upsertEntities"]:
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
        """Makes `container` the container of each member (replacing its previous container)."""
        ref = {"type": self.types[container], "qualifiedName": f"test://{container}"}
        items = [{"type": self.types[m], "qualifiedName": f"test://{m}", "container": ref} for m in members]
        self.client.data(UPSERT_IDS, {"in": items})

    def record(self, process: str, inputs: list[str], outputs: list[str]) -> None:
        """recordProcess: the process's live inputs and outputs become exactly these."""
        self.client.data(
            RECORD_ID,
            {"in": {"type": self.types[process], "qualifiedName": f"test://{process}",
                    "inputs": [{"id": self.ids[i]} for i in inputs],
                    "outputs": [{"id": self.ids[o]} for o in outputs]}},
        )

    def own(self, name: str, *owners: str) -> None:
        item = {"type": self.types[name], "qualifiedName": f"test://{name}", "owners": list(owners)}
        self.client.data(UPSERT_IDS, {"in": [item]})

    def delete(self, name: str) -> None:
        assert self.client.data(DELETE, {"id": self.ids[name]})["deleteEntity"] is True

    @staticmethod
    def moment() -> str:
        """Now, strictly after everything done so far and strictly before anything done next."""
        time.sleep(0.01)
        now = datetime.now(UTC).isoformat()
        time.sleep(0.01)
        return now

    # -- classifying ------------------------------------------------------------------------------

    def classify(self, name: str, classification: str, attributes: dict | None = None, propagate: bool | None = None,
                 remove_on_source_delete: bool = False) -> list[dict[str, Any]]:
        variables = {"id": self.ids[name], "n": classification, "a": attributes, "p": propagate, "r": remove_on_source_delete}
        return self.client.data(CLASSIFY_ASSIGNMENTS, variables)["classify"]["classifications"]

    def declassify(self, name: str, classification: str) -> list[dict[str, Any]]:
        return self.client.data(DECLASSIFY, {"id": self.ids[name], "n": classification})["declassify"]["classifications"]

    def block(self, source: str, target: str, classification: str) -> dict[str, Any]:
        variables = {"s": self.ids[source], "t": self.ids[target], "c": classification}
        return self.client.data(BLOCK, variables)["blockPropagation"]

    def unblock(self, source: str, target: str, classification: str) -> dict[str, Any]:
        variables = {"s": self.ids[source], "t": self.ids[target], "c": classification}
        return self.client.data(UNBLOCK, variables)["unblockPropagation"]

    # -- asking about lineage ---------------------------------------------------------------------

    def lineage(self, name: str, direction: str | None = None, depth: int | None = None,
                client: GraphQLClient | None = None, **arguments: Any) -> Answer:
        variables = {"id": self.ids[name], "direction": direction, "depth": depth, **arguments}
        found = (client or self.client).data(LINEAGE, variables)["lineage"]
        return self._answer(found)

    def path(self, source: str, target: str, max_depth: int | None = None,
             client: GraphQLClient | None = None) -> list[str] | None:
        """lineagePath from source to target, as names (opaque ids stay as they are)."""
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

    # -- asking about classifications -------------------------------------------------------------

    def classifications(self, name: str) -> list[dict[str, Any]]:
        """The assignments of one live entity, with sourceId and path given as names."""
        entity = self.client.data(ENTITY_CLASSIFICATIONS, {"id": self.ids[name]})["entity"]
        assert entity is not None, f"{name} is not readable"
        names = self.names
        return [
            {**a, "sourceId": names[a["sourceId"]], "path": [names[p] for p in a["path"]]}
            for a in entity["classifications"]
        ]

    def holders(self, classification: str, among: list[str] | None = None) -> dict[str, set[str]]:
        """holder -> the sources it carries `classification` from, over the (live) entities named."""
        found: dict[str, set[str]] = {}
        for name in among or list(self.ids):
            sources = {a["sourceId"] for a in self.classifications(name) if a["name"] == classification}
            if sources:
                found[name] = sources
        return found

    def assignment_path(self, holder: str, classification: str, source: str) -> list[str]:
        """The path of the assignment of `classification` that `holder` carries from `source`, as names."""
        [assignment] = [
            a for a in self.classifications(holder) if a["name"] == classification and a["sourceId"] == source
        ]
        return assignment["path"]

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

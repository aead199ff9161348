"""A small way to draw a lineage graph in a test and ask who holds which classification, through GraphQL.

    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")            # lineage edges, in data-flow direction
    g.contain("raw", "raw_v1")               # containment (the member must be declared too)
    g.classify("raw", "PII")
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}}

Entities are named in the test; their qualified names are `test://<name>`. `holders` maps each holder to
the sources it carries the classification from (a direct holder lists itself).
"""

from __future__ import annotations

from typing import Any

from .support import GraphQLClient

ASSIGNMENT = "name attributes propagate propagated sourceId path"
ENTITY_CLASSIFICATIONS = f"query($id: ID!) {{ entity(id: $id) {{ id classifications {{ {ASSIGNMENT} }} }} }}"
UPSERT = f"mutation($in: [EntityInput!]!) {{ upsertEntities(input: $in) {{ id qualifiedName classifications {{ {ASSIGNMENT} }} }} }}"
LINK = "mutation($s: ID!, $t: ID!) { linkLineage(sourceId: $s, targetId: $t) { source target type } }"
UNLINK = "mutation($s: ID!, $t: ID!) { unlinkLineage(sourceId: $s, targetId: $t) }"
DELETE = "mutation($id: ID!) { deleteEntity(id: $id) }"
CLASSIFY = f"""mutation($id: ID!, $n: String!, $a: JSON, $p: Boolean, $r: Boolean = false) {{
  classify(entityId: $id, name: $n, attributes: $a, propagate: $p, removeOnSourceDelete: $r) {{
    id classifications {{ {ASSIGNMENT} }}
  }}
}}"""
DECLASSIFY = f"mutation($id: ID!, $n: String!) {{ declassify(entityId: $id, name: $n) {{ id classifications {{ {ASSIGNMENT} }} }} }}"
BLOCK = """mutation($s: ID!, $t: ID!, $c: String!) {
  blockPropagation(sourceId: $s, targetId: $t, classification: $c) { source target type blockedClassifications }
}"""
UNBLOCK = """mutation($s: ID!, $t: ID!, $c: String!) {
  unblockPropagation(sourceId: $s, targetId: $t, classification: $c) { source target type blockedClassifications }
}"""
RECORD = "mutation($in: ProcessInput!) { recordProcess(input: $in) { id } }"


class Graph:
    def __init__(self, client: GraphQLClient, **declared: str) -> None:
        """declared: entity type in lower snake case -> space-separated names, e.g. dataset="raw clean"."""
        self.client = client
        self.ids: dict[str, str] = {}
        self.types: dict[str, str] = {}
        items = []
        for entity_type, names in declared.items():
            for name in names.split():
                self.types[name] = entity_type.upper()
                items.append({"type": entity_type.upper(), "qualifiedName": f"test://{name}"})
        if items:
            for stored in client.data(UPSERT, {"in": items})["upsertEntities"]:
                self.ids[stored["qualifiedName"].removeprefix("test://")] = stored["id"]
        self.names = {entity_id: name for name, entity_id in self.ids.items()}

    # -- drawing ----------------------------------------------------------------------------------

    def link(self, *chains: str) -> None:
        """Each chain is 'a -> b -> c': one lineage edge per arrow."""
        for source, target in self._arrows(chains):
            self.client.data(LINK, {"s": self.ids[source], "t": self.ids[target]})

    def unlink(self, source: str, target: str) -> bool:
        return self.client.data(UNLINK, {"s": self.ids[source], "t": self.ids[target]})["unlinkLineage"]

    def contain(self, container: str, *members: str) -> None:
        """Makes `container` the container of each member (replacing its previous container)."""
        ref = {"type": self.types[container], "qualifiedName": f"test://{container}"}
        items = [{"type": self.types[m], "qualifiedName": f"test://{m}", "container": ref} for m in members]
        self.client.data(UPSERT, {"in": items})

    def record(self, process: str, inputs: list[str], outputs: list[str]) -> None:
        """recordProcess: the process's live inputs and outputs become exactly these."""
        def ref(name: str) -> dict[str, str]:
            return {"id": self.ids[name]}

        self.client.data(
            RECORD,
            {"in": {"type": self.types[process], "qualifiedName": f"test://{process}",
                    "inputs": [ref(i) for i in inputs], "outputs": [ref(o) for o in outputs]}},
        )

    def delete(self, name: str) -> None:
        assert self.client.data(DELETE, {"id": self.ids[name]})["deleteEntity"] is True

    # -- classifying ------------------------------------------------------------------------------

    def classify(self, name: str, classification: str, attributes: dict | None = None, propagate: bool | None = None,
                 remove_on_source_delete: bool = False) -> list[dict[str, Any]]:
        variables = {"id": self.ids[name], "n": classification, "a": attributes, "p": propagate, "r": remove_on_source_delete}
        return self.client.data(CLASSIFY, variables)["classify"]["classifications"]

    def declassify(self, name: str, classification: str) -> list[dict[str, Any]]:
        return self.client.data(DECLASSIFY, {"id": self.ids[name], "n": classification})["declassify"]["classifications"]

    def block(self, source: str, target: str, classification: str) -> dict[str, Any]:
        variables = {"s": self.ids[source], "t": self.ids[target], "c": classification}
        return self.client.data(BLOCK, variables)["blockPropagation"]

    def unblock(self, source: str, target: str, classification: str) -> dict[str, Any]:
        variables = {"s": self.ids[source], "t": self.ids[target], "c": classification}
        return self.client.data(UNBLOCK, variables)["unblockPropagation"]

    # -- asking -----------------------------------------------------------------------------------

    def classifications(self, name: str) -> list[dict[str, Any]]:
        """The assignments of one live entity, with sourceId and path given as names."""
        entity = self.client.data(ENTITY_CLASSIFICATIONS, {"id": self.ids[name]})["entity"]
        assert entity is not None, f"{name} is not readable"
        return [
            {**a, "sourceId": self.names[a["sourceId"]], "path": [self.names[p] for p in a["path"]]}
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

    def path(self, holder: str, classification: str, source: str) -> list[str]:
        [assignment] = [
            a for a in self.classifications(holder) if a["name"] == classification and a["sourceId"] == source
        ]
        return assignment["path"]

    @staticmethod
    def _arrows(chains: tuple[str, ...]) -> list[tuple[str, str]]:
        pairs = []
        for chain in chains:
            names = [n.strip() for n in chain.split("->")]
            pairs.extend(zip(names, names[1:]))
        return pairs

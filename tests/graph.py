"""GraphQL documents the tests share, and small builders for graphs drawn in tests."""

from __future__ import annotations

from typing import Any

from .support import GraphQLClient

ENTITY_FIELDS = "id type qualifiedName name description properties owners createdAt updatedAt deleted"

UPSERT = f"mutation($in: [EntityInput!]!) {{ upsertEntities(input: $in) {{ {ENTITY_FIELDS} }} }}"
RECORD = f"mutation($in: ProcessInput!) {{ recordProcess(input: $in) {{ {ENTITY_FIELDS} }} }}"
ENTITY = f"query($id: ID!) {{ entity(id: $id) {{ {ENTITY_FIELDS} }} }}"
BY_NAME = f"query($t: EntityType!, $q: String!) {{ entityByName(type: $t, qualifiedName: $q) {{ {ENTITY_FIELDS} }} }}"
LINK = "mutation($s: ID!, $t: ID!) { linkLineage(sourceId: $s, targetId: $t) { source target type } }"
UNLINK = "mutation($s: ID!, $t: ID!) { unlinkLineage(sourceId: $s, targetId: $t) }"
DELETE = "mutation($id: ID!) { deleteEntity(id: $id) }"
SEARCH = """query($text: String, $types: [EntityType!], $first: Int, $after: String) {
  search(text: $text, types: $types, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id qualifiedName type } }
  }
}"""


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

"""The GraphQL documents the tests share. Where tests need the same operation with different selections,
each variant is named for what it returns (UPSERT: every entity field; UPSERT_IDS: id and qualifiedName;
UPSERT_ASSIGNMENTS: with the classifications)."""

from __future__ import annotations

ENTITY_FIELDS = "id type qualifiedName name description properties owners createdAt updatedAt deleted"
ASSIGNMENT = "name attributes propagate propagated sourceId path"

ME = "{ me { name roles } }"

# -- entities -----------------------------------------------------------------------------------------
UPSERT = f"mutation($in: [EntityInput!]!) {{ upsertEntities(input: $in) {{ {ENTITY_FIELDS} }} }}"
UPSERT_IDS = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id qualifiedName } }"
UPSERT_ASSIGNMENTS = f"mutation($in: [EntityInput!]!) {{ upsertEntities(input: $in) {{ id qualifiedName classifications {{ {ASSIGNMENT} }} }} }}"
RECORD = f"mutation($in: ProcessInput!) {{ recordProcess(input: $in) {{ {ENTITY_FIELDS} }} }}"
RECORD_ID = "mutation($in: ProcessInput!) { recordProcess(input: $in) { id } }"
ENTITY = f"query($id: ID!) {{ entity(id: $id) {{ {ENTITY_FIELDS} }} }}"
ENTITY_CLASSIFICATIONS = f"query($id: ID!) {{ entity(id: $id) {{ id classifications {{ {ASSIGNMENT} }} }} }}"
BY_NAME = f"query($t: EntityType!, $q: String!) {{ entityByName(type: $t, qualifiedName: $q) {{ {ENTITY_FIELDS} }} }}"
DELETE = "mutation($id: ID!) { deleteEntity(id: $id) }"
SEARCH = """query($text: String, $types: [EntityType!], $first: Int, $after: String) {
  search(text: $text, types: $types, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id qualifiedName type } }
  }
}"""

# -- lineage --------------------------------------------------------------------------------------------
LINK = "mutation($s: ID!, $t: ID!) { linkLineage(sourceId: $s, targetId: $t) { source target type } }"
UNLINK = "mutation($s: ID!, $t: ID!) { unlinkLineage(sourceId: $s, targetId: $t) }"
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

# -- classifications -----------------------------------------------------------------------------------
CLASSIFY = "mutation($id: ID!, $n: String!) { classify(entityId: $id, name: $n) { id } }"
CLASSIFY_ASSIGNMENTS = f"""mutation($id: ID!, $n: String!, $a: JSON, $p: Boolean, $r: Boolean = false) {{
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

# -- grants ---------------------------------------------------------------------------------------------
GRANT = "mutation($p: String!, $a: String!, $e: ID, $c: String) { grant(principal: $p, action: $a, entityId: $e, classification: $c) }"
REVOKE = "mutation($p: String!, $a: String!, $e: ID, $c: String) { revoke(principal: $p, action: $a, entityId: $e, classification: $c) }"

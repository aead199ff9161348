"""The ceiling: raw Cypher on the same Neo4j through the sync driver, no API, no checks.

Ingest writes its own copy of the graph under the `BenchRaw` label (MERGE on a unique name, like
provgraph's upserts, UNWIND batches of 1,000); reads and the propagation baseline run on the entities
provgraph stored, so both answer over exactly the same nodes and edges.

These statements are benchmark baselines, not product queries, so they live here rather than in cypher/.
Cypher allows no parameter as a var-length bound, hence one traversal text per depth.
"""

from __future__ import annotations

from typing import Any

from neo4j import GraphDatabase

from .generator import LineageGraph

BATCH = 1_000
SCHEMA = "CREATE CONSTRAINT bench_raw_name IF NOT EXISTS FOR (n:BenchRaw) REQUIRE n.name IS UNIQUE"
NODES = """UNWIND $rows AS row
MERGE (n:BenchRaw {name: row.name})
ON CREATE SET n.type = row.type, n.createdAt = datetime(), n.updatedAt = datetime()"""
EDGES = """UNWIND $rows AS row
MATCH (s:BenchRaw {name: row.source})
MATCH (t:BenchRaw {name: row.target})
CREATE (s)-[r:$(row.kind)]->(t)
SET r.createdAt = datetime()"""


def downstream_query(depth: int) -> str:
    # The shape cypher/traversal.cypher uses: min(length(p)) per node is planned as a pruning BFS.
    return f"""MATCH (root:Entity {{id: $id}})
MATCH p = (root)-[:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES*1..{int(depth)}]->(x:Entity)
WITH x, min(length(p)) AS hops
RETURN x.id AS id, hops"""


IMPACT = """MATCH (root:Entity {id: $id})
MATCH p = (root)-[:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES*1..20]->(x:Entity)
WITH x, min(length(p)) AS hops
RETURN count(x) AS total"""

# The assignments provgraph stores for classify(source, C) (cypher/classifications.cypher and
# cypher/propagation.cypher): the direct assignment node (S)-[:CLASSIFIED_AS]->(a:Assignment {key: "S|C"}),
# one (X)-[:CARRIES {distance}]->(a) per entity X reachable over live, unblocked propagation edges, and
# every holder's classificationNames, in one statement.
PROPAGATE = """MATCH (s:Entity {id: $id})
CREATE (a:Assignment {key: $id + '|' + $name, sourceId: $id, name: $name, attributes: '{}', propagate: true,
                      removeOnSourceDelete: false, createdAt: datetime(), updatedAt: datetime()})
CREATE (s)-[:CLASSIFIED_AS]->(a)
SET s.classificationNames = coalesce(s.classificationNames, []) + $name
WITH s, a
CALL (s) {
  MATCH p = (s)-[rs:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES|HAS_VERSION|HAS_FEATURE|HAS_RUN*1..50]->(w:Entity)
  WHERE all(r IN rs WHERE r.removedAt IS NULL AND NOT $name IN coalesce(r.blockedClassifications, []))
  WITH w, min(length(p)) AS distance
  WHERE w <> s
  RETURN w, distance
}
CREATE (w)-[:CARRIES {distance: distance}]->(a)
SET w.classificationNames = coalesce(w.classificationNames, []) + $name
RETURN count(w) AS written"""
ASSIGNMENTS = """MATCH (w:Entity)-[c:CARRIES]->(:Assignment {key: $id + '|' + $name})
RETURN w.id AS id, c.distance AS distance"""
UNDO = """MATCH (a:Assignment {key: $id + '|' + $name})
OPTIONAL MATCH (w:Entity)-[:CARRIES|CLASSIFIED_AS]->(a)
SET w.classificationNames = [n IN w.classificationNames WHERE n <> $name]
WITH DISTINCT a
DETACH DELETE a"""


class CypherSystem:
    def __init__(self, uri: str, user: str = "neo4j", password: str | None = None) -> None:
        auth = (user, password) if password else None
        # DERIVES never occurs in the bench graph; the baseline keeps the product's relationship list anyway.
        self.driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")

    def close(self) -> None:
        self.driver.close()

    def run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = self.driver.execute_query(query, params)
        return [r.data() for r in records]

    def wipe(self) -> None:
        with self.driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

    def drop_copy(self) -> None:
        """Removes the BenchRaw copy and its constraint, so the store is left with provgraph's data only."""
        with self.driver.session() as session:
            session.run("MATCH (n:BenchRaw) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        self.run("DROP CONSTRAINT bench_raw_name IF EXISTS")

    def ingest(self, graph: LineageGraph) -> None:
        self.run(SCHEMA)
        nodes = [{"name": e.name, "type": e.type} for e in graph.data]
        nodes += [{"name": dep, "type": "DEPLOYMENT"} for _, dep in graph.deployments]
        nodes += [{"name": r.name, "type": "RUN"} for r in graph.runs]
        edges = []
        for run in graph.runs:
            edges += [{"source": i, "target": run.name, "kind": "INPUT_TO"} for i in run.inputs]
            edges += [{"source": run.name, "target": o, "kind": "PRODUCED"} for o in run.outputs]
        edges += [{"source": mv, "target": dep, "kind": "DEPLOYED_AS"} for mv, dep in graph.deployments]
        for query, rows in ((NODES, nodes), (EDGES, edges)):
            for start in range(0, len(rows), BATCH):
                self.run(query, rows=rows[start : start + BATCH])

    def lineage(self, entity_id: str, depth: int) -> set[str]:
        """Ids within `depth` hops downstream, the root included."""
        return {entity_id} | {r["id"] for r in self.run(downstream_query(depth), id=entity_id)}

    def impact(self, entity_id: str) -> int:
        return self.run(IMPACT, id=entity_id)[0]["total"]

    def propagate(self, entity_id: str, name: str) -> int:
        return self.run(PROPAGATE, id=entity_id, name=name)[0]["written"]

    def assignments(self, entity_id: str, name: str) -> dict[str, int]:
        return {r["id"]: r["distance"] for r in self.run(ASSIGNMENTS, id=entity_id, name=name)}

    def undo_propagation(self, entity_id: str, name: str) -> None:
        self.run(UNDO, id=entity_id, name=name)

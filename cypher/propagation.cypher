// Classification propagation (docs/ARCHITECTURE.md §4): the statements services/propagation.py runs to keep the stored
// propagated copies equal to the rule after every mutation.
//
// Stored state. A direct assignment of classification C to source S is one node
//   (S:Entity)-[:CLASSIFIED_AS]->(a:Assignment {key: "S|C", sourceId: S, name: C, attributes, propagate, ...})
// and every entity X that carries it by propagation has one relationship to that same node
//   (X:Entity)-[:CARRIES {distance}]->(a)
// where `distance` is the length of a shortest path S => X over propagation edges that are live and do
// not block C. A copy therefore shows the source's attributes and flag with no copying, all copies of an
// assignment are one expansion from `a`, and whether X carries it is answered from X's side (X has a few
// relationships; `a` may have millions).
// Propagation edges: the lineage edges INPUT_TO, PRODUCED, DEPLOYED_AS, DERIVES with removedAt null
// (data-flow direction) and the containment edges HAS_VERSION, HAS_FEATURE, HAS_RUN (container to
// member, never blocked). While a repair runs, a copy that lost its support has distance null
// ("pending"); the repair gives it a distance again or deletes it before the transaction ends, so no
// other transaction ever sees a pending copy.
// Rows passed in are {key, nodeId}: an assignment's key and an entity id. Where a statement looks up
// both, the index hints make Neo4j seek both nodes and join them with Expand(Into), which walks the
// entity's side; expanding from the assignment instead would cost its whole fan-out per row.

// name: propagation_lock
// Serialises every transaction that reads propagation state in order to write it. Neo4j reads committed
// data, so two concurrent repairs could each miss the other's edge or copy and leave a stale or missing
// tag; taking this one write lock first makes them run one after the other.
MERGE (l:PropagationLock {name: 'propagation'})
SET l.lockedAt = $now
RETURN l.name AS lock

// name: propagation_pairs_at
// The propagating assignments that reach each given entity: its own (distance 0) and those it carries.
// Edges leaving these entities changed, so exactly these assignments can have changed holders.
UNWIND $ids AS id
MATCH (u:Entity {id: id})
CALL (u) {
  MATCH (u)-[:CLASSIFIED_AS]->(a:Assignment)
  WHERE a.propagate
  RETURN a.key AS key, 0 AS distance
UNION ALL
  MATCH (u)-[c:CARRIES]->(a:Assignment)
  WHERE c.distance IS NOT NULL
  RETURN a.key AS key, c.distance AS distance
}
RETURN key, u.id AS nodeId, distance

// name: propagation_holders_among
// Copies of the given assignments held by the given entities: the downstream ends of changed edges,
// whose shortest path may have run over one of them.
UNWIND $ids AS id
MATCH (b:Entity {id: id})-[c:CARRIES]->(a:Assignment)
WHERE c.distance IS NOT NULL AND a.key IN $keys
RETURN a.key AS key, b.id AS nodeId

// name: propagation_spread
// The fast path for an assignment that starts propagating and has no copies yet (a new one, or one whose
// copies stop_propagating just deleted): one breadth-first search from the source writes every copy
// at its shortest distance, instead of one propagation_relax per distance level. min(length(p)) over the
// var-length match is planned as a pruning BFS (each entity expanded once, at its shortest distance),
// as in cypher/traversal.cypher. Paths are bounded at 50 hops; the entities at exactly 50 come back as
// `frontier`, from which services/propagation.py continues with propagation_relax, so longer chains
// stay exact.
MATCH (a:Assignment {key: $key})
MATCH (s:Entity {id: a.sourceId})
CALL (s) {
  MATCH p = (s)-[rs:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES|HAS_VERSION|HAS_FEATURE|HAS_RUN*1..50]->(w:Entity)
  WHERE all(r IN rs WHERE r.removedAt IS NULL AND NOT $name IN coalesce(r.blockedClassifications, []))
  WITH w, min(length(p)) AS distance
  WHERE w <> s
  RETURN w, distance
}
CREATE (w)-[:CARRIES {distance: distance}]->(a)
SET w.classificationNames = COLLECT {
  UNWIND coalesce(w.classificationNames, []) + a.name AS name
  RETURN DISTINCT name ORDER BY name
}
RETURN count(w) AS holders, [id IN collect(CASE WHEN distance = 50 THEN w.id END) WHERE id IS NOT NULL] AS frontier

// name: propagation_orphan_step
// One step of the deletion repair (Even-Shiloach): a copy at distance k keeps its distance while some
// live edge that does not block the classification reaches it from the source (k = 1) or from a holder
// of the same assignment at distance k - 1. Copies without such support become pending (distance
// null); their children at distance k + 1 are returned, to be checked in the next step.
UNWIND $suspects AS s
MATCH (b:Entity {id: s.nodeId})-[c:CARRIES]->(a:Assignment {key: s.key})
USING INDEX b:Entity(id)
USING INDEX a:Assignment(key)
WHERE c.distance IS NOT NULL
  AND NOT EXISTS {
    MATCH (y:Entity)-[r:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES|HAS_VERSION|HAS_FEATURE|HAS_RUN]->(b)
    WHERE r.removedAt IS NULL AND NOT a.name IN coalesce(r.blockedClassifications, [])
      AND ((c.distance = 1 AND y.id = a.sourceId AND a.propagate)
           OR EXISTS { MATCH (y)-[cy:CARRIES]->(a) WHERE cy.distance = c.distance - 1 })
  }
WITH DISTINCT s, a, b, c, c.distance AS was
SET c.distance = null
WITH s, a, b, was
OPTIONAL MATCH (b)-[r:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES|HAS_VERSION|HAS_FEATURE|HAS_RUN]->(w:Entity)
  WHERE r.removedAt IS NULL AND NOT a.name IN coalesce(r.blockedClassifications, [])
    AND EXISTS { MATCH (w)-[cw:CARRIES]->(a) WHERE cw.distance = was + 1 }
RETURN s.key AS key, b.id AS nodeId, collect(DISTINCT w.id) AS children

// name: propagation_boundary
// Where the repair restarts: entities that reach a pending copy's holder over a live edge that does not
// block the classification, and hold the assignment (or are its source), with their distance.
UNWIND $pending AS o
MATCH (a:Assignment {key: o.key})
MATCH (b:Entity {id: o.nodeId})<-[r:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES|HAS_VERSION|HAS_FEATURE|HAS_RUN]-(y:Entity)
WHERE r.removedAt IS NULL AND NOT a.name IN coalesce(r.blockedClassifications, [])
OPTIONAL MATCH (y)-[cy:CARRIES]->(a)
WITH o, y, CASE WHEN y.id = a.sourceId THEN CASE WHEN a.propagate THEN 0 END ELSE cy.distance END AS distance
WHERE distance IS NOT NULL
RETURN DISTINCT o.key AS key, y.id AS nodeId, distance

// name: propagation_relax
// One hop of the breadth-first search, for many assignments at once. $frontier holds (assignment,
// entity) rows at one distance; every live edge out of them that does not block the classification
// offers its target distance + 1, and a target takes it when it has no copy, a pending one or a longer
// one. A new copy adds its name to the holder's classificationNames. Returns the targets that changed
// (the next frontier).
UNWIND $frontier AS f
MATCH (a:Assignment {key: f.key})
MATCH (u:Entity {id: f.nodeId})
OPTIONAL MATCH (u)-[cu:CARRIES]->(held:Assignment)
  WHERE held.key = a.key
WITH a, u, CASE WHEN u.id = a.sourceId THEN CASE WHEN a.propagate THEN 0 END ELSE cu.distance END AS du
WHERE du IS NOT NULL
MATCH (u)-[r:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES|HAS_VERSION|HAS_FEATURE|HAS_RUN]->(w:Entity)
WHERE r.removedAt IS NULL AND NOT a.name IN coalesce(r.blockedClassifications, []) AND w.id <> a.sourceId
WITH a, w, min(du) + 1 AS distance
OPTIONAL MATCH (w)-[cw:CARRIES]->(held:Assignment)
  WHERE held.key = a.key
WITH a, w, distance, cw
WHERE cw IS NULL OR cw.distance IS NULL OR cw.distance > distance
CALL (a, w, distance, cw) {
  WITH a, w, distance, cw WHERE cw IS NULL
  CREATE (w)-[:CARRIES {distance: distance}]->(a)
  SET w.classificationNames = COLLECT {
    UNWIND coalesce(w.classificationNames, []) + a.name AS name
    RETURN DISTINCT name ORDER BY name
  }
  RETURN true AS created
UNION
  WITH cw, distance WHERE cw IS NOT NULL
  SET cw.distance = distance
  RETURN false AS created
}
RETURN a.key AS key, w.id AS nodeId, distance

// name: propagation_delete_pending
// Copies still pending when the repair is done have no path any more. Their holders' names are
// recomputed (another assignment may still give the same name).
UNWIND $pending AS o
MATCH (b:Entity {id: o.nodeId})-[c:CARRIES]->(a:Assignment {key: o.key})
USING INDEX b:Entity(id)
USING INDEX a:Assignment(key)
WHERE c.distance IS NULL
DELETE c
WITH DISTINCT b
SET b.classificationNames = COLLECT {
  MATCH (b)-[:CLASSIFIED_AS|CARRIES]->(x:Assignment)
  RETURN DISTINCT x.name AS name ORDER BY name
}
RETURN count(b) AS holders

// name: propagation_delete_copies
// Copies of one assignment, a batch at a time: it stopped propagating or is being removed. Their
// holders' names are recomputed (another assignment may still give the same name).
MATCH (a:Assignment {key: $key})<-[c:CARRIES]-(b:Entity)
WITH b, c LIMIT $limit
DELETE c
WITH DISTINCT b
SET b.classificationNames = COLLECT {
  MATCH (b)-[:CLASSIFIED_AS|CARRIES]->(x:Assignment)
  RETURN DISTINCT x.name AS name ORDER BY name
}
RETURN count(b) AS holders

// name: propagation_containers_of
// The current containers of the given members, before their containment changes.
UNWIND $ids AS id
MATCH (c:Entity)-[:HAS_VERSION|HAS_FEATURE|HAS_RUN]->(m:Entity {id: id})
RETURN DISTINCT c.id AS id

// name: propagation_refresh_names
// Keeps each entity's `classificationNames` equal to the distinct names it holds, direct or propagated:
// read filters (restricted entities) use it without touching the assignments.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
SET e.classificationNames = COLLECT {
  MATCH (e)-[:CLASSIFIED_AS|CARRIES]->(a:Assignment)
  RETURN DISTINCT a.name AS name ORDER BY name
}
RETURN count(e) AS updated

// Classification definitions, direct assignments, and reading assignments (direct and propagated) for
// the entities an answer returns. Propagated copies are maintained by cypher/propagation.cypher.

// name: schema_classification_def_name
CREATE CONSTRAINT classification_def_name IF NOT EXISTS FOR (d:ClassificationDef) REQUIRE d.name IS UNIQUE

// name: schema_assignment_key
// One node per direct assignment, keyed "sourceId|name" (cypher/propagation.cypher explains the model).
CREATE CONSTRAINT assignment_key IF NOT EXISTS FOR (a:Assignment) REQUIRE a.key IS UNIQUE

// name: schema_assignment_name
CREATE INDEX assignment_name IF NOT EXISTS FOR (a:Assignment) ON (a.name)

// name: schema_propagation_lock
CREATE CONSTRAINT propagation_lock_name IF NOT EXISTS FOR (l:PropagationLock) REQUIRE l.name IS UNIQUE

// name: seed_classification_defs
// Built-ins are created once; a later start leaves them as they are.
UNWIND $defs AS def
MERGE (d:ClassificationDef {name: def.name})
  ON CREATE SET d.description = def.description, d.attributes = def.attributes, d.propagate = def.propagate,
                d.restricted = def.restricted, d.builtIn = true, d.createdAt = $now, d.updatedAt = $now
RETURN count(d) AS defs

// name: classification_defs
MATCH (d:ClassificationDef)
RETURN d {.*} AS def
ORDER BY d.name

// name: classification_def
// One definition, and whether any entity holds it (copies need a direct assignment, so that is enough).
MATCH (d:ClassificationDef {name: $name})
RETURN d {.*} AS def, EXISTS { MATCH (a:Assignment {name: $name}) } AS assigned

// name: put_classification_def
MERGE (d:ClassificationDef {name: $name})
  ON CREATE SET d.createdAt = $now, d.builtIn = false
SET d.description = $description, d.attributes = $attributes, d.propagate = $propagate,
    d.restricted = $restricted, d.updatedAt = $now
RETURN d {.*} AS def

// name: classification_target
// The entity to classify, with what a read decision needs (type, names held, deleted).
MATCH (e:Entity {id: $id})
RETURN e.id AS id, [l IN labels(e) WHERE l <> 'Entity'][0] AS type,
       coalesce(e.classificationNames, []) AS classificationNames, e.deletedAt IS NOT NULL AS deleted

// name: direct_assignment
MATCH (a:Assignment {key: $key})
RETURN a.attributes AS attributes, a.propagate AS propagate, a.removeOnSourceDelete AS removeOnSourceDelete

// name: put_direct_assignment
// Creates or updates the direct assignment in place; copies show its attributes and flag.
MATCH (e:Entity {id: $id})
MERGE (a:Assignment {key: $key})
  ON CREATE SET a.sourceId = $id, a.name = $name, a.createdAt = $now
MERGE (e)-[:CLASSIFIED_AS]->(a)
SET a.attributes = $attributes, a.propagate = $propagate, a.removeOnSourceDelete = $removeOnSourceDelete,
    a.updatedAt = $now
RETURN a.key AS key

// name: delete_direct_assignment
// Its copies must be gone already (services/propagation.py deletes them in batches).
MATCH (a:Assignment {key: $key})
DETACH DELETE a
RETURN $key AS key

// name: propagated_sources
// The sources of the copies of one classification an entity carries (declassify refuses those).
MATCH (e:Entity {id: $id})-[c:CARRIES]->(a:Assignment)
WHERE a.name = $name AND c.distance IS NOT NULL
RETURN a.sourceId AS sourceId
ORDER BY c.distance, sourceId

// name: remove_on_delete_assignments
// The direct assignments made with removeOnSourceDelete: they go when their source is deleted.
MATCH (e:Entity {id: $id})-[:CLASSIFIED_AS]->(a:Assignment)
WHERE a.removeOnSourceDelete
RETURN a.name AS name

// name: classification_assignments
// Every assignment the given entities hold, direct and propagated, in one query. A copy shows its
// source's attributes and flag, and a path: a shortest path from the source over live edges that do
// not block the classification (the copy's stored distance is that path's length).
UNWIND $ids AS id
MATCH (e:Entity {id: id})
CALL (e) {
  MATCH (e)-[:CLASSIFIED_AS]->(a:Assignment)
  RETURN a, false AS propagated, [e.id] AS path
UNION ALL
  MATCH (e)-[c:CARRIES]->(a:Assignment)
  WHERE c.distance IS NOT NULL
  MATCH (s:Entity {id: a.sourceId})
  WITH e, a, s, a.name AS name
  OPTIONAL MATCH p = ANY SHORTEST (s)(()-[r:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES|HAS_VERSION|HAS_FEATURE|HAS_RUN
                                    WHERE r.removedAt IS NULL
                                      AND NOT name IN coalesce(r.blockedClassifications, [])]->())+(e)
  RETURN a, true AS propagated, [n IN nodes(p) | n.id] AS path
}
RETURN e.id AS id, a.name AS name, a.attributes AS attributes, a.propagate AS propagate, propagated,
       a.sourceId AS sourceId, path, coalesce(a.removeOnSourceDelete, false) AS removeOnSourceDelete
ORDER BY id, name, propagated, size(path), sourceId

// name: live_lineage_edge
// The live lineage edge from source to target (at most one is live), with its blocks.
MATCH (s:Entity {id: $source})-[r]->(t:Entity {id: $target})
WHERE type(r) IN $kinds AND r.removedAt IS NULL
RETURN s.id AS source, t.id AS target, type(r) AS kind, r.createdAt AS createdAt,
       coalesce(r.blockedClassifications, []) AS blockedClassifications

// name: set_edge_blocks
// Adds or removes one classification from a live lineage edge's blocked list (idempotent).
MATCH (s:Entity {id: $source})-[r]->(t:Entity {id: $target})
WHERE type(r) IN $kinds AND r.removedAt IS NULL
SET r.blockedClassifications = CASE
      WHEN $block THEN [n IN coalesce(r.blockedClassifications, []) WHERE n <> $name] + $name
      ELSE [n IN coalesce(r.blockedClassifications, []) WHERE n <> $name] END
RETURN s.id AS source, t.id AS target, type(r) AS kind, r.createdAt AS createdAt,
       r.blockedClassifications AS blockedClassifications

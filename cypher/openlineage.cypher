// OpenLineage ingestion (services/openlineage.py): the merge bookkeeping and column-lineage edges.
// Entities themselves are created and updated with the ordinary upsert (entities.cypher).

// name: openlineage_lock_and_read
// Takes each entity's write lock (held until commit), in the order given, then reads what earlier
// writes stored. Two writers of the same run or dataset (two events, or an event and an upsert) then
// merge one after the other instead of the second overwriting the first. Setting and removing a property is the Neo4j idiom for a lock
// without a visible change. `openlineageVersions` (JSON text) holds the versions of reported values.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
SET e.openlineageLock = true
REMOVE e.openlineageLock
RETURN e.id AS id, e.properties AS properties, e.description AS description, e.openlineageVersions AS versions,
       e.owners AS owners, e.aliases AS aliases, e.classificationNames AS classificationNames

// name: openlineage_set_versions
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
SET e.openlineageVersions = row.versions
RETURN count(e) AS updated

// name: openlineage_link_derives
// Column lineage, (Feature)-[:DERIVES]->(Feature): creates the live edge if missing, then applies the
// report's transformation properties when its version is the highest seen for this edge. `masking`
// only ever turns on; when it does, the edge blocks $maskingBlocks (kept with any blocks already
// there), so an anonymising step stops those classifications from propagating.
// $edges: [{source, target, version, masking, properties}], properties holding openlineageVersion too.
UNWIND $edges AS edge
MATCH (s:Feature {id: edge.source})
MATCH (t:Feature {id: edge.target})
OPTIONAL MATCH (s)-[live:DERIVES]->(t)
  WHERE live.removedAt IS NULL
WITH s, t, edge, head(collect(live)) AS live
CALL (s, t, live) {
  WITH s, t, live WHERE live IS NULL
  CREATE (s)-[r:DERIVES]->(t)
  SET r.createdAt = $now
  RETURN r, true AS created
UNION
  WITH live WHERE live IS NOT NULL
  RETURN live AS r, false AS created
}
WITH r, edge, created,
     edge.version > coalesce(r.openlineageVersion, '') AS wins,
     edge.masking AND NOT coalesce(r.masking, false) AS newlyMasking,
     coalesce(r.blockedClassifications, []) AS blocked
SET r += CASE WHEN wins THEN edge.properties ELSE {} END
SET r.masking = coalesce(r.masking, false) OR edge.masking
SET r.blockedClassifications = CASE
      WHEN newlyMasking THEN blocked + [c IN $maskingBlocks WHERE NOT c IN blocked]
      ELSE r.blockedClassifications END
RETURN startNode(r).id AS source, endNode(r).id AS target, created, newlyMasking

// name: openlineage_set_descriptions
// A description exactly as its winning report gives it (a Feature's schema field, a dataset's or job's
// documentation facet): null clears it, which the ordinary upsert (omitted means keep) cannot do.
// updatedAt moves only on a real change.
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
WITH e, row
WHERE coalesce(e.description, '') <> coalesce(row.description, '')
SET e.description = row.description, e.updatedAt = $now
RETURN count(e) AS updated

// name: openlineage_set_aliases
// A dataset's other names (the symlinks facet's identifiers, as qualifiedNames), exactly as its winning
// report gives them. `aliases` is covered by the full-text index (schema.cypher), which `search` and the
// entityByName fallback (entities.cypher) use.
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
WITH e, row
WHERE coalesce(e.aliases, []) <> row.aliases
SET e.aliases = row.aliases, e.updatedAt = $now
RETURN count(e) AS updated

// name: openlineage_direct_classifications
// The classifications each entity holds directly (tags only add those it does not hold yet).
UNWIND $ids AS id
MATCH (e:Entity {id: id})
OPTIONAL MATCH (e)-[:CLASSIFIED_AS]->(a:Assignment)
RETURN e.id AS id, collect(a.name) AS names

// Lineage edges, in the direction data flows. Edges are never deleted: ending one sets removedAt, so
// lineage can be asked as of any time. At most one live edge of a kind joins two entities.

// name: link_lineage
// Creates each live edge that is not there yet; one already live is left alone (idempotent).
// $edges: [{source, target, kind}] with kind from the closed LineageKind enum.
UNWIND $edges AS edge
MATCH (s:Entity {id: edge.source})
MATCH (t:Entity {id: edge.target})
OPTIONAL MATCH (s)-[live]->(t)
  WHERE type(live) = edge.kind AND live.removedAt IS NULL
WITH s, t, edge, head(collect(live)) AS live
CALL (s, t, edge, live) {
  WITH s, t, edge, live WHERE live IS NULL
  CREATE (s)-[r:$(edge.kind)]->(t)
  SET r.createdAt = $now
  RETURN r
UNION
  WITH live WHERE live IS NOT NULL
  RETURN live AS r
}
RETURN s.id AS source, t.id AS target, type(r) AS kind, r.createdAt AS createdAt,
       r.createdAt = $now AS created, coalesce(r.blockedClassifications, []) AS blockedClassifications

// name: unlink_lineage
// Ends the live lineage edge(s) from source to target.
MATCH (s:Entity {id: $source})-[r]->(t:Entity {id: $target})
WHERE type(r) IN $kinds AND r.removedAt IS NULL
SET r.removedAt = $now
RETURN s.id AS source, t.id AS target, type(r) AS kind

// name: end_process_edges_except
// Ends each process's live INPUT_TO / PRODUCED edges that are not in its given sets, so re-recording a
// process with fewer inputs leaves the old ones in history, not in the live graph. One row per process
// with the ends whose edge it ended and those whose live edge stays (so the caller creates exactly
// the missing ones, without a check per edge). $processes: [{id, inputIds, outputIds}].
UNWIND $processes AS proc
MATCH (p:Entity {id: proc.id})
CALL (p, proc) {
  OPTIONAL MATCH (i:Entity)-[r:INPUT_TO]->(p)
    WHERE r.removedAt IS NULL
  WITH i, r, i.id IN proc.inputIds AS kept
  FOREACH (_ IN CASE WHEN r IS NOT NULL AND NOT kept THEN [1] ELSE [] END | SET r.removedAt = $now)
  RETURN collect(CASE WHEN NOT kept THEN i.id END) AS endedInputs,
         collect(CASE WHEN kept THEN i.id END) AS liveInputs
}
CALL (p, proc) {
  OPTIONAL MATCH (p)-[r:PRODUCED]->(o:Entity)
    WHERE r.removedAt IS NULL
  WITH o, r, o.id IN proc.outputIds AS kept
  FOREACH (_ IN CASE WHEN r IS NOT NULL AND NOT kept THEN [1] ELSE [] END | SET r.removedAt = $now)
  RETURN collect(CASE WHEN NOT kept THEN o.id END) AS endedOutputs,
         collect(CASE WHEN kept THEN o.id END) AS liveOutputs
}
RETURN p.id AS id, endedInputs, liveInputs, endedOutputs, liveOutputs

// name: create_lineage_edges
// Creates each edge as given, with no check: the caller knows none of them is live (a process's
// missing edges, from end_process_edges_except, under the propagation lock). $edges as link_lineage.
UNWIND $edges AS edge
MATCH (s:Entity {id: edge.source})
MATCH (t:Entity {id: edge.target})
CREATE (s)-[r:$(edge.kind)]->(t)
SET r.createdAt = $now
RETURN count(r) AS created


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
       r.createdAt = $now AS created

// name: unlink_lineage
// Ends the live lineage edge(s) from source to target.
MATCH (s:Entity {id: $source})-[r]->(t:Entity {id: $target})
WHERE type(r) IN $kinds AND r.removedAt IS NULL
SET r.removedAt = $now
RETURN s.id AS source, t.id AS target, type(r) AS kind

// name: end_process_edges_except
// Ends each process's live INPUT_TO / PRODUCED edges that are not in its given sets, so re-recording a
// process with fewer inputs leaves the old ones in history, not in the live graph.
// $processes: [{id, inputIds, outputIds}]; one row back with every ended input and output id.
UNWIND $processes AS proc
MATCH (p:Entity {id: proc.id})
CALL (p, proc) {
  OPTIONAL MATCH (i:Entity)-[r:INPUT_TO]->(p)
    WHERE r.removedAt IS NULL AND NOT i.id IN proc.inputIds
  SET r.removedAt = $now
  RETURN collect(i.id) AS endedInputs
}
CALL (p, proc) {
  OPTIONAL MATCH (p)-[r:PRODUCED]->(o:Entity)
    WHERE r.removedAt IS NULL AND NOT o.id IN proc.outputIds
  SET r.removedAt = $now
  RETURN collect(o.id) AS endedOutputs
}
WITH collect(endedInputs) AS inputs, collect(endedOutputs) AS outputs
RETURN reduce(acc = [], ids IN inputs | acc + ids) AS endedInputs,
       reduce(acc = [], ids IN outputs | acc + ids) AS endedOutputs


// Lineage traversal: lineage, lineagePath and impact (services/lineage.py). Read-only.
//
// Hops. A hop is one lineage edge (INPUT_TO, PRODUCED, DEPLOYED_AS, DERIVES), followed with the data
// flow (downstream) or against it (upstream). Containment edges are not hops, with one exception that
// makes feature-level lineage reach the dataset level: when the root is a Feature, its container
// (the Dataset or DatasetVersion holding it through HAS_FEATURE) is one hop away from it, and the
// traversal continues from there as well. So from a Feature the answer is its DERIVES lineage plus
// its dataset's lineage, the dataset at distance 1 and what flows from or into it at 2, 3, ...
//
// Time. $asOf null means now: only live edges (removedAt null) and live entities (deletedAt null)
// count. With $asOf = t: edges with createdAt <= t and (removedAt null or > t), entities with
// createdAt <= t and not deleted at t. Both cases are one predicate each, the fragments edge_at and
// entity_at below, which every statement here uses (store/queries.py puts them in place).
//
// Bounds. Cypher takes no parameter as a path length bound, so a search expands up to a literal
// bound, the smallest of 3, 6, 10, 20 and 50 (SEARCH_BOUNDS in domain/lineage.py; 50 is the largest
// depth the API accepts) that covers $depth, and stops early with LIMIT $visit: the var-length expansion with min(length(p)) per node is planned
// as a breadth-first search that streams each node once, nearest first (VarLengthExpand(Pruning,BFS)),
// so the first $visit rows are the $visit nearest nodes and the search goes no further. The work is
// bounded by both: the usual depths never look past themselves, and no search visits more than $visit
// nodes. Rows beyond $depth are dropped after the LIMIT. Each search reports how many nodes it visited
// and the farthest distance it saw: when it visited $visit nodes and the farthest is still within
// $depth, nodes within $depth may have been cut (the caller reports `truncated`).
// tests/test_lineage.py checks the plan keeps that shape, and tests/test_named_queries.py that every
// search plans.

// fragment: edge_at(r)
// A lineage edge that existed at $asOf (is live, when $asOf is null).
coalesce(r.createdAt <= $asOf, true) AND coalesce(r.removedAt > $asOf, r.removedAt IS NULL)

// fragment: entity_at(n)
// An entity that existed and was not deleted at $asOf (is live, when $asOf is null).
coalesce(n.createdAt <= $asOf, true) AND coalesce(n.deletedAt > $asOf, n.deletedAt IS NULL)

// name: lineage_root
// The entity a question starts from, with what the read decision needs, and whether it existed at
// $asOf (is live now, when $asOf is null).
MATCH (e:Entity {id: $id})
RETURN e.id AS id, [l IN labels(e) WHERE l <> 'Entity'][0] AS type,
       coalesce(e.classificationNames, []) AS classificationNames, coalesce(e.owners, []) AS owners,
       @entity_at(e) AS present

// name: lineage_traversal
// One row per start and direction: how many nodes the search visited (at most $visit, nearest first),
// the farthest hop count among them, and those within $depth with their distances. $directions is
// ['DOWNSTREAM'], ['UPSTREAM'] or both (for BOTH, where each node keeps its nearer distance); each way
// is its own search with its own LIMIT. Starts: the root, and for a Feature root also its container,
// at offset 1. The searches, one per direction and length bound (the `each` block, written out by
// store/queries.py), differ only in those two; one runs per start and direction, the one whose bound is
// the smallest covering $depth - offset (which is at least 1 unless the start is a container at depth 1,
// which then needs no search). Callers keep $depth within 0..50 (check_depth).
MATCH (root:Entity {id: $id})
CALL (root) {
  RETURN root AS start, 0 AS offset
  UNION
  MATCH (start:Entity)-[h:HAS_FEATURE]->(root:Feature)
  WHERE coalesce(h.createdAt <= $asOf, true)
    AND @entity_at(start)
  RETURN start, 1 AS offset
}
UNWIND $directions AS direction
CALL (root, start, offset, direction) {
  CALL (start, offset, direction) {
    // each: lineage_search
    WITH start, offset WHERE direction = '__DIRECTION__' AND __ABOVE__ < $depth - offset <= __BOUND__
    MATCH p = (start)__UP__-[rs:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES*1..__BOUND__]-__DOWN__(x)
    WHERE all(r IN rs WHERE @edge_at(r)) AND all(n IN nodes(p) WHERE @entity_at(n))
    RETURN x, min(length(p)) AS hops
    // end each
  }
  WITH x, hops WHERE x <> root
  LIMIT $visit
  RETURN count(x) AS visited, max(hops) AS farthest,
         collect(CASE WHEN hops + offset <= $depth
                      THEN x {.id, type: [l IN labels(x) WHERE l <> 'Entity'][0],
                              classificationNames: coalesce(x.classificationNames, []),
                              owners: coalesce(x.owners, []), distance: hops + offset} END) AS nodes
}
RETURN direction, offset, visited, farthest, nodes,
       start {.id, type: [l IN labels(start) WHERE l <> 'Entity'][0],
              classificationNames: coalesce(start.classificationNames, []), owners: coalesce(start.owners, [])} AS start

// name: lineage_edges_among
// Every lineage edge (at $asOf) whose two ends are both among $ids, in data-flow direction, once, as
// [source, target, type, blockedClassifications] in one row (one record to decode instead of one per edge).
UNWIND $ids AS id
MATCH (s:Entity {id: id})-[r:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES]->(t:Entity)
WHERE t.id IN $ids
  AND @edge_at(r)
RETURN collect(DISTINCT [s.id, t.id, type(r), coalesce(r.blockedClassifications, [])]) AS edges

// name: lineage_shortest_path
// One shortest live downstream path from $fromId to $toId (ids differ), as its nodes; from a Feature
// also through its container (one hop, as in lineage). No row when there is none. The legacy
// shortestPath is a bidirectional breadth-first search, so it meets in the middle and answers fast even
// across a big graph; its predicates hold for every node and edge, so it never falls back to an
// exhaustive search.
MATCH (source:Entity {id: $fromId}), (target:Entity {id: $toId})
CALL (source) {
  RETURN source AS start, [] AS prefix
  UNION
  MATCH (start:Entity)-[:HAS_FEATURE]->(source:Feature)
  WHERE start.deletedAt IS NULL
  RETURN start, [source] AS prefix
}
CALL (start, target) {
  WITH start, target WHERE start = target
  RETURN [start] AS steps
UNION
  WITH start, target WHERE start <> target
  MATCH p = shortestPath((start)-[rs:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES*1..50]->(target))
  WHERE all(r IN rs WHERE r.removedAt IS NULL) AND all(n IN nodes(p) WHERE n.deletedAt IS NULL)
  RETURN nodes(p) AS steps
}
WITH prefix + steps AS path
ORDER BY size(path)
LIMIT 1
RETURN [n IN path | n {.id, type: [l IN labels(n) WHERE l <> 'Entity'][0],
                       classificationNames: coalesce(n.classificationNames, [])}] AS path

// Compliance reports (services/reports.py). Lineage comes from the traversal queries; these add what a
// report needs around it, each for a whole report in one statement.

// name: report_containers
// The container (Dataset of a version, Pipeline of a run, ...) of each given member, with what the
// caller's ReadScope needs to decide whether the container may be named.
UNWIND $ids AS memberId
MATCH (c:Entity)-[:HAS_VERSION|HAS_FEATURE|HAS_RUN]->(m:Entity {id: memberId})
RETURN m.id AS memberId, c.id AS id, [l IN labels(c) WHERE l <> 'Entity'][0] AS type, c.name AS name,
       coalesce(c.classificationNames, []) AS classificationNames

// name: report_access_counts
// Audit events about the given entities in the window, counted per entity, principal, action and
// decision (the access summary's table); a grouped event (resourceIds) counts for each entity it lists.
// Bounded by the window and the ids given.
MATCH (e:AuditEvent)
WHERE e.time >= $since AND e.time <= $until
  AND (e.resourceId IN $ids OR any(id IN coalesce(e.resourceIds, []) WHERE id IN $ids))
UNWIND [id IN coalesce(e.resourceIds, []) + [e.resourceId] WHERE id IN $ids] AS resourceId
WITH resourceId, e.resourceType AS resourceType, e.principal AS principal,
     e.action AS action, e.decision AS decision, count(*) AS count, min(e.time) AS first, max(e.time) AS last
RETURN resourceId, resourceType, principal, action, decision, count, first, last
ORDER BY resourceId, principal, action, decision
LIMIT $limit

// name: report_access_denials
// The newest denials on the given entities in the window, and how many there were in all (a grouped
// denial counts once per entity it lists).
MATCH (e:AuditEvent)
WHERE e.time >= $since AND e.time <= $until AND e.decision = 'deny'
  AND (e.resourceId IN $ids OR any(id IN coalesce(e.resourceIds, []) WHERE id IN $ids))
UNWIND [id IN coalesce(e.resourceIds, []) + [e.resourceId] WHERE id IN $ids] AS resourceId
WITH e, resourceId ORDER BY e.seq DESC, resourceId
WITH count(*) AS total,
     collect(e {.seq, .time, .principal, .action, resourceId: resourceId, .resourceType, .rule})[..$limit] AS newest
RETURN total, newest

// name: report_classified_entities
// Every live entity carrying $name (directly or by propagation) that the caller's ReadScope lets it
// see, decided inside the query like search (governance/access.py), ordered by type then id. One more
// than $limit is asked for so the caller can tell truncation.
MATCH (e:Entity)
WHERE $name IN coalesce(e.classificationNames, [])
  AND e.deletedAt IS NULL
  AND @visible_in_scope(e)
WITH e, [l IN labels(e) WHERE l <> 'Entity'][0] AS type
RETURN e {.*, type: type} AS entity
ORDER BY type, e.id
LIMIT $limit

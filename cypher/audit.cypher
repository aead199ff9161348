// The audit log: (:AuditEvent) nodes chained by hash, and the single (:AuditHead) that holds the last
// seq and hash. Appending locks the head first, so appends are serialised and the chain never forks;
// an append runs in the transaction of the write it audits, so both commit or neither does.

// name: schema_audit_head_id
CREATE CONSTRAINT audit_head_id IF NOT EXISTS FOR (h:AuditHead) REQUIRE h.id IS UNIQUE

// name: schema_audit_event_seq
CREATE CONSTRAINT audit_event_seq IF NOT EXISTS FOR (e:AuditEvent) REQUIRE e.seq IS UNIQUE

// name: schema_audit_event_time
CREATE INDEX audit_event_time IF NOT EXISTS FOR (e:AuditEvent) ON (e.time)

// name: schema_audit_event_principal
CREATE INDEX audit_event_principal IF NOT EXISTS FOR (e:AuditEvent) ON (e.principal)

// name: schema_audit_event_resource
CREATE INDEX audit_event_resource IF NOT EXISTS FOR (e:AuditEvent) ON (e.resourceId)

// name: ensure_audit_head
MERGE (h:AuditHead {id: 'audit'})
  ON CREATE SET h.seq = 0, h.hash = ''
RETURN h.seq AS seq

// name: lock_audit_head
// Writing a property takes the head's write lock until commit, so a concurrent append waits here; the
// seq and hash are read after the SET, under the lock, so they are the latest committed head (Neo4j's
// documented way to avoid lost updates: lock in the statement, then read).
MERGE (h:AuditHead {id: 'audit'})
  ON CREATE SET h.seq = 0, h.hash = ''
SET h.lock = randomUUID()
WITH h
RETURN h.seq AS seq, h.hash AS hash

// name: append_audit_events
// $events are already numbered and hashed, in order; the head moves to the last one.
UNWIND $events AS event
CREATE (e:AuditEvent)
SET e = event
WITH count(e) AS appended
MATCH (h:AuditHead {id: 'audit'})
SET h.seq = $seq, h.hash = $hash
REMOVE h.lock
RETURN appended

// name: audit_head
OPTIONAL MATCH (h:AuditHead {id: 'audit'})
RETURN h.seq AS seq, h.hash AS hash

// name: audit_chain_after
// One batch of the chain, in order, for verification.
MATCH (e:AuditEvent)
WHERE e.seq > $after
RETURN e {.*} AS event
ORDER BY e.seq ASC
LIMIT $limit

// name: audit_events_page
// Newest first; $before is the seq of the last event of the previous page (keyset cursor). An entity
// filter matches events about it and grouped events listing it (resourceIds).
MATCH (e:AuditEvent)
WHERE ($before IS NULL OR e.seq < $before)
  AND ($principal IS NULL OR e.principal = $principal)
  AND ($resourceId IS NULL OR e.resourceId = $resourceId OR $resourceId IN coalesce(e.resourceIds, []))
  AND ($action IS NULL OR e.action = $action)
  AND ($decision IS NULL OR e.decision = $decision)
  AND ($since IS NULL OR e.time >= $since)
  AND ($until IS NULL OR e.time <= $until)
RETURN e {.*} AS event
ORDER BY e.seq DESC
LIMIT $limit

// name: audit_events_count
MATCH (e:AuditEvent)
WHERE ($principal IS NULL OR e.principal = $principal)
  AND ($resourceId IS NULL OR e.resourceId = $resourceId OR $resourceId IN coalesce(e.resourceIds, []))
  AND ($action IS NULL OR e.action = $action)
  AND ($decision IS NULL OR e.decision = $decision)
  AND ($since IS NULL OR e.time >= $since)
  AND ($until IS NULL OR e.time <= $until)
RETURN count(e) AS total

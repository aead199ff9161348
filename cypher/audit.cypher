// The audit log, after Certificate Transparency (RFC 6962) and Trillian: an audited action creates a
// (:PendingAuditEvent) in its own transaction (a write's event in the write's transaction, so both commit
// or neither does), taking no shared lock. The one sequencer (the holder of the (:AuditSequencerLease))
// then turns pending events into (:AuditEvent) nodes in batches: it locks the single (:AuditHead), numbers
// the oldest pending events (time, then eventId), chains them by hash and moves the head. Only
// sequencing passes take the head lock, so no request waits on it.

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

// name: schema_pending_audit_event_id
CREATE CONSTRAINT pending_audit_event_id IF NOT EXISTS FOR (e:PendingAuditEvent) REQUIRE e.eventId IS UNIQUE

// name: schema_pending_audit_event_time
CREATE INDEX pending_audit_event_time IF NOT EXISTS FOR (e:PendingAuditEvent) ON (e.time)

// name: schema_audit_sequencer_lease_id
CREATE CONSTRAINT audit_sequencer_lease_id IF NOT EXISTS FOR (l:AuditSequencerLease) REQUIRE l.id IS UNIQUE

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

// name: create_pending_audit_events
// Unsequenced events: every field but seq, prevHash and hash. No lock beyond the new nodes' own.
UNWIND $events AS event
CREATE (e:PendingAuditEvent)
SET e = event
RETURN count(e) AS created

// name: pending_audit_events
// The oldest pending events, in the order the sequencer chains them. Run under the head lock.
MATCH (e:PendingAuditEvent)
RETURN e {.*} AS event
ORDER BY e.time ASC, e.eventId ASC
LIMIT $limit

// name: any_pending_audit_event
MATCH (e:PendingAuditEvent)
RETURN e.eventId AS eventId
LIMIT 1

// name: audit_backlog
MATCH (e:PendingAuditEvent)
RETURN count(e) AS pending, min(e.time) AS oldest

// name: sequence_audit_events
// $events: (eventId, seq, prevHash, hash) in chain order; each pending event joins the chain and the
// head moves to the last one.
UNWIND $events AS event
MATCH (e:PendingAuditEvent {eventId: event.eventId})
REMOVE e:PendingAuditEvent
SET e:AuditEvent, e.seq = event.seq, e.prevHash = event.prevHash, e.hash = event.hash
WITH count(e) AS sequenced
MATCH (h:AuditHead {id: 'audit'})
SET h.seq = $seq, h.hash = $hash
REMOVE h.lock
RETURN sequenced

// name: acquire_audit_sequencer_lease
// Takes (or renews) the sequencer lease when it is free, expired or already $holder's. Writing a
// property first takes the lease's write lock, so two replicas cannot both see it free.
MERGE (l:AuditSequencerLease {id: 'audit'})
SET l.lock = randomUUID()
WITH l, (l.holder IS NULL OR l.holder = $holder OR l.expiresAt < $now) AS free
SET l.holder = CASE WHEN free THEN $holder ELSE l.holder END,
    l.expiresAt = CASE WHEN free THEN $expiresAt ELSE l.expiresAt END
REMOVE l.lock
RETURN free AS held, l.holder AS holder, l.expiresAt AS expiresAt

// name: release_audit_sequencer_lease
MATCH (l:AuditSequencerLease {id: 'audit', holder: $holder})
SET l.expiresAt = $now
RETURN l.holder AS holder

// name: audit_events_at
// The chained events at these seqs (anchor checks).
UNWIND $seqs AS wanted
MATCH (e:AuditEvent {seq: wanted})
RETURN e.seq AS seq, e.hash AS hash

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

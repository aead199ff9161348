// Console sessions (POST /api/v1/session). Only a SHA-256 of the opaque session id is stored; the
// session belongs to a principal, so deactivating the principal ends every session it holds.

// name: create_session
// Also drops the principal's sessions that are past their expiry (bounded: one principal's sessions),
// so abandoned sessions do not pile up.
MATCH (p:Principal {name: $principal})
OPTIONAL MATCH (old:Session)-[:SESSION_OF]->(p)
WHERE old.expiresAt <= $now OR old.lastSeenAt <= $idleBefore
WITH p, collect(old) AS stale
FOREACH (s IN stale | DETACH DELETE s)
CREATE (s:Session {idHash: $idHash, createdAt: $now, lastSeenAt: $now, expiresAt: $expiresAt, client: $client})
CREATE (s)-[:SESSION_OF]->(p)
RETURN s.expiresAt AS expiresAt

// name: session_by_id_hash
MATCH (s:Session {idHash: $idHash})-[:SESSION_OF]->(p:Principal)
RETURN s.expiresAt AS expiresAt, s.lastSeenAt AS lastSeenAt,
       p.name AS principal, p.roles AS roles, p.active AS active

// name: touch_session
// Only moves forward, so two requests touching at once cannot set it back.
MATCH (s:Session {idHash: $idHash})
WHERE s.lastSeenAt < $now
SET s.lastSeenAt = $now
RETURN s.lastSeenAt AS lastSeenAt

// name: end_session
// Deletes the session; `principal` is null when it was already gone (ended by another request).
MATCH (s:Session {idHash: $idHash})
OPTIONAL MATCH (s)-[:SESSION_OF]->(p:Principal)
WITH s, p.name AS principal
DETACH DELETE s
RETURN principal

// name: end_principal_sessions
// A rotated token or a deactivated principal: every session signed in with the old standing ends.
MATCH (s:Session)-[:SESSION_OF]->(:Principal {name: $principal})
DETACH DELETE s
RETURN count(*) AS ended

// The model registry (domain/registry.py): version numbers, aliases with history, promotion requests.
//   (:Model)-[:HAS_VERSION]->(:ModelVersion {version, runId})
//   (:Model)-[:HAS_ALIAS]->(:AliasAssignment {alias, modelId, versionId, version, assignedAt, assignedBy,
//        removedAt, removedBy, promotionId})-[:POINTS_TO]->(:ModelVersion)   removedAt null = current
//   (:ModelVersion)-[:HAS_PROMOTION]->(:PromotionRequest {id, modelId, versionId, alias, status, ...})

// name: schema_promotion_id
CREATE CONSTRAINT promotion_request_id IF NOT EXISTS FOR (p:PromotionRequest) REQUIRE p.id IS UNIQUE

// name: lock_model
// Takes the model's write lock (held to commit): version numbering and alias moves of one model run
// one after the other, so reads that follow see every committed change.
MATCH (m:Entity:Model {id: $modelId})
WHERE m.deletedAt IS NULL
SET m.registryLockedAt = $now
RETURN m.id AS id, m.qualifiedName AS qualifiedName, m.owners AS owners

// name: next_model_version
// The next version number (call after lock_model). Versions upserted before the counter existed count
// as taken, so numbering continues after them.
MATCH (m:Entity:Model {id: $modelId})
SET m.latestVersion = coalesce(m.latestVersion, COUNT { (m)-[:HAS_VERSION]->(:ModelVersion) }) + 1
RETURN m.latestVersion AS version

// name: set_model_version
MATCH (v:Entity:ModelVersion {id: $versionId})
SET v.version = $version, v.runId = $runId
RETURN v.id AS id

// name: version_of_model
// A version's model (via HAS_VERSION) and what the checks need.
MATCH (v:Entity:ModelVersion {id: $versionId})
WHERE v.deletedAt IS NULL
OPTIONAL MATCH (m:Entity:Model)-[:HAS_VERSION]->(v)
RETURN v.id AS id, v.owners AS owners, m.id AS modelId, v.version AS version

// name: current_alias
MATCH (:Entity:Model {id: $modelId})-[:HAS_ALIAS]->(a:AliasAssignment {alias: $alias})
WHERE a.removedAt IS NULL
RETURN a {.*} AS assignment

// name: move_alias
// Ends the alias's current assignment, if any, and points it at the version, in one statement (call
// under lock_model): the alias is never on two versions, and never missing in between.
MATCH (m:Entity:Model {id: $modelId})-[:HAS_VERSION]->(v:Entity:ModelVersion {id: $versionId})
OPTIONAL MATCH (m)-[:HAS_ALIAS]->(old:AliasAssignment {alias: $alias})
  WHERE old.removedAt IS NULL
SET old.removedAt = $now, old.removedBy = $principal
WITH m, v, old
CREATE (m)-[:HAS_ALIAS]->(a:AliasAssignment {
  alias: $alias, modelId: m.id, versionId: v.id, version: v.version,
  assignedAt: $now, assignedBy: $principal, promotionId: $promotionId
})-[:POINTS_TO]->(v)
RETURN a {.*} AS assignment, old.versionId AS previousVersionId

// name: end_alias
MATCH (:Entity:Model {id: $modelId})-[:HAS_ALIAS]->(a:AliasAssignment {alias: $alias})
WHERE a.removedAt IS NULL
SET a.removedAt = $now, a.removedBy = $principal
RETURN a {.*} AS assignment

// name: alias_history
// A model's alias assignments, current and ended, newest first (optionally of one alias).
MATCH (:Entity:Model {id: $modelId})-[:HAS_ALIAS]->(a:AliasAssignment)
WHERE $alias IS NULL OR a.alias = $alias
RETURN a {.*} AS assignment
ORDER BY a.assignedAt DESC, a.alias
LIMIT $limit

// name: restricted_upstream
// The restricted classifications carried by the entity or anything upstream of it over live lineage
// and containment edges, up to 20 hops: what decides whether a promotion needs a governance reviewer.
// Upstream rather than the version's own tags, because a propagation block (an anonymising step) stops
// the tag from reaching the version but not the reviewer's interest in where the data came from.
MATCH (v:Entity {id: $id})
WITH v, COLLECT { MATCH (d:ClassificationDef) WHERE d.restricted RETURN d.name } AS restricted
CALL (v) {
  MATCH (v)<-[rels:INPUT_TO|PRODUCED|DERIVES|DEPLOYED_AS|HAS_VERSION|HAS_FEATURE|HAS_RUN*1..20]-(u:Entity)
  WHERE all(r IN rels WHERE r.removedAt IS NULL)
  RETURN DISTINCT u
UNION
  RETURN v AS u
}
WITH restricted, u
UNWIND coalesce(u.classificationNames, []) AS name
WITH name WHERE name IN restricted
RETURN collect(DISTINCT name) AS names

// name: create_promotion
MATCH (v:Entity:ModelVersion {id: $versionId})
CREATE (v)-[:HAS_PROMOTION]->(p:PromotionRequest {
  id: $id, modelId: $modelId, versionId: v.id, alias: $alias, status: 'PENDING',
  requestedBy: $principal, requestedAt: $now, comment: $comment, restrictedUpstream: $restricted
})
RETURN p {.*} AS promotion

// name: pending_promotion
// The pending request to put this alias on this version, if there is one.
MATCH (:Entity:ModelVersion {id: $versionId})-[:HAS_PROMOTION]->(p:PromotionRequest {alias: $alias, status: 'PENDING'})
RETURN p {.*} AS promotion

// name: lock_promotion
// The request, with its write lock taken (two reviewers cannot both decide it).
MATCH (p:PromotionRequest {id: $id})
SET p.lockedAt = $now
RETURN p {.*} AS promotion

// name: decide_promotion
MATCH (p:PromotionRequest {id: $id})
SET p.status = $status, p.decidedBy = $principal, p.decidedAt = $now, p.decisionComment = $comment
RETURN p {.*} AS promotion

// name: promotions_of_versions
UNWIND $ids AS id
MATCH (:Entity:ModelVersion {id: id})-[:HAS_PROMOTION]->(p:PromotionRequest)
RETURN id, p {.*} AS promotion
ORDER BY p.requestedAt DESC, p.id

// name: promotion_by_id
MATCH (p:PromotionRequest {id: $id})
RETURN p {.*} AS promotion

// name: promotions_page
// Promotion requests, newest first, optionally of one status or one model: only those whose version
// the caller may see (visible_or_owned_in_scope), so the total never counts a
// request about a hidden version.
MATCH (p:PromotionRequest)
WHERE ($status IS NULL OR p.status = $status) AND ($modelId IS NULL OR p.modelId = $modelId)
  AND EXISTS {
    MATCH (v:Entity:ModelVersion {id: p.versionId})
    WHERE v.deletedAt IS NULL AND @visible_or_owned_in_scope(v)
  }
WITH p ORDER BY p.requestedAt DESC, p.id
WITH collect(p {.*}) AS found
RETURN size(found) AS total, found[$skip..$skip + $limit] AS page

// name: model_version_details
UNWIND $ids AS id
MATCH (v:Entity:ModelVersion {id: id})
RETURN v {.*, type: 'ModelVersion'} AS version,
       head(COLLECT { MATCH (m:Entity:Model)-[:HAS_VERSION]->(v) RETURN m.id }) AS modelId,
       head(COLLECT { MATCH (r:Entity)-[e:PRODUCED]->(v) WHERE e.removedAt IS NULL RETURN r.id ORDER BY e.createdAt DESC }) AS runId,
       COLLECT { MATCH (a:AliasAssignment)-[:POINTS_TO]->(v) WHERE a.removedAt IS NULL RETURN a.alias AS alias ORDER BY alias } AS aliases

// name: model_details
// Many models at once, each with its current aliases.
UNWIND $ids AS id
MATCH (m:Entity:Model {id: id})
RETURN m {.*, type: 'Model'} AS model,
       COLLECT { MATCH (m)-[:HAS_ALIAS]->(a:AliasAssignment) WHERE a.removedAt IS NULL RETURN a {.*} AS a ORDER BY a.alias } AS aliases

// name: model_versions
// A model's versions, newest first.
MATCH (:Entity:Model {id: $modelId})-[:HAS_VERSION]->(v:Entity:ModelVersion)
WHERE v.deletedAt IS NULL
RETURN v.id AS id
ORDER BY coalesce(v.version, -1) DESC, v.createdAt DESC
LIMIT $limit

// name: version_by_alias
MATCH (:Entity:Model {id: $modelId})-[:HAS_ALIAS]->(a:AliasAssignment {alias: $alias})-[:POINTS_TO]->(v:ModelVersion)
WHERE a.removedAt IS NULL
RETURN v.id AS id

// name: version_by_number
MATCH (:Entity:Model {id: $modelId})-[:HAS_VERSION]->(v:Entity:ModelVersion {version: $version})
WHERE v.deletedAt IS NULL
RETURN v.id AS id

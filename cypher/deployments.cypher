// Deployments (domain/deployments.py). The served version is the Deployment's one live DEPLOYED_AS edge
// (lineage.cypher creates it); the deployment keeps environment, endpoint, trafficShare,
// deploymentStatus and rollbackStack (version ids, most recent first), and its history:
//   (:Deployment)-[:HAS_EVENT]->(:DeploymentEvent {seq, kind, at, principal, versionId,
//        previousVersionId, trafficShare, environment, endpoint, comment})

// name: lock_deployment
// Takes the deployment's write lock (held to commit) and returns its state: rollouts, rollbacks and
// scaling of one deployment run one after the other.
MATCH (d:Entity:Deployment {id: $id})
WHERE d.deletedAt IS NULL
SET d.deployLockedAt = $now
RETURN d.id AS id, d.owners AS owners, coalesce(d.rollbackStack, []) AS rollbackStack,
       d.deploymentStatus AS status, d.trafficShare AS trafficShare,
       d.environment AS environment, d.endpoint AS endpoint,
       head(COLLECT { MATCH (v:Entity:ModelVersion)-[e:DEPLOYED_AS]->(d) WHERE e.removedAt IS NULL RETURN v.id }) AS liveVersionId

// name: configure_deployment
MATCH (d:Entity:Deployment {id: $id})
SET d.environment = coalesce($environment, d.environment),
    d.endpoint = coalesce($endpoint, d.endpoint),
    d.trafficShare = coalesce($trafficShare, d.trafficShare),
    d.deploymentStatus = $status,
    d.rollbackStack = $rollbackStack,
    d.updatedAt = $now
RETURN d.id AS id

// name: end_live_deployment
// Ends the live DEPLOYED_AS edge into the deployment (kept for lineage as of a time).
MATCH (v:Entity)-[e:DEPLOYED_AS]->(:Entity:Deployment {id: $id})
WHERE e.removedAt IS NULL
SET e.removedAt = $now, e.removedBy = $principal
RETURN v.id AS versionId

// name: mark_deployment_edge
MATCH (:Entity {id: $versionId})-[e:DEPLOYED_AS]->(:Entity {id: $deploymentId})
WHERE e.removedAt IS NULL
SET e.deployedBy = $principal
RETURN e.createdAt AS since

// name: add_deployment_event
// Call under lock_deployment (the counter gives events a total order even within one instant).
MATCH (d:Entity:Deployment {id: $id})
SET d.eventCount = coalesce(d.eventCount, 0) + 1
WITH d
CREATE (d)-[:HAS_EVENT]->(ev:DeploymentEvent {
  seq: d.eventCount, kind: $kind, at: $now, principal: $principal,
  versionId: $versionId, previousVersionId: $previousVersionId,
  trafficShare: d.trafficShare, environment: d.environment, endpoint: d.endpoint, comment: $comment
})
RETURN ev {.*} AS event

// name: deployment_details
UNWIND $ids AS id
MATCH (d:Entity:Deployment {id: id})
RETURN d {.*, type: 'Deployment'} AS deployment,
       head(COLLECT { MATCH (v:Entity:ModelVersion)-[e:DEPLOYED_AS]->(d) WHERE e.removedAt IS NULL
                      RETURN {versionId: v.id, since: e.createdAt} }) AS live,
       COLLECT { MATCH (d)-[:HAS_EVENT]->(ev:DeploymentEvent)
                 RETURN ev {.*} AS ev ORDER BY ev.seq DESC LIMIT 100 } AS events

// name: production
// "What is in production for model X": every live deployment of any version of the model (by id or
// qualifiedName) in the environment ($environment null: every environment), in one query.
CALL {
  MATCH (m:Entity:Model {id: $modelId}) RETURN m
UNION
  MATCH (m:Model {qualifiedName: $modelName}) RETURN m
}
WITH m WHERE m.deletedAt IS NULL
MATCH (m)-[:HAS_VERSION]->(v:Entity:ModelVersion)-[e:DEPLOYED_AS]->(d:Entity:Deployment)
WHERE e.removedAt IS NULL AND d.deletedAt IS NULL
  AND ($environment IS NULL OR d.environment = $environment)
RETURN m.id AS modelId, d {.*, type: 'Deployment'} AS deployment, v {.*, type: 'ModelVersion'} AS version,
       e.createdAt AS since
ORDER BY d.qualifiedName
LIMIT 1000

// name: deployments_page
// Deployments the caller may see (visibility as in entities.cypher, plus the owner rule), optionally
// only those that ever served a version of $modelId and those in $environment, by qualifiedName: one
// page of ids plus the total.
MATCH (d:Entity:Deployment)
WHERE d.deletedAt IS NULL
  AND ($environment IS NULL OR d.environment = $environment)
  AND ($modelId IS NULL OR EXISTS {
        MATCH (:Entity:Model {id: $modelId})-[:HAS_VERSION]->(:Entity:ModelVersion)-[:DEPLOYED_AS]->(d) })
  AND @visible_or_owned_in_scope(d)
WITH d ORDER BY d.qualifiedName
WITH collect(d.id) AS ids
RETURN size(ids) AS total, ids[$skip..$skip + $limit] AS page

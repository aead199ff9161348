// Deployment monitoring (domain/monitoring.py). Metric series of a deployment are in metrics.cypher.
//   (:Deployment)-[:HAS_ALERT_RULE]->(:AlertRule {id, deploymentId, metric, comparison, threshold,
//        window, webhookUrl, description, createdBy, createdAt, firing, openAlertId, deletedAt})
//   (:AlertRule)-[:RAISED]->(:Alert {id, ruleId, deploymentId, versionId, modelId, metric, comparison,
//        threshold, window, value, step, timestamp, firedAt, status, resolvedAt, webhookUrl,
//        webhookStatus, webhookAttempts, webhookError, deliveredAt})
//   (:Alert)-[:ON_DEPLOYMENT]->(:Deployment), (:Alert)-[:ON_VERSION]->(:ModelVersion)

// name: schema_alert_rule_id
CREATE CONSTRAINT alert_rule_id IF NOT EXISTS FOR (r:AlertRule) REQUIRE r.id IS UNIQUE

// name: schema_alert_id
CREATE CONSTRAINT alert_id IF NOT EXISTS FOR (a:Alert) REQUIRE a.id IS UNIQUE

// name: create_alert_rule
MATCH (d:Entity:Deployment {id: $deploymentId})
CREATE (d)-[:HAS_ALERT_RULE]->(r:AlertRule {
  id: $id, deploymentId: d.id, metric: $metric, comparison: $comparison, threshold: $threshold,
  window: $window, webhookUrl: $webhookUrl, description: $description,
  createdBy: $principal, createdAt: $now, firing: false
})
RETURN r {.*} AS rule

// name: count_alert_rules
MATCH (:Entity:Deployment {id: $deploymentId})-[:HAS_ALERT_RULE]->(r:AlertRule)
WHERE r.deletedAt IS NULL
RETURN count(r) AS rules

// name: alert_rule
MATCH (r:AlertRule {id: $id})
RETURN r {.*} AS rule

// name: delete_alert_rule
// Rules are ended, not deleted: the alerts they raised keep pointing at them.
MATCH (r:AlertRule {id: $id})
WHERE r.deletedAt IS NULL
SET r.deletedAt = $now, r.deletedBy = $principal
RETURN r {.*} AS rule

// name: alert_rules_of
// A deployment's active rules, optionally only those on the given metrics.
MATCH (:Entity:Deployment {id: $deploymentId})-[:HAS_ALERT_RULE]->(r:AlertRule)
WHERE r.deletedAt IS NULL AND ($metrics IS NULL OR r.metric IN $metrics)
RETURN r {.*} AS rule
ORDER BY r.createdAt, r.id

// name: open_alerts
// $alerts: [{id, ruleId, value, step, timestamp}]. Each alert is linked to the deployment and to the
// version (and model) the deployment serves right now.
MATCH (d:Entity:Deployment {id: $deploymentId})
WITH d, head(COLLECT { MATCH (v:Entity:ModelVersion)-[e:DEPLOYED_AS]->(d) WHERE e.removedAt IS NULL RETURN v }) AS v
WITH d, v, head(COLLECT { MATCH (m:Entity:Model)-[:HAS_VERSION]->(v) RETURN m.id }) AS modelId
UNWIND $alerts AS a
MATCH (d)-[:HAS_ALERT_RULE]->(r:AlertRule {id: a.ruleId})
CREATE (r)-[:RAISED]->(x:Alert {
  id: a.id, ruleId: r.id, deploymentId: d.id, versionId: v.id, modelId: modelId,
  metric: r.metric, comparison: r.comparison, threshold: r.threshold, window: r.window,
  value: a.value, step: a.step, timestamp: a.timestamp, firedAt: $now, status: 'FIRING',
  webhookUrl: r.webhookUrl, webhookStatus: CASE WHEN r.webhookUrl IS NULL THEN 'NONE' ELSE 'PENDING' END,
  webhookAttempts: 0
})
CREATE (x)-[:ON_DEPLOYMENT]->(d)
FOREACH (_ IN CASE WHEN v IS NULL THEN [] ELSE [1] END | CREATE (x)-[:ON_VERSION]->(v))
RETURN x {.*} AS alert

// name: resolve_alerts
MATCH (x:Alert)
WHERE x.id IN $ids AND x.status = 'FIRING'
SET x.status = 'RESOLVED', x.resolvedAt = $now
RETURN x.id AS id

// name: set_rule_states
// $rules: [{ruleId, firing, openAlertId}]
UNWIND $rules AS s
MATCH (r:AlertRule {id: s.ruleId})
SET r.firing = s.firing, r.openAlertId = s.openAlertId
RETURN count(r) AS rules

// name: record_webhook_outcome
MATCH (x:Alert {id: $id})
SET x.webhookStatus = $status, x.webhookAttempts = $attempts, x.webhookError = $error,
    x.deliveredAt = CASE WHEN $status = 'DELIVERED' THEN $now ELSE x.deliveredAt END
RETURN x.id AS id

// name: alerts_of_deployment
// Newest first, optionally of one status; one page plus the total.
MATCH (x:Alert)-[:ON_DEPLOYMENT]->(:Entity:Deployment {id: $id})
WHERE $status IS NULL OR x.status = $status
WITH x ORDER BY x.firedAt DESC, x.id
WITH collect(x {.*}) AS found
RETURN size(found) AS total, found[$skip..$skip + $limit] AS page

// name: alerts_of_version
MATCH (x:Alert)-[:ON_VERSION]->(:Entity:ModelVersion {id: $id})
WHERE $status IS NULL OR x.status = $status
WITH x ORDER BY x.firedAt DESC, x.id
WITH collect(x {.*}) AS found
RETURN size(found) AS total, found[$skip..$skip + $limit] AS page

// name: alert_by_id
MATCH (x:Alert {id: $id})
RETURN x {.*} AS alert

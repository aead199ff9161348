"""The GraphQL operations the client sends. Field lists match client/models.py."""

from __future__ import annotations

ENTITY = "id type qualifiedName name owners properties"
SERIES = "name last lastStep min max count"
RUN = f"""id name status experimentId startedAt endedAt
  code {{ commit repoUrl branch dirty }}
  environment {{ pythonVersion os packagesDigest packages }}
  hardware {{ cpuCount memoryBytes gpus peakMemoryBytes }}
  params {{ name type value }} tags {{ name value }} inputIds outputIds
  metrics {{ {SERIES} }}"""
PROMOTION = """id modelId versionId alias status requestedBy requestedAt comment restrictedUpstream needsGovernance
  decidedBy decidedAt decisionComment"""
MODEL_VERSION = f"id version modelId runId aliases entity {{ {ENTITY} }} promotions {{ {PROMOTION} }}"
ALIAS = "alias modelId versionId version assignedAt assignedBy removedAt promotionId"
DEPLOYMENT = f"""id environment endpoint trafficShare status liveVersionId rollbackStack entity {{ {ENTITY} }}
  history {{ seq kind at principal versionId previousVersionId trafficShare comment }}"""
ALERT = "id status metric value step deploymentId modelVersionId webhookStatus"
LINEAGE_NODE = f"id type distance restricted entity {{ {ENTITY} }}"

START_RUN = f"mutation($in: StartRunInput!) {{ startRun(input: $in) {{ {RUN} }} }}"
GET_RUN = f"query($id: ID!) {{ run(id: $id) {{ {RUN} }} }}"
LOG_PARAMS = "mutation($run: ID!, $p: JSON!) { logParams(runId: $run, params: $p) { name type value } }"
SET_TAGS = "mutation($run: ID!, $t: JSON!) { setRunTags(runId: $run, tags: $t) { name value } }"
LOG_METRICS = f"mutation($run: ID!, $m: [MetricBatchInput!]!) {{ logMetrics(runId: $run, metrics: $m) {{ {SERIES} }} }}"
LOG_INPUTS = "mutation($run: ID!, $refs: [EntityRef!]!) { logRunInputs(runId: $run, inputs: $refs) }"
LOG_OUTPUTS = "mutation($run: ID!, $refs: [EntityRef!]!) { logRunOutputs(runId: $run, outputs: $refs) }"
FINISH_RUN = f"""mutation($run: ID!, $status: RunStatus!, $hw: HardwareInput) {{
  finishRun(runId: $run, status: $status, hardware: $hw) {{ {RUN} }} }}"""
METRIC_POINTS = """query($id: ID!, $name: String!, $max: Int!) {
  run(id: $id) { metric(name: $name) { points(maxPoints: $max) { step value timestamp } } } }"""
RUNS = f"""query($exp: ID!, $filter: [RunFilter!], $order: RunOrder, $first: Int!, $after: String) {{
  runs(experimentId: $exp, filter: $filter, orderBy: $order, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {RUN} }} }} }} }}"""
COMPARE_RUNS = f"""query($ids: [ID!]!, $metrics: [String!]) {{ compareRuns(ids: $ids, metrics: $metrics) {{
  runs {{ {RUN} }} params {{ name values }} metrics {{ name values }} }} }}"""

CREATE_MODEL_VERSION = f"""mutation($model: String!, $run: ID, $description: String, $properties: JSON) {{
  createModelVersion(model: $model, runId: $run, description: $description, properties: $properties) {{ {MODEL_VERSION} }} }}"""
GET_MODEL_VERSION = f"query($id: ID!) {{ modelVersion(id: $id) {{ {MODEL_VERSION} }} }}"
SET_ALIAS = f"""mutation($model: ID!, $version: ID!, $alias: String!) {{
  setAlias(modelId: $model, versionId: $version, alias: $alias) {{ {ALIAS} }} }}"""
REQUEST_PROMOTION = f"""mutation($version: ID!, $alias: String!, $comment: String) {{
  requestPromotion(versionId: $version, alias: $alias, comment: $comment) {{ {PROMOTION} }} }}"""
APPROVE_PROMOTION = f"""mutation($id: ID!, $comment: String) {{
  approvePromotion(requestId: $id, comment: $comment) {{ {PROMOTION} }} }}"""
REJECT_PROMOTION = f"""mutation($id: ID!, $comment: String) {{
  rejectPromotion(requestId: $id, comment: $comment) {{ {PROMOTION} }} }}"""

DEPLOY = f"mutation($in: DeployInput!) {{ deploy(input: $in) {{ {DEPLOYMENT} }} }}"
ROLLBACK = f"mutation($id: ID!, $comment: String) {{ rollback(deploymentId: $id, comment: $comment) {{ {DEPLOYMENT} }} }}"
PRODUCTION = f"""query($model: String, $env: String) {{ production(model: $model, environment: $env) {{
  modelId deployment {{ {ENTITY} }} version {{ {ENTITY} }} versionNumber since environment endpoint trafficShare }} }}"""
LOG_DEPLOYMENT_METRICS = f"""mutation($id: ID!, $m: [MetricBatchInput!]!) {{
  logDeploymentMetrics(deploymentId: $id, metrics: $m) {{ series {{ {SERIES} }} alerts {{ {ALERT} }} resolvedAlertIds }} }}"""
CREATE_ALERT_RULE = """mutation($in: AlertRuleInput!) {
  createAlertRule(input: $in) { id deploymentId metric comparison threshold window webhookUrl } }"""

LINEAGE = f"""query($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int) {{
  lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes) {{
    root truncated nodes {{ {LINEAGE_NODE} }} edges {{ source target type }} }} }}"""
IMPACT = f"""query($id: ID!, $depth: Int) {{ impact(id: $id, depth: $depth) {{
  root total truncated owners byType {{ type count }} entities {{ {LINEAGE_NODE} }} deployments {{ {LINEAGE_NODE} }} }} }}"""

"""GraphQL documents and small builders the ML metadata tests share (runs, registry, deployments)."""

from __future__ import annotations

from typing import Any

from .support import GraphQLClient

SERIES = "name last lastStep lastTimestamp min max count"
RUN_FIELDS = f"""id name status startedAt endedAt experimentId
  code {{ commit repoUrl branch dirty }}
  environment {{ pythonVersion os packagesDigest packages }}
  hardware {{ cpuCount memoryBytes gpus peakMemoryBytes }}
  params {{ name type value }} tags {{ name value }} inputIds outputIds
  metrics {{ {SERIES} }}"""

START_RUN = f"mutation($in: StartRunInput!) {{ startRun(input: $in) {{ {RUN_FIELDS} }} }}"
RUN = f"query($id: ID!) {{ run(id: $id) {{ {RUN_FIELDS} }} }}"
LOG_PARAMS = "mutation($run: ID!, $p: JSON!) { logParams(runId: $run, params: $p) { name type value } }"
SET_TAGS = "mutation($run: ID!, $t: JSON!) { setRunTags(runId: $run, tags: $t) { name value } }"
LOG_METRICS = f"mutation($run: ID!, $m: [MetricBatchInput!]!) {{ logMetrics(runId: $run, metrics: $m) {{ {SERIES} }} }}"
LOG_INPUTS = "mutation($run: ID!, $in: [EntityRef!]!) { logRunInputs(runId: $run, inputs: $in) }"
LOG_OUTPUTS = "mutation($run: ID!, $out: [EntityRef!]!) { logRunOutputs(runId: $run, outputs: $out) }"
FINISH = f"""mutation($run: ID!, $status: RunStatus, $hw: HardwareInput) {{
  finishRun(runId: $run, status: $status, hardware: $hw) {{ {RUN_FIELDS} }} }}"""
POINTS = """query($id: ID!, $name: String!, $max: Int) {
  run(id: $id) { metric(name: $name) { name count points(maxPoints: $max) { step value timestamp } } } }"""
RUNS = """query($exp: ID!, $filter: [RunFilter!], $order: RunOrder, $first: Int, $after: String) {
  runs(experimentId: $exp, filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id name params { name value } metrics { name last min max } } }
  }
}"""

MODEL_VERSION_FIELDS = """id version modelId runId aliases entity { qualifiedName name owners }
  promotions { id alias status requestedBy comment restrictedUpstream needsGovernance decidedBy decisionComment }"""
CREATE_VERSION = f"""mutation($model: String!, $run: ID) {{
  createModelVersion(model: $model, runId: $run) {{ {MODEL_VERSION_FIELDS} }} }}"""
MODEL_VERSION = f"query($id: ID!) {{ modelVersion(id: $id) {{ {MODEL_VERSION_FIELDS} }} }}"
ALIAS_FIELDS = "alias modelId versionId version assignedBy removedAt removedBy promotionId"
SET_ALIAS = f"""mutation($model: ID!, $version: ID!, $alias: String!) {{
  setAlias(modelId: $model, versionId: $version, alias: $alias) {{ {ALIAS_FIELDS} }} }}"""
PROMOTION_FIELDS = "id modelId versionId alias status requestedBy comment restrictedUpstream needsGovernance decidedBy decidedAt decisionComment"
REQUEST = f"""mutation($version: ID!, $alias: String!, $comment: String) {{
  requestPromotion(versionId: $version, alias: $alias, comment: $comment) {{ {PROMOTION_FIELDS} }} }}"""
APPROVE = f"""mutation($id: ID!, $comment: String) {{
  approvePromotion(requestId: $id, comment: $comment) {{ {PROMOTION_FIELDS} }} }}"""
REJECT = f"""mutation($id: ID!, $comment: String) {{
  rejectPromotion(requestId: $id, comment: $comment) {{ {PROMOTION_FIELDS} }} }}"""

DEPLOYMENT_FIELDS = """id environment endpoint trafficShare status liveVersionId rollbackStack
  entity { qualifiedName owners }
  history { seq kind principal versionId previousVersionId trafficShare comment }"""
DEPLOY = f"mutation($in: DeployInput!) {{ deploy(input: $in) {{ {DEPLOYMENT_FIELDS} }} }}"
ROLLBACK = f"mutation($id: ID!) {{ rollback(deploymentId: $id) {{ {DEPLOYMENT_FIELDS} }} }}"


def start_run(client: GraphQLClient, experiment: str = "mlflow://acme/churn", **fields: Any) -> dict[str, Any]:
    return client.data(START_RUN, {"in": {"experiment": experiment, **fields}})["startRun"]


def log_metrics(client: GraphQLClient, run_id: str, *batches: dict[str, Any]) -> list[dict[str, Any]]:
    return client.data(LOG_METRICS, {"run": run_id, "m": list(batches)})["logMetrics"]


def finish(client: GraphQLClient, run_id: str, status: str = "FINISHED") -> dict[str, Any]:
    return client.data(FINISH, {"run": run_id, "status": status})["finishRun"]


def model_version(client: GraphQLClient, model: str = "churn-classifier", run_id: str | None = None) -> dict[str, Any]:
    return client.data(CREATE_VERSION, {"model": model, "run": run_id})["createModelVersion"]


def deploy(client: GraphQLClient, version_id: str, deployment: str = "k8s://prod/churn", **fields: Any) -> dict[str, Any]:
    payload = {"versionId": version_id, "deployment": deployment, "environment": "production", **fields}
    return client.data(DEPLOY, {"in": payload})["deploy"]


def audit_actions(driver: Any, resource_id: str) -> list[tuple[str, str, str]]:
    """(principal, action, decision) of every audit event about a resource, oldest first: the chained
    ones by seq, then those still waiting for the sequencer in the order it will chain them."""
    with driver.session() as session:
        rows = session.run(
            "MATCH (e {resourceId: $id}) WHERE e:AuditEvent OR e:PendingAuditEvent "
            "RETURN e.principal AS p, e.action AS a, e.decision AS d "
            "ORDER BY e.seq IS NULL, e.seq, e.time, e.eventId",
            id=resource_id,
        ).data()
    return [(r["p"], r["a"], r["d"]) for r in rows]

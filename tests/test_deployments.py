"""Deployments: rollout, scaling, rollback along the stack of served versions, retirement, history,
and "what is in production for model X"."""

from __future__ import annotations

from .graph import dataset, live_edges, upsert
from .mlops import DEPLOY, ROLLBACK, LOG_INPUTS, audit_actions, deploy, model_version, start_run

SCALE = "mutation($id: ID!, $t: Float!) { scaleDeployment(deploymentId: $id, trafficShare: $t) { trafficShare history { kind } } }"
RETIRE = "mutation($id: ID!) { retireDeployment(deploymentId: $id) { status liveVersionId history { kind previousVersionId } } }"
PRODUCTION = """query($id: ID, $name: String, $env: String) {
  production(modelId: $id, model: $name, environment: $env) {
    deployment { qualifiedName } version { qualifiedName } versionNumber environment endpoint trafficShare since } }"""
CLASSIFIED = "query($id: ID!) { entity(id: $id) { classifications { name sourceId } } }"


def served(neo4j_driver, deployment_qn: str) -> list[str]:
    """The qualified names of the versions with a live DEPLOYED_AS edge into the deployment."""
    return sorted(s for s, kind, t in live_edges(neo4j_driver) if kind == "DEPLOYED_AS" and t == deployment_qn)


def test_deploying_creates_the_deployment_and_its_first_event(as_role, neo4j_driver):
    ops = as_role("data-scientist", name="olga")
    v1 = model_version(ops, "churn")
    deployment = deploy(ops, v1["id"], "k8s://prod/churn", endpoint="https://ml.acme/churn", trafficShare=0.25)
    assert (deployment["environment"], deployment["endpoint"], deployment["trafficShare"]) == (
        "production", "https://ml.acme/churn", 0.25)
    assert deployment["status"] == "ACTIVE" and deployment["liveVersionId"] == v1["id"]
    assert deployment["entity"]["owners"] == ["olga"]
    assert [(e["kind"], e["principal"], e["versionId"], e["previousVersionId"]) for e in deployment["history"]] == [
        ("ROLLED_OUT", "olga", v1["id"], None)]
    assert served(neo4j_driver, "k8s://prod/churn") == ["churn/v1"]


def test_a_new_version_replaces_the_served_one(admin, neo4j_driver):
    v1, v2 = model_version(admin, "churn"), model_version(admin, "churn")
    deploy(admin, v1["id"])
    deployment = deploy(admin, v2["id"])
    assert deployment["liveVersionId"] == v2["id"] and deployment["rollbackStack"] == [v1["id"]]
    assert served(neo4j_driver, "k8s://prod/churn") == ["churn/v2"]
    with neo4j_driver.session() as session:  # the old edge is ended, not deleted: lineage as of a time keeps it
        ended = session.run(
            "MATCH (v:ModelVersion {id: $v})-[e:DEPLOYED_AS]->(:Deployment) RETURN e.removedAt IS NOT NULL AS ended", v=v1["id"]
        ).single()
    assert ended["ended"]


def test_rollback_returns_to_the_previous_version_atomically(as_role, neo4j_driver):
    ops = as_role("data-scientist", name="olga")
    v1, v2 = model_version(ops, "churn"), model_version(ops, "churn")
    deploy(ops, v1["id"])
    deployment_id = deploy(ops, v2["id"])["id"]
    rolled = ops.data(ROLLBACK, {"id": deployment_id})["rollback"]
    assert rolled["liveVersionId"] == v1["id"] and rolled["rollbackStack"] == []
    assert (rolled["history"][0]["kind"], rolled["history"][0]["principal"]) == ("ROLLED_BACK", "olga")
    assert (rolled["history"][0]["versionId"], rolled["history"][0]["previousVersionId"]) == (v1["id"], v2["id"])
    assert served(neo4j_driver, "k8s://prod/churn") == ["churn/v1"]  # exactly one live edge


def test_rollbacks_walk_back_through_the_rollouts(admin):
    v1, v2, v3 = (model_version(admin, "churn") for _ in range(3))
    for version in (v1, v2, v3):
        deployment_id = deploy(admin, version["id"])["id"]
    assert admin.data(ROLLBACK, {"id": deployment_id})["rollback"]["liveVersionId"] == v2["id"]
    assert admin.data(ROLLBACK, {"id": deployment_id})["rollback"]["liveVersionId"] == v1["id"]
    error = admin.error(ROLLBACK, {"id": deployment_id})
    assert error["extensions"]["code"] == "CONFLICT"


def test_rollback_with_no_previous_version_is_a_conflict_that_says_so(admin, neo4j_driver):
    v1 = model_version(admin, "churn")
    deployment_id = deploy(admin, v1["id"])["id"]
    error = admin.error(ROLLBACK, {"id": deployment_id})
    assert error["extensions"]["code"] == "CONFLICT"
    assert "no previous version" in error["message"] and v1["id"] in error["message"]
    assert served(neo4j_driver, "k8s://prod/churn") == ["churn/v1"]


def test_redeploying_the_served_version_with_new_traffic_is_a_scale(admin):
    v1 = model_version(admin, "churn")
    deploy(admin, v1["id"], trafficShare=0.1)
    deployment = deploy(admin, v1["id"], trafficShare=0.5)
    assert [e["kind"] for e in deployment["history"]] == ["SCALED", "ROLLED_OUT"]
    assert deployment["rollbackStack"] == [] and deployment["trafficShare"] == 0.5


def test_scaling_records_the_new_share(admin):
    v1 = model_version(admin, "churn")
    deployment_id = deploy(admin, v1["id"], trafficShare=0.1)["id"]
    scaled = admin.data(SCALE, {"id": deployment_id, "t": 0.9})["scaleDeployment"]
    assert scaled["trafficShare"] == 0.9 and [e["kind"] for e in scaled["history"]] == ["SCALED", "ROLLED_OUT"]


def test_a_traffic_share_above_one_is_bad_input(admin):
    v1 = model_version(admin, "churn")
    deployment_id = deploy(admin, v1["id"])["id"]
    error = admin.error(SCALE, {"id": deployment_id, "t": 1.5})
    assert error["extensions"]["code"] == "BAD_INPUT" and "trafficShare" in error["message"]


def test_a_retired_deployment_serves_nothing_and_cannot_roll_back(admin, neo4j_driver):
    v1, v2 = model_version(admin, "churn"), model_version(admin, "churn")
    deploy(admin, v1["id"])
    deployment_id = deploy(admin, v2["id"])["id"]
    retired = admin.data(RETIRE, {"id": deployment_id})["retireDeployment"]
    assert retired["status"] == "RETIRED" and retired["liveVersionId"] is None
    assert retired["history"][0] == {"kind": "RETIRED", "previousVersionId": v2["id"]}
    assert served(neo4j_driver, "k8s://prod/churn") == []
    assert "serves no version" in admin.error(ROLLBACK, {"id": deployment_id})["message"]
    assert admin.error(RETIRE, {"id": deployment_id})["extensions"]["code"] == "CONFLICT"


def test_what_is_in_production_for_a_model(admin):
    """churn v1 -> k8s://staging/churn (staging), churn v2 -> k8s://prod/churn (production, 90%),
    fraud v1 -> k8s://prod/fraud: production(churn) is the one production deployment of churn."""
    c1, c2, f1 = model_version(admin, "churn"), model_version(admin, "churn"), model_version(admin, "fraud")
    deploy(admin, c1["id"], "k8s://staging/churn", environment="staging")
    deploy(admin, c2["id"], "k8s://prod/churn", endpoint="https://ml.acme/churn", trafficShare=0.9)
    deploy(admin, f1["id"], "k8s://prod/fraud")
    [live] = admin.data(PRODUCTION, {"name": "churn"})["production"]
    assert live["deployment"] == {"qualifiedName": "k8s://prod/churn"} and live["version"] == {"qualifiedName": "churn/v2"}
    assert (live["versionNumber"], live["endpoint"], live["trafficShare"]) == (2, "https://ml.acme/churn", 0.9)
    everywhere = admin.data(PRODUCTION, {"id": c1["modelId"], "env": None})["production"]
    assert [d["deployment"]["qualifiedName"] for d in everywhere] == ["k8s://prod/churn", "k8s://staging/churn"]


def test_production_of_an_unknown_model_is_empty(admin):
    assert admin.data(PRODUCTION, {"name": "nothing-here"})["production"] == []


def test_a_viewer_may_not_deploy(admin, as_role):
    v1 = model_version(admin, "churn")
    error = as_role("viewer").error(DEPLOY, {"in": {"versionId": v1["id"], "deployment": "k8s://x", "environment": "prod"}})
    assert error["extensions"]["code"] == "FORBIDDEN"


def test_rollouts_and_rollbacks_are_audited(as_role, neo4j_driver):
    ops = as_role("data-scientist", name="olga")
    v1, v2 = model_version(ops, "churn"), model_version(ops, "churn")
    deploy(ops, v1["id"])
    deployment_id = deploy(ops, v2["id"])["id"]
    ops.data(ROLLBACK, {"id": deployment_id})
    assert [a for a in audit_actions(neo4j_driver, deployment_id) if a[1] != "read"] == [
        ("olga", "deploy", "allow"), ("olga", "deploy", "allow"), ("olga", "rollback-deployment", "allow")]


def test_the_deployment_carries_the_classifications_of_the_version_it_serves(admin):
    """customers (PII) -> run1 -> churn v1; run2 (clean) -> churn v2. The deployment carries PII exactly
    while it serves v1."""
    customers = upsert(admin, dataset("postgres://crm/customers"))[0]
    admin.data('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": customers["id"]})
    run1, run2 = start_run(admin), start_run(admin)
    admin.data(LOG_INPUTS, {"run": run1["id"], "in": [{"id": customers["id"]}]})
    v1, v2 = model_version(admin, "churn", run1["id"]), model_version(admin, "churn", run2["id"])
    deployment_id = deploy(admin, v1["id"])["id"]
    assert [c["name"] for c in admin.data(CLASSIFIED, {"id": deployment_id})["entity"]["classifications"]] == ["PII"]
    deploy(admin, v2["id"])
    assert admin.data(CLASSIFIED, {"id": deployment_id})["entity"]["classifications"] == []
    admin.data(ROLLBACK, {"id": deployment_id})
    assert [c["name"] for c in admin.data(CLASSIFIED, {"id": deployment_id})["entity"]["classifications"]] == ["PII"]


def test_the_demo_story_runs_from_training_to_a_drift_alert(http, services, admin):
    from provgraph.services.demo import load_demo

    assert http.portal.call(load_demo, services) is True
    [live] = admin.data(PRODUCTION, {"name": "registry://acme/churn-classifier"})["production"]
    assert live["version"]["qualifiedName"] == "registry://acme/churn-classifier/v3" and live["versionNumber"] == 3
    shown = admin.data(
        """query($m: String!) { model(name: $m) { aliases { alias version }
             versions(first: 1) { promotions { status requestedBy decidedBy } run { status params { name }
               metrics { name count } } } } }""",
        {"m": "registry://acme/churn-classifier"},
    )["model"]
    # champion by the approved promotion; production moved v2 -> v3 by the console chapter (demo_console.py).
    assert shown["aliases"] == [{"alias": "champion", "version": 3}, {"alias": "production", "version": 3}]
    [v3] = shown["versions"]
    assert v3["promotions"] == [{"status": "APPROVED", "requestedBy": "system:demo", "decidedBy": "rita"}]
    assert v3["run"]["status"] == "FINISHED" and {m["name"]: m["count"] for m in v3["run"]["metrics"]} == {"loss": 40, "val_auc": 40}
    deployment = admin.data(
        'query($id: ID!) { deployment(id: $id) { alerts(status: FIRING) { edges { node { metric } } } } }',
        {"id": admin.data('query { entityByName(type: DEPLOYMENT, qualifiedName: "k8s://prod/churn-classifier") { id } }')[
            "entityByName"]["id"]},
    )["deployment"]
    assert [e["node"]["metric"] for e in deployment["alerts"]["edges"]] == ["feature_drift_psi"]

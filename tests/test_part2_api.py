"""The console part 2 API (issue 16): experiments, models, deployments and principals lists, the audit
chain check, capabilities and allowed actions, and the promotion's version and model; each with its
authorization, audit and bad input."""

from __future__ import annotations

from .graph import dataset, upsert
from .mlops import LOG_INPUTS, LOG_METRICS, LOG_PARAMS, REQUEST, deploy, model_version, start_run

EXPERIMENTS = """query($text: String, $first: Int! = 50, $after: String) {
  experiments(text: $text, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name runCount lastRunStartedAt paramKeys metricKeys entity { qualifiedName } } }
  }
}"""
EXPERIMENT = "query($id: ID!) { experiment(id: $id) { id name runCount paramKeys metricKeys } }"
MODELS = """query($text: String, $first: Int! = 50, $after: String) {
  models(text: $text, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id latestVersion entity { qualifiedName } } }
  }
}"""
DEPLOYMENTS = """query($model: ID, $env: String, $first: Int! = 50) {
  deployments(modelId: $model, environment: $env, first: $first) {
    totalCount edges { node { id environment liveVersionId rollbackStack entity { qualifiedName } } }
  }
}"""
PRINCIPALS = """query($first: Int! = 100, $after: String) {
  principals(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name roles active createdAt capabilities } }
  }
}"""
CHAIN = "{ auditChain { ok verifiedThroughSeq headHash checked firstBrokenSeq message pending checkedAt } }"
ME = "{ me { name roles active capabilities } }"


def nodes(connection):
    return [edge["node"] for edge in connection["edges"]]


def _two_experiments(admin):
    for experiment, runs in [("mlflow://acme/churn", 3), ("mlflow://acme/fraud", 2)]:
        for i in range(runs):
            run = start_run(admin, experiment, name=f"{experiment[-5:]}-{i}")
            admin.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.1 / (i + 1), f"p{i}": i}})
            admin.data(LOG_METRICS, {"run": run["id"], "m": [{"name": "loss", "values": [1.0, 0.5]}]})
    return {x["entity"]["qualifiedName"]: x for x in nodes(admin.data(EXPERIMENTS)["experiments"])}


# -- experiments ------------------------------------------------------------------------------------


def test_experiments_list_their_runs_newest_first_with_keys(admin):
    found = _two_experiments(admin)
    churn, fraud = found["mlflow://acme/churn"], found["mlflow://acme/fraud"]
    assert churn["runCount"] == 3 and fraud["runCount"] == 2
    assert churn["paramKeys"] == ["lr", "p0", "p1", "p2"] and churn["metricKeys"] == ["loss"]
    listed = nodes(admin.data(EXPERIMENTS)["experiments"])
    assert [x["entity"]["qualifiedName"] for x in listed] == ["mlflow://acme/fraud", "mlflow://acme/churn"]
    assert admin.data(EXPERIMENT, {"id": churn["id"]})["experiment"]["runCount"] == 3


def test_experiments_filter_by_text_and_page(admin):
    _two_experiments(admin)
    assert [x["entity"]["qualifiedName"] for x in nodes(admin.data(EXPERIMENTS, {"text": "FRAUD"})["experiments"])] == [
        "mlflow://acme/fraud"
    ]
    first = admin.data(EXPERIMENTS, {"first": 1})["experiments"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"]
    second = admin.data(EXPERIMENTS, {"first": 1, "after": first["pageInfo"]["endCursor"]})["experiments"]
    assert nodes(second)[0]["id"] != nodes(first)[0]["id"] and not second["pageInfo"]["hasNextPage"]


def test_a_restricted_run_is_neither_counted_nor_keyed_for_a_viewer(admin, as_role):
    found = _two_experiments(admin)
    customers = upsert(admin, dataset("postgres://crm/customers"))[0]
    admin.data('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": customers["id"]})
    secret = start_run(admin, "mlflow://acme/fraud", name="secret")
    admin.data(LOG_PARAMS, {"run": secret["id"], "p": {"secret_param": 1}})
    admin.data(LOG_INPUTS, {"run": secret["id"], "in": [{"id": customers["id"]}]})
    viewer = as_role("viewer")
    fraud = viewer.data(EXPERIMENT, {"id": found["mlflow://acme/fraud"]["id"]})["experiment"]
    assert fraud["runCount"] == 2 and "secret_param" not in fraud["paramKeys"]
    assert admin.data(EXPERIMENT, {"id": fraud["id"]})["experiment"]["runCount"] == 3


def test_a_missing_or_hidden_experiment_is_null(admin, as_role):
    missing = "00000000-0000-4000-8000-000000000000"
    assert admin.data(EXPERIMENT, {"id": missing})["experiment"] is None
    hidden = upsert(admin, {"type": "EXPERIMENT", "qualifiedName": "mlflow://acme/secret"})[0]
    admin.data('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": hidden["id"]})
    viewer = as_role("viewer")
    assert viewer.data(EXPERIMENT, {"id": hidden["id"]})["experiment"] is None
    assert viewer.data(EXPERIMENT, {"id": missing})["experiment"] is None
    assert viewer.data(EXPERIMENTS)["experiments"]["totalCount"] == 0


def test_experiments_bad_input_names_the_field(admin):
    cases = [
        ({"first": 0}, "BAD_INPUT", "first"),
        ({"first": -3}, "BAD_INPUT", "first"),
        ({"first": 101}, "LIMIT_EXCEEDED", "first"),
        ({"after": "nonsense"}, "BAD_INPUT", "after"),
        ({"text": "x" * 1025}, "LIMIT_EXCEEDED", "text"),
    ]
    for variables, code, field in cases:
        error = admin.error(EXPERIMENTS, variables)
        assert error["extensions"]["code"] == code and error["message"].startswith(f"{field}:"), (variables, error)
    assert admin.error(EXPERIMENT, {"id": "not an id"})["extensions"]["code"] == "BAD_INPUT"
    for query in (MODELS, DEPLOYMENTS, PRINCIPALS):
        error = admin.error(query, {"first": 101 if query is not PRINCIPALS else 1001})
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and error["message"].startswith("first:")


# -- models and deployments -------------------------------------------------------------------------


def test_models_by_name_with_a_text_filter(admin):
    for name in ["churn-classifier", "fraud-scorer", "Churn-Ranker"]:
        model_version(admin, name)
    listed = admin.data(MODELS)["models"]
    assert [m["entity"]["qualifiedName"] for m in nodes(listed)] == ["Churn-Ranker", "churn-classifier", "fraud-scorer"]
    churn = admin.data(MODELS, {"text": "churn"})["models"]
    assert churn["totalCount"] == 2 and all(m["latestVersion"] == 1 for m in nodes(churn))
    assert admin.data(MODELS, {"text": ".*"})["models"]["totalCount"] == 0  # text is literal, never a regex
    assert admin.error(MODELS, {"text": "y" * 1025})["extensions"]["code"] == "LIMIT_EXCEEDED"


def test_deployments_of_a_model_or_an_environment(admin):
    v1 = model_version(admin, "churn-classifier")
    v2 = model_version(admin, "churn-classifier")
    other = model_version(admin, "fraud-scorer")
    deploy(admin, v1["id"])
    deploy(admin, v2["id"])
    deploy(admin, other["id"], "k8s://staging/fraud", environment="staging")
    everything = admin.data(DEPLOYMENTS)["deployments"]
    assert [d["entity"]["qualifiedName"] for d in nodes(everything)] == ["k8s://prod/churn", "k8s://staging/fraud"]
    churn = nodes(admin.data(DEPLOYMENTS, {"model": v1["modelId"]})["deployments"])
    assert len(churn) == 1 and churn[0]["liveVersionId"] == v2["id"] and churn[0]["rollbackStack"] == [v1["id"]]
    assert [d["environment"] for d in nodes(admin.data(DEPLOYMENTS, {"env": "staging"})["deployments"])] == ["staging"]
    error = admin.error(DEPLOYMENTS, {"env": "not an env!"})
    assert error["extensions"]["code"] == "BAD_INPUT" and error["message"].startswith("environment:")
    missing = admin.error(DEPLOYMENTS, {"model": "00000000-0000-4000-8000-000000000000"})
    assert missing["extensions"]["code"] == "NOT_FOUND" and missing["message"].startswith("modelId:")


def test_a_promotion_names_its_version_and_model(admin, as_role):
    scientist = as_role("data-scientist", name="sam")
    run = start_run(scientist)
    version = model_version(scientist, "churn-classifier", run["id"])
    admin.data(REQUEST, {"version": version["id"], "alias": "production", "comment": "better auc"})
    found = admin.data(
        "{ promotions(status: PENDING) { edges { node { alias version { id version run { id } } model { id entity { qualifiedName } } } } } }"
    )
    promotion = nodes(found["promotions"])[0]
    assert promotion["version"] == {"id": version["id"], "version": 1, "run": {"id": run["id"]}}
    assert promotion["model"]["entity"]["qualifiedName"] == "churn-classifier"


# -- principals, capabilities, allowed actions ------------------------------------------------------


def test_capabilities_follow_the_policy(as_role, admin):
    expected = {
        "admin": ["audit:read", "principals:read", "principals:admin", "grants:admin", "classifications:define", "promotions:approve"],
        "governance-reviewer": ["audit:read", "principals:read", "promotions:approve"],
        "data-engineer": [],
        "data-scientist": [],
        "viewer": [],
    }
    assert admin.data(ME)["me"]["capabilities"] == expected["admin"]
    for role, capabilities in expected.items():
        assert as_role(role).data(ME)["me"]["capabilities"] == capabilities, role


def test_principals_for_admins_and_reviewers_only_and_audited(as_role, admin, neo4j_driver):
    reviewer = as_role("governance-reviewer", name="rita")
    as_role("viewer", name="victor")
    listed = nodes(reviewer.data(PRINCIPALS)["principals"])
    assert [p["name"] for p in listed] == ["admin", "rita", "victor"]
    victor = listed[2]
    assert victor["roles"] == ["viewer"] and victor["active"] and victor["createdAt"] and victor["capabilities"] == []
    page = admin.data(PRINCIPALS, {"first": 2})["principals"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    viewer = as_role("viewer", name="vanessa")
    body = viewer.execute(PRINCIPALS)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["data"] is None
    assert "victor" not in str(body)
    with neo4j_driver.session() as session:
        rows = session.run(
            "MATCH (e) WHERE (e:AuditEvent OR e:PendingAuditEvent) AND e.action = 'list-principals' RETURN e.principal AS p, e.decision AS d ORDER BY e.time"
        ).data()
    assert {("rita", "allow"), ("admin", "allow"), ("vanessa", "deny")} <= {(r["p"], r["d"]) for r in rows}


def test_allowed_actions_are_the_policy_decisions(admin, as_role):
    scientist = as_role("data-scientist", name="sam")
    run = start_run(scientist)
    version = model_version(scientist, "churn-classifier", run["id"])
    query = """query($run: ID!, $version: ID!) { run(id: $run) { entity { allowedActions } }
      modelVersion(id: $version) { entity { allowedActions } } }"""
    ids = {"run": run["id"], "version": version["id"]}
    mine = scientist.data(query, ids)
    assert mine["run"]["entity"]["allowedActions"] == ["read", "write"]
    assert mine["modelVersion"]["entity"]["allowedActions"] == ["read", "write"]
    viewer = as_role("viewer").data(query, ids)
    assert viewer["run"]["entity"]["allowedActions"] == ["read"]
    reviewer = as_role("governance-reviewer").data(query, ids)
    assert reviewer["modelVersion"]["entity"]["allowedActions"] == ["read", "approve"]
    assert admin.data(query, ids)["modelVersion"]["entity"]["allowedActions"] == ["read", "write", "classify", "approve"]


# -- the audit chain --------------------------------------------------------------------------------


def test_the_audit_chain_is_verified_and_the_check_audited(admin, as_role, neo4j_driver):
    start_run(admin)
    chain = admin.data(CHAIN)["auditChain"]
    assert chain["ok"] and chain["firstBrokenSeq"] is None and chain["verifiedThroughSeq"] >= 1
    assert chain["checked"] == chain["verifiedThroughSeq"] and len(chain["headHash"]) == 64
    with neo4j_driver.session() as session:
        session.run("MATCH (e:AuditEvent {seq: 1}) SET e.principal = 'mallory'").consume()
    broken = admin.data(CHAIN)["auditChain"]
    assert not broken["ok"] and broken["firstBrokenSeq"] == 1 and broken["verifiedThroughSeq"] == 0
    assert broken["headHash"] is None and "1" in broken["message"]
    viewer = as_role("viewer", name="vic")
    body = viewer.execute(CHAIN)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["data"] is None
    with neo4j_driver.session() as session:
        rows = session.run(
            "MATCH (e {action: 'verify-audit-chain'}) WHERE e:AuditEvent OR e:PendingAuditEvent RETURN e.principal AS p, e.decision AS d"
        ).data()
    assert {("admin", "allow"), ("vic", "deny")} <= {(r["p"], r["d"]) for r in rows}

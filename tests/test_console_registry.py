"""The registry pages in Chromium against the live server (issue 16): a data scientist rolls a deployment
back from its page and requests a promotion from its model's page; a governance reviewer works the
promotion inbox (approve moves the alias, reject leaves it); the requester may not approve their own
request, neither in the console nor by a GraphQL request from their own browser session. Every write is
checked over GraphQL, and every test ends with the recorder's check (no console error, no unexpected
response).

One graph for the module, built over GraphQL: the churn model's three versions, each produced by a run
(v2's run read PII data, so promoting v2 needs a governance reviewer), a deployment that served v1 then
v2, an alert rule on its drift and monitoring points that opened an alert."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from .browser import Console, Session, console  # noqa: F401 (the fixture)
from .console_sessions import browser_as, sessions  # noqa: F401 (the fixtures)

MODEL = "mlflow://acme/models/churn"
DEPLOYMENT = "k8s://prod/churn"
SHOTS = Path(os.environ.get("PROVGRAPH_SCREENSHOTS", "/tmp/provgraph-console-registry"))

UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }"
CLASSIFY = "mutation($id: ID!, $n: String!) { classify(entityId: $id, name: $n) { id } }"
BLOCK = "mutation($s: ID!, $t: ID!, $c: String!) { blockPropagation(sourceId: $s, targetId: $t, classification: $c) { type } }"
START_RUN = "mutation($in: StartRunInput!) { startRun(input: $in) { id } }"
LOG_METRICS = "mutation($run: ID!, $m: [MetricBatchInput!]!) { logMetrics(runId: $run, metrics: $m) { name } }"
LOG_INPUTS = "mutation($run: ID!, $in: [EntityRef!]!) { logRunInputs(runId: $run, inputs: $in) }"
FINISH = "mutation($run: ID!) { finishRun(runId: $run) { id } }"
CREATE_VERSION = "mutation($m: String!, $run: ID) { createModelVersion(model: $m, runId: $run) { id version modelId } }"
SET_ALIAS = "mutation($m: ID!, $v: ID!, $a: String!) { setAlias(modelId: $m, versionId: $v, alias: $a) { alias } }"
GRANT_APPROVAL = 'mutation($p: String!, $e: ID!) { grant(principal: $p, action: "approve", entityId: $e) }'
DEPLOY = """mutation($v: ID!) { deploy(input: {versionId: $v, deployment: "k8s://prod/churn", environment: "production",
  endpoint: "https://ml.acme/churn", trafficShare: 0.8}) { id liveVersionId } }"""
RULE = """mutation($d: ID!) { createAlertRule(input: {deploymentId: $d, metric: "drift", comparison: GT, threshold: 0.3,
  description: "feature drift"}) { id } }"""
MONITOR = "mutation($d: ID!, $m: [MetricBatchInput!]!) { logDeploymentMetrics(deploymentId: $d, metrics: $m) { alerts { id } } }"
REQUEST = """mutation($v: ID!, $a: String!, $c: String) { requestPromotion(versionId: $v, alias: $a, comment: $c) {
  id needsGovernance } }"""
ALIAS_TARGET = "query($m: ID!, $a: String!) { modelVersionByAlias(modelId: $m, alias: $a) { id } }"
PROMOTION = "query($id: ID!) { promotion(id: $id) { status decidedBy decisionComment } }"
PROMOTIONS = "query($m: ID) { promotions(status: PENDING, modelId: $m, first: 50) { edges { node { id alias versionId requestedBy comment } } } }"
LIVE = "query($id: ID!) { deployment(id: $id) { liveVersionId rollbackStack history { kind principal comment } } }"
APPROVE = "mutation($id: ID!) { approvePromotion(requestId: $id, comment: \"mine is fine\") { status } }"


@dataclass(frozen=True)
class Principal:
    name: str
    token: str


@dataclass(frozen=True)
class Registry:
    model_id: str
    versions: list[dict]  # v1, v2, v3: id, version, modelId
    runs: list[str]  # the run of each version
    deployment_id: str
    dora: Principal  # data scientist: trained the versions, runs the deployment
    rita: Principal  # governance reviewer
    sam: Principal  # data scientist who may approve promotions of the churn model (a grant)


def as_principal(console: Console, principal: Principal, query: str, variables: dict | None = None) -> dict:
    return console.graphql(query, variables, token=principal.token)


def train(console: Console, dora: Principal, index: int, auc: float, pii_input: str | None) -> str:
    run_id = as_principal(console, dora, START_RUN, {"in": {"experiment": "mlflow://acme/churn", "name": f"churn-train-{index}"}})["startRun"]["id"]
    steps = list(range(20))
    as_principal(console, dora, LOG_METRICS, {"run": run_id, "m": [
        {"name": "loss", "values": [1 / (s + index + 1) for s in steps], "steps": steps},
        {"name": "val_auc", "values": [auc * (s + 1) / 20 for s in steps], "steps": steps},
    ]})
    if pii_input:
        # dora may not see PII data: the admin records what the run read, and blocks PII from reaching the
        # run (an anonymising step), so the version stays visible while PII still lies upstream of it.
        console.graphql(LOG_INPUTS, {"run": run_id, "in": [{"id": pii_input}]})
        console.graphql(BLOCK, {"s": pii_input, "t": run_id, "c": "PII"})
    as_principal(console, dora, FINISH, {"run": run_id})
    return run_id


@pytest.fixture(scope="module")
def registry(console: Console) -> Registry:  # noqa: F811
    console.reset_graph()
    dora, rita, sam = (
        Principal(name, console.token_for(role, name))
        for name, role in [("dora", "data-scientist"), ("rita", "governance-reviewer"), ("sam", "data-scientist")]
    )
    [customers] = console.graphql(UPSERT, {"in": [{"type": "DATASET", "qualifiedName": "postgres://crm/public.customers", "name": "customers"}]})["upsertEntities"]
    console.graphql(CLASSIFY, {"id": customers["id"], "n": "PII"})
    runs = [train(console, dora, i, auc, customers["id"] if i == 2 else None) for i, auc in [(1, 0.81), (2, 0.86), (3, 0.84)]]
    versions = [as_principal(console, dora, CREATE_VERSION, {"m": MODEL, "run": run})["createModelVersion"] for run in runs]
    model_id = versions[0]["modelId"]
    as_principal(console, dora, SET_ALIAS, {"m": model_id, "v": versions[0]["id"], "a": "production"})
    as_principal(console, dora, SET_ALIAS, {"m": model_id, "v": versions[0]["id"], "a": "staging"})
    console.graphql(GRANT_APPROVAL, {"p": "sam", "e": model_id})
    deployment_id = as_principal(console, dora, DEPLOY, {"v": versions[0]["id"]})["deploy"]["id"]
    assert as_principal(console, dora, DEPLOY, {"v": versions[1]["id"]})["deploy"]["liveVersionId"] == versions[1]["id"]
    as_principal(console, dora, RULE, {"d": deployment_id})
    drift = [0.1, 0.12, 0.15, 0.2, 0.26, 0.33, 0.41]
    opened = as_principal(console, dora, MONITOR, {"d": deployment_id, "m": [
        {"name": "drift", "values": drift, "steps": list(range(len(drift)))},
        {"name": "latency_p95", "values": [110, 120, 118, 131, 125, 140, 138], "steps": list(range(7))},
    ]})["logDeploymentMetrics"]["alerts"]
    assert opened, "the drift rule should have opened an alert"
    return Registry(model_id, versions, runs, deployment_id, dora, rita, sam)


@pytest.fixture(scope="module")
def graph(registry: Registry) -> Registry:
    """The graph the module's sign-ins wait for (console_sessions)."""
    return registry


def shoot(session: Session, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    session.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def request_promotion(console: Console, registry: Registry, principal: Principal, version: int, alias: str, comment: str) -> dict:
    variables = {"v": registry.versions[version - 1]["id"], "a": alias, "c": comment}
    return as_principal(console, principal, REQUEST, variables)["requestPromotion"]


def alias_target(console: Console, registry: Registry, alias: str) -> str | None:
    found = console.graphql(ALIAS_TARGET, {"m": registry.model_id, "a": alias})["modelVersionByAlias"]
    return found and found["id"]


def test_a_data_scientist_rolls_a_deployment_back_from_its_page(console: Console, registry: Registry, browser_as) -> None:  # noqa: F811
    v1, v2 = registry.versions[0]["id"], registry.versions[1]["id"]
    session = browser_as(token=registry.dora.token)
    page = session.goto(f"/deployments/{quote(registry.deployment_id, safe='')}")
    live = page.get_by_test_id("live-version")
    expect(live).to_contain_text("v2")
    expect(page.get_by_test_id("traffic-share")).to_contain_text("80%")
    expect(page.get_by_test_id("rollback-stack")).to_contain_text("v1")
    expect(page.get_by_test_id("alert-rules")).to_contain_text("drift > 0.3")
    expect(page.get_by_test_id("open-alerts").locator("tbody tr")).to_have_count(1)
    drift_chart = page.get_by_test_id("monitoring-chart-drift")
    expect(drift_chart).to_have_attribute("data-points", "7")
    expect(drift_chart.locator("canvas")).to_be_visible()
    # the rule's threshold is drawn on the drift chart (and named under it), not on latency's
    expect(page.get_by_test_id("monitoring-drift").get_by_test_id("chart-thresholds")).to_contain_text("drift > 0.3")
    expect(page.get_by_test_id("monitoring-latency_p95").get_by_test_id("chart-thresholds")).to_contain_text("No alert rule")
    expect(page.get_by_test_id("deployment-history").locator("tbody tr")).to_have_count(2)
    shoot(session, "deployment-before-rollback")

    page.get_by_test_id("rollback").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("v1")
    page.get_by_test_id("rollback-cancel").click()  # cancelling changes nothing
    expect(dialog).to_have_count(0)
    assert console.graphql(LIVE, {"id": registry.deployment_id})["deployment"]["liveVersionId"] == v2

    page.get_by_test_id("rollback").click()
    page.get_by_test_id("rollback-comment").fill("drift alert on v2")
    shoot(session, "deployment-rollback-dialog")
    page.get_by_test_id("rollback-confirm").click()
    expect(live).to_contain_text("v1")
    expect(page.get_by_test_id("deployment-history")).to_contain_text("rolled back")
    expect(page.get_by_text("Nothing to roll back to")).to_be_visible()
    expect(page.get_by_test_id("rollback")).to_have_count(0)
    shoot(session, "deployment-after-rollback")

    served = console.graphql(LIVE, {"id": registry.deployment_id})["deployment"]
    assert served["liveVersionId"] == v1 and served["rollbackStack"] == []
    assert served["history"][0] == {"kind": "ROLLED_BACK", "principal": "dora", "comment": "drift alert on v2"}


def test_a_data_scientist_requests_a_promotion_from_the_model_page(console: Console, registry: Registry, browser_as) -> None:  # noqa: F811
    v3 = registry.versions[2]
    session = browser_as(token=registry.dora.token)
    page = session.goto(f"/models/{quote(registry.model_id, safe='')}")
    expect(page.get_by_test_id("current-aliases")).to_contain_text("production")
    row = page.get_by_test_id("version-3")
    expect(row.get_by_test_id("version-run")).to_have_attribute("href", f"/runs/{quote(registry.runs[2], safe='')}")
    form = page.get_by_test_id(f"request-promotion-{v3['id']}")
    form.get_by_test_id("promotion-alias").fill("not an alias!")  # the server refuses it, and says why
    form.get_by_role("button", name="Request promotion").click()
    expect(form.get_by_test_id("action-error")).to_contain_text("alias")
    form.get_by_test_id("promotion-alias").fill("candidate")
    form.get_by_test_id("promotion-comment").fill("best loss so far")
    form.get_by_role("button", name="Request promotion").click()
    expect(form.get_by_test_id("promotion-requested")).to_be_visible()
    expect(page.get_by_test_id("model-promotions")).to_contain_text("best loss so far")
    shoot(session, "model-page")

    pending = [e["node"] for e in console.graphql(PROMOTIONS, {"m": registry.model_id})["promotions"]["edges"]]
    assert {"alias": "candidate", "versionId": v3["id"], "requestedBy": "dora", "comment": "best loss so far"} in [
        {k: p[k] for k in ("alias", "versionId", "requestedBy", "comment")} for p in pending]


def test_a_viewer_sees_no_request_promotion_form(console: Console, registry: Registry, browser_as) -> None:  # noqa: F811
    viewer = Principal("vic", console.token_for("viewer", "vic"))
    session = browser_as(token=viewer.token)
    page = session.goto(f"/models/{quote(registry.model_id, safe='')}")
    expect(page.get_by_test_id("versions").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_role("button", name="Request promotion")).to_have_count(0)


def test_a_governance_reviewer_approves_from_the_inbox_and_the_alias_moves(console: Console, registry: Registry, browser_as) -> None:  # noqa: F811
    v1, v2 = registry.versions[0]["id"], registry.versions[1]["id"]
    assert alias_target(console, registry, "production") == v1
    request = request_promotion(console, registry, registry.sam, 2, "production", "AUC up three points")
    assert request["needsGovernance"], "PII lies upstream of v2: the request needs a governance reviewer"
    session = browser_as(token=registry.rita.token)
    page = session.goto("/promotions")
    card = page.get_by_test_id(f"promotion-{request['id']}")
    expect(card).to_contain_text("v2")
    expect(card.get_by_test_id("requested-by")).to_have_text("sam")
    expect(card.get_by_test_id("request-comment")).to_have_text("AUC up three points")
    expect(card.get_by_test_id("needs-governance")).to_be_visible()
    expect(card.get_by_test_id("key-metrics")).to_contain_text("val_auc")
    expect(card.get_by_test_id("key-metrics")).to_contain_text("0.86")  # the last val_auc of v2's run
    shoot(session, "promotions-inbox")
    card.get_by_test_id("decision-comment").fill("lineage reviewed, PII use approved")
    card.get_by_test_id("approve").click()
    expect(page.get_by_test_id("decided")).to_contain_text("Approved")
    expect(card).to_have_count(0)  # decided: out of the pending inbox

    assert alias_target(console, registry, "production") == v2
    assert console.graphql(PROMOTION, {"id": request["id"]})["promotion"] == {
        "status": "APPROVED", "decidedBy": "rita", "decisionComment": "lineage reviewed, PII use approved"}
    page.get_by_test_id("status-APPROVED").click()
    expect(page).to_have_url(f"{console.url}/promotions?status=APPROVED")
    expect(page.get_by_test_id(f"promotion-{request['id']}")).to_contain_text("lineage reviewed, PII use approved")


def test_a_rejection_leaves_the_alias_where_it_was(console: Console, registry: Registry, browser_as) -> None:  # noqa: F811
    v1 = registry.versions[0]["id"]
    request = request_promotion(console, registry, registry.sam, 3, "staging", "try v3 on staging")
    session = browser_as(token=registry.rita.token)
    page = session.goto("/promotions?status=PENDING")
    card = page.get_by_test_id(f"promotion-{request['id']}")
    card.get_by_test_id("decision-comment").fill("wait for the drift fix")
    card.get_by_test_id("reject").click()
    expect(page.get_by_test_id("decided")).to_contain_text("Rejected")
    assert alias_target(console, registry, "staging") == v1
    assert console.graphql(PROMOTION, {"id": request["id"]})["promotion"] == {
        "status": "REJECTED", "decidedBy": "rita", "decisionComment": "wait for the drift fix"}


def test_the_requester_cannot_approve_their_own_request_in_the_console_or_by_request(console: Console, registry: Registry, browser_as) -> None:  # noqa: F811
    own = request_promotion(console, registry, registry.sam, 3, "shadow", "shadow traffic for v3")
    other = request_promotion(console, registry, registry.dora, 1, "archive", "keep v1 around")
    session = browser_as(token=registry.sam.token)
    page = session.goto("/promotions")
    own_card = page.get_by_test_id(f"promotion-{own['id']}")
    expect(own_card.get_by_test_id("self-approval")).to_contain_text("Self-approval not allowed")
    expect(own_card.get_by_test_id("approve")).to_have_count(0)
    # sam may approve the churn model's promotions (a grant): someone else's request offers Approve.
    expect(page.get_by_test_id(f"promotion-{other['id']}").get_by_test_id("approve")).to_be_enabled()
    shoot(session, "promotions-self")

    # The same request the button would send, from sam's own browser session (cookie, same origin).
    answer = page.evaluate(
        """async ([query, id]) => {
            const response = await fetch("/graphql", {method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json"}, body: JSON.stringify({query, variables: {id}})});
            return {status: response.status, body: await response.json()};
        }""",
        [APPROVE, own["id"]],
    )
    assert answer["status"] == 200 and answer["body"].get("data") is None
    [error] = answer["body"]["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN" and "'sam'" in error["message"] and "may not approve" in error["message"]
    assert console.graphql(PROMOTION, {"id": own["id"]})["promotion"]["status"] == "PENDING"
    assert alias_target(console, registry, "shadow") is None


def test_the_deployments_list_filters_by_model_and_environment(console: Console, registry: Registry, browser_as) -> None:  # noqa: F811
    session = browser_as(token=registry.rita.token)
    page = session.goto(f"/deployments?model={quote(registry.model_id, safe='')}&env=production")
    link = page.get_by_test_id("deployments").get_by_role("link", name="churn")
    expect(link).to_have_attribute("href", f"/deployments/{quote(registry.deployment_id, safe='')}")
    page.get_by_test_id("deployments-env").fill("staging")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{console.url}/deployments?model={quote(registry.model_id, safe='')}&env=staging")
    expect(page.get_by_text("No deployment matches.")).to_be_visible()
    page.goto(f"{console.url}/models?text=churn")
    expect(page.get_by_test_id("models").get_by_role("link", name="churn")).to_be_visible()

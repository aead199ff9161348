"""Monitoring: drift and performance series on a deployment, alert rules, alerts, and webhooks that a
local HTTP receiver checks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .mlops import deploy, model_version

LOG = """mutation($id: ID!, $m: [MetricBatchInput!]!) { logDeploymentMetrics(deploymentId: $id, metrics: $m) {
  series { name last count } alerts { id status value step metric modelVersionId } resolvedAlertIds } }"""
RULE = """mutation($in: AlertRuleInput!) { createAlertRule(input: $in) { id metric comparison threshold window webhookUrl firing } }"""
ALERTS = """query($d: ID, $v: ID, $status: AlertStatus) { alerts(deploymentId: $d, modelVersionId: $v, status: $status) {
  totalCount edges { node { id status value step metric deploymentId modelVersionId modelId resolvedAt } } } }"""
ALERT = "query($id: ID!) { alert(id: $id) { status webhookStatus webhookAttempts webhookError deliveredAt } }"


@pytest.fixture
def served(admin):
    """churn v1 served by k8s://prod/churn: (deployment id, version id)."""
    v1 = model_version(admin, "churn")
    return deploy(admin, v1["id"])["id"], v1["id"]


def rule(client, deployment_id, metric="psi", comparison="GT", threshold=0.2, **fields):
    payload = {"deploymentId": deployment_id, "metric": metric, "comparison": comparison, "threshold": threshold, **fields}
    return client.data(RULE, {"in": payload})["createAlertRule"]


def log(client, deployment_id, name, values, **columns):
    return client.data(LOG, {"id": deployment_id, "m": [{"name": name, "values": values, **columns}]})["logDeploymentMetrics"]


def alerts(client, deployment_id=None, version_id=None, status=None):
    found = client.data(ALERTS, {"d": deployment_id, "v": version_id, "status": status})["alerts"]
    return [edge["node"] for edge in found["edges"]]


# -- series and rules -------------------------------------------------------------------------------


def test_a_deployment_logs_series_like_a_run(admin, served):
    deployment_id, _ = served
    result = log(admin, deployment_id, "latency_ms", [12.0, 15.5, 11.25])
    assert result["series"] == [{"name": "latency_ms", "last": 11.25, "count": 3}] and result["alerts"] == []
    shown = admin.data("query($id: ID!) { deployment(id: $id) { metrics { name min max count } } }", {"id": deployment_id})
    assert shown["deployment"]["metrics"] == [{"name": "latency_ms", "min": 11.25, "max": 15.5, "count": 3}]


def test_a_breach_opens_an_alert_linked_to_the_deployment_and_the_served_version(admin, served):
    deployment_id, version_id = served
    rule(admin, deployment_id, "psi", "GT", 0.2)
    result = log(admin, deployment_id, "psi", [0.05, 0.31, 0.12], steps=[1, 2, 3])
    [opened] = result["alerts"]
    assert (opened["value"], opened["step"], opened["modelVersionId"]) == (0.31, 2, version_id)
    # The spike is over by the call's last point: the alert opened at step 2 and resolved at step 3.
    assert opened["status"] == "RESOLVED" and result["resolvedAlertIds"] == [opened["id"]]
    [stored] = alerts(admin, deployment_id)
    assert stored["id"] == opened["id"] and stored["status"] == "RESOLVED"
    assert alerts(admin, version_id=version_id) == [stored]
    assert stored["modelId"] and stored["deploymentId"] == deployment_id


def test_an_alert_stays_open_while_breached_and_resolves_once_healthy(admin, served):
    deployment_id, _ = served
    rule(admin, deployment_id, "accuracy", "LT", 0.8)
    [first] = log(admin, deployment_id, "accuracy", [0.75])["alerts"]
    assert log(admin, deployment_id, "accuracy", [0.7, 0.72])["alerts"] == []  # still the same incident
    assert log(admin, deployment_id, "accuracy", [0.85])["resolvedAlertIds"] == [first["id"]]
    [second] = log(admin, deployment_id, "accuracy", [0.6])["alerts"]
    assert [(a["id"], a["status"]) for a in alerts(admin, deployment_id)] == [(second["id"], "FIRING"), (first["id"], "RESOLVED")]
    assert [a["id"] for a in alerts(admin, deployment_id, status="FIRING")] == [second["id"]]


def test_the_window_averages_the_latest_points_across_calls(admin, served):
    deployment_id, _ = served
    rule(admin, deployment_id, "psi", "GT", 0.5, window=3)
    assert log(admin, deployment_id, "psi", [0.1, 0.1])["alerts"] == []
    assert log(admin, deployment_id, "psi", [0.9])["alerts"] == []  # mean(0.1, 0.1, 0.9) = 0.37
    [opened] = log(admin, deployment_id, "psi", [0.9])["alerts"]  # mean(0.1, 0.9, 0.9) = 0.63
    assert abs(opened["value"] - (0.1 + 0.9 + 0.9) / 3) < 1e-9


def test_a_rule_on_a_metric_never_logged_is_allowed_and_fires_when_it_appears(admin, served):
    deployment_id, _ = served
    created = rule(admin, deployment_id, "feature_null_rate", "GTE", 0.05)
    assert created["metric"] == "feature_null_rate" and not created["firing"]
    assert log(admin, deployment_id, "latency_ms", [500.0])["alerts"] == []
    [opened] = log(admin, deployment_id, "feature_null_rate", [0.07])["alerts"]
    assert opened["metric"] == "feature_null_rate"


def test_nan_never_breaches_a_rule(admin, served):
    deployment_id, _ = served
    rule(admin, deployment_id, "psi", "NE", 0.0)
    assert log(admin, deployment_id, "psi", ["NaN"])["alerts"] == []


def test_infinity_breaches_a_greater_than_rule(admin, served):
    deployment_id, _ = served
    rule(admin, deployment_id, "latency_ms", "GT", 1000)
    [opened] = log(admin, deployment_id, "latency_ms", ["Infinity"])["alerts"]
    assert opened["value"] == "Infinity"


@pytest.mark.parametrize("url", ["ftp://hooks.acme/retrain", "file:///etc/passwd", "javascript:alert(1)", "hooks.acme/retrain", "http://"])
def test_a_webhook_url_that_is_not_http_is_bad_input(admin, served, url):
    deployment_id, _ = served
    error = admin.error(RULE, {"in": {"deploymentId": deployment_id, "metric": "psi", "comparison": "GT", "threshold": 0.2,
                                      "webhookUrl": url}})
    assert error["extensions"]["code"] == "BAD_INPUT" and "webhookUrl" in error["message"]


def test_a_window_of_zero_is_bad_input(admin, served):
    deployment_id, _ = served
    error = admin.error(RULE, {"in": {"deploymentId": deployment_id, "metric": "psi", "comparison": "GT", "threshold": 0.2,
                                      "window": 0}})
    assert error["extensions"]["code"] == "BAD_INPUT" and "window" in error["message"]


def test_a_viewer_may_read_alerts_but_not_log_or_add_rules(admin, as_role, served):
    deployment_id, _ = served
    viewer = as_role("viewer")
    assert viewer.error(LOG, {"id": deployment_id, "m": [{"name": "psi", "values": [1]}]})["extensions"]["code"] == "FORBIDDEN"
    assert viewer.error(RULE, {"in": {"deploymentId": deployment_id, "metric": "psi", "comparison": "GT",
                                      "threshold": 0.2}})["extensions"]["code"] == "FORBIDDEN"
    assert alerts(viewer, deployment_id) == []


# -- webhooks ---------------------------------------------------------------------------------------


class Receiver:
    """A local HTTP endpoint that answers POSTs with scripted statuses and records what it received."""

    def __init__(self, statuses: list[int], hold: threading.Event | None = None) -> None:
        self.statuses = list(statuses)
        self.hold = hold
        self.calls: list[tuple[dict[str, str], dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if receiver.hold is not None:
                    receiver.hold.wait(10)
                receiver.calls.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/retrain"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory() -> Iterator:
    made: list[Receiver] = []

    def make(statuses: list[int], hold: threading.Event | None = None) -> Receiver:
        made.append(Receiver(statuses, hold))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def wait_for_delivery(admin, alert_id: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = admin.data(ALERT, {"id": alert_id})["alert"]
        if found["webhookStatus"] != "PENDING":
            return found
        time.sleep(0.1)
    raise AssertionError(f"the webhook of alert {alert_id} was still pending after {timeout} s")


def test_an_alert_is_posted_to_its_webhook_and_a_failed_attempt_is_retried(admin, served, receiver_factory):
    deployment_id, version_id = served
    receiver = receiver_factory([503, 200])  # the first attempt fails
    rule(admin, deployment_id, "psi", "GT", 0.2, webhookUrl=receiver.url)
    [opened] = log(admin, deployment_id, "psi", [0.4], steps=[7])["alerts"]
    delivered = wait_for_delivery(admin, opened["id"])
    assert (delivered["webhookStatus"], delivered["webhookAttempts"], delivered["deliveredAt"] is not None) == (
        "DELIVERED", 2, True)
    assert len(receiver.calls) == 2 and receiver.calls[0][1] == receiver.calls[1][1]  # the retry repeats the call
    headers, body = receiver.calls[1]
    assert headers["Content-Type"] == "application/json" and headers["Idempotency-Key"] == opened["id"]
    assert body["type"] == "provgraph.alert"
    assert {k: body["alert"][k] for k in ("id", "status", "metric", "comparison", "threshold", "value", "step")} == {
        "id": opened["id"], "status": "FIRING", "metric": "psi", "comparison": "GT", "threshold": 0.2, "value": 0.4, "step": 7}
    assert body["deployment"]["id"] == deployment_id and body["deployment"]["qualifiedName"] == "k8s://prod/churn"
    assert body["modelVersion"]["id"] == version_id and body["modelVersion"]["version"] == 1


def test_a_receiver_that_refuses_is_not_retried_and_the_alert_says_so(admin, served, receiver_factory):
    deployment_id, _ = served
    receiver = receiver_factory([404])
    rule(admin, deployment_id, "psi", "GT", 0.2, webhookUrl=receiver.url)
    [opened] = log(admin, deployment_id, "psi", [0.4])["alerts"]
    failed = wait_for_delivery(admin, opened["id"])
    assert (failed["webhookStatus"], failed["webhookAttempts"]) == ("FAILED", 1)
    assert "404" in failed["webhookError"] and len(receiver.calls) == 1


def test_logging_does_not_wait_for_the_webhook(admin, served, receiver_factory):
    deployment_id, _ = served
    hold = threading.Event()  # the receiver answers only when the test lets it
    receiver = receiver_factory([200], hold)
    rule(admin, deployment_id, "psi", "GT", 0.2, webhookUrl=receiver.url)
    [opened] = log(admin, deployment_id, "psi", [0.4])["alerts"]
    assert admin.data(ALERT, {"id": opened["id"]})["alert"]["webhookStatus"] == "PENDING"
    hold.set()
    assert wait_for_delivery(admin, opened["id"])["webhookStatus"] == "DELIVERED"

"""The Python client against a live server: automatic capture, buffered metrics, run status from the
`with` block, typed answers, errors with the server's code, and the README's training script."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from provgraph.client import Client, ModelVersion, ProvgraphClientError, Run
from provgraph.client.capture import packages_digest, without_credentials

from .graph import upsert
from .live_server import live_server_url  # noqa: F401 (the fixture)
from .mlops import PROMOTION_FIELDS, RUN, audit_actions
from .support import ADMIN_TOKEN

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "docs" / "examples" / "train.py"


@pytest.fixture
def client(live_server_url, admin):  # noqa: F811 (admin: the empty graph and the bootstrap admin)
    with Client(live_server_url, ADMIN_TOKEN) as client:
        yield client


def token_for(admin, name: str, role: str) -> str:
    created = admin.data(
        "mutation($n: String!, $r: [String!]!) { createPrincipal(name: $n, roles: $r) { token } }", {"n": name, "r": [role]}
    )
    return created["createPrincipal"]["token"]


# -- runs -------------------------------------------------------------------------------------------


def test_start_run_captures_code_environment_and_hardware(client):
    with client.start_run("exp/capture", "captured") as run:
        info = run.info
    assert isinstance(info, Run) and info.status == "RUNNING" and info.name == "captured"
    assert info.code.commit and len(info.code.commit) == 40 and info.code.dirty is not None  # the tests run in a git checkout
    assert info.environment.python_version == ".".join(map(str, sys.version_info[:3]))
    assert "httpx==" + __import__("httpx").__version__ in info.environment.packages
    assert info.environment.packages_digest == packages_digest(info.environment.packages)
    assert info.hardware.cpu_count == os.cpu_count() and info.hardware.memory_bytes > 0
    assert isinstance(info.hardware.gpus, list)
    assert run.finished.status == "FINISHED" and run.finished.hardware.peak_memory_bytes > 0


def test_metrics_are_buffered_and_sent_in_batches(client):
    with client.start_run("exp/buffer", batch_size=100) as run:
        for step in range(250):
            run.log_metrics({"loss": 1 / (step + 1)}, step=step)
        assert run.points_sent == 200  # two full batches went out; 50 points wait for the end of the block
    assert run.points_sent == 250
    loss = client.get_run(run.id).metric("loss")
    assert (loss.count, loss.last_step, loss.max) == (250, 249, 1.0)
    history = client.metric_history(run.id, "loss")
    assert [(p.step, p.value) for p in history] == [(s, 1 / (s + 1)) for s in range(250)]
    ends = client.metric_history(run.id, "loss", max_points=3)  # fewer: the server's downsample, here the ends
    assert [(p.step, p.value) for p in ends] == [(0, 1.0), (249, 1 / 250)]


def test_steps_continue_per_metric_when_not_given(client):
    with client.start_run("exp/steps") as run:
        run.log_metric("loss", 0.9)
        run.log_metric("loss", 0.8)
        run.log_metric("acc", 0.5)
    assert [p.step for p in client.metric_history(run.id, "loss")] == [0, 1]
    assert [p.step for p in client.metric_history(run.id, "acc")] == [0]


def test_nan_and_infinity_survive_the_trip(client):
    with client.start_run("exp/nan") as run:
        run.log_metrics({"loss": math.nan, "grad": math.inf}, step=0)
    values = {m.name: m.last for m in client.get_run(run.id).metrics}
    assert values == {"loss": "NaN", "grad": "Infinity"}


def test_an_exception_in_the_block_ends_the_run_failed_and_is_not_swallowed(client):
    with pytest.raises(ZeroDivisionError):
        with client.start_run("exp/fails") as run:
            run.log_metric("loss", 0.7)
            1 / 0
    failed = client.get_run(run.id)
    assert failed.status == "FAILED" and failed.metric("loss").count == 1  # the buffered point was kept


def test_params_inputs_and_artifacts(client, admin):
    upsert(admin, {"type": "DATASET", "qualifiedName": "s3://lake/events"})
    with client.start_run("exp/lineage") as run:
        params = run.log_params({"lr": 0.01, "layers": 3, "bn": False})
        run.log_input("s3://lake/events")
        run.log_artifact("s3://ml/eval.html")
    assert [(p.name, p.type) for p in params] == [("lr", "FLOAT"), ("layers", "INT"), ("bn", "BOOL")]
    stored = client.get_run(run.id)
    assert stored.param("layers") == 3 and len(stored.input_ids) == 1 and len(stored.output_ids) == 1


# -- errors -----------------------------------------------------------------------------------------


def test_errors_carry_the_server_code_and_field(client):
    with client.start_run("exp/errors") as run:
        run.log_params({"lr": 0.01})
        with pytest.raises(ProvgraphClientError) as raised:
            run.log_params({"lr": 0.02})
    assert raised.value.code == "CONFLICT" and raised.value.field == "params.lr" and "0.02" in raised.value.message
    with pytest.raises(ProvgraphClientError) as closed:
        run.log_params({"epochs": 1})  # the block ended the run
    assert closed.value.code == "CONFLICT" and "FINISHED" in closed.value.message


def test_a_bad_token_is_unauthenticated(live_server_url, admin):  # noqa: F811
    with Client(live_server_url, "pgt_not-a-token") as stranger:
        with pytest.raises(ProvgraphClientError) as raised:
            stranger.start_run("exp")
    assert raised.value.code == "UNAUTHENTICATED" and raised.value.status == 401


def test_an_unreachable_server_is_unavailable():
    with Client("http://127.0.0.1:9", "pgt_x", timeout=2) as nowhere:
        with pytest.raises(ProvgraphClientError) as raised:
            nowhere.get_run("00000000-0000-4000-8000-000000000000")
    assert raised.value.code == "UNAVAILABLE"


def test_repository_credentials_never_reach_the_metadata():
    assert without_credentials("https://ci:ghp_secret@github.com/acme/churn.git") == "https://github.com/acme/churn.git"
    assert without_credentials("git@github.com:acme/churn.git") == "git@github.com:acme/churn.git"


# -- registry and deployments -----------------------------------------------------------------------


def test_from_run_to_production(client, live_server_url, admin):  # noqa: F811
    scientist = Client(live_server_url, token_for(admin, "alice", "data-scientist"))
    reviewer = Client(live_server_url, token_for(admin, "rita", "governance-reviewer"))
    with scientist.start_run("exp/prod") as run:
        run.log_metric("val_auc", 0.86)
        version = run.log_model("churn")
    assert isinstance(version, ModelVersion) and (version.version, version.run_id) == (1, run.id)
    request = scientist.request_promotion(version, "champion", "best so far")
    assert request.status == "PENDING" and request.requested_by == "alice"
    with pytest.raises(ProvgraphClientError) as own:
        scientist.approve_promotion(request)
    assert own.value.code == "FORBIDDEN"
    assert reviewer.approve_promotion(request, "ok").status == "APPROVED"
    assert scientist.model_version(version.id).aliases == ["champion"]
    deployment = scientist.deploy(version, "k8s://prod/churn", endpoint="https://ml.acme/churn")
    [live] = scientist.production("churn")
    assert (live.deployment.id, live.version.id, live.endpoint) == (deployment.id, version.id, "https://ml.acme/churn")
    with pytest.raises(ProvgraphClientError) as nothing_before:
        scientist.rollback(deployment)
    assert nothing_before.value.code == "CONFLICT"
    challenger = scientist.create_model_version("churn", run_id=run.id)
    scientist.set_alias(challenger, "challenger")
    assert scientist.model_version(challenger.id).aliases == ["challenger"]
    scientist.close()
    reviewer.close()


def test_monitoring_through_the_client(client):
    with client.start_run("exp/monitor") as run:
        version = run.log_model("fraud")
    deployment = client.deploy(version, "k8s://prod/fraud")
    client.create_alert_rule(deployment, "psi", "GT", 0.2)
    result = client.log_deployment_metrics(deployment, {"psi": [0.1, 0.35]})
    [alert] = result.alerts
    assert (alert.metric, alert.value, alert.model_version_id) == ("psi", 0.35, version.id)


def test_lineage_and_impact_through_the_client(client, admin):
    """features -INPUT_TO-> run -PRODUCED-> churn v1 -DEPLOYED_AS-> k8s://prod/churn"""
    features = upsert(admin, {"type": "DATASET", "qualifiedName": "s3://lake/features"})[0]
    with client.start_run("exp/lineage") as run:
        run.log_input("s3://lake/features")
        version = run.log_model("churn")
    deployment = client.deploy(version, "k8s://prod/churn")
    upstream = client.lineage(deployment.id, direction="UPSTREAM", depth=5)
    assert {n.id for n in upstream.nodes} >= {features["id"], run.id, version.id}
    impact = client.impact(features["id"])
    assert [d.id for d in impact.deployments] == [deployment.id]


# -- the README's training script -------------------------------------------------------------------


def test_the_training_example_runs_against_a_live_server(live_server_url, admin, neo4j_driver):  # noqa: F811
    upsert(admin, {"type": "DATASET_VERSION", "qualifiedName": "feast://acme/user_features@2026-11-01"})
    token = token_for(admin, "alice", "data-scientist")
    env = {**os.environ, "PROVGRAPH_URL": live_server_url, "PROVGRAPH_TOKEN": token,
           "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["versionNumber"] == 1 and out["valAuc"] > 0.8 and out["pointsSent"] == 60
    run = admin.data(RUN, {"id": out["run"]})["run"]
    assert run["status"] == "FINISHED" and run["code"]["commit"] and run["environment"]["packagesDigest"]
    assert {p["name"] for p in run["params"]} == {"learning_rate", "epochs", "l2", "seed"}
    assert {(m["name"], m["count"], m["lastStep"]) for m in run["metrics"]} == {("loss", 30, 29), ("val_auc", 30, 29)}
    assert len(run["inputIds"]) == 1 and run["outputIds"] == [out["version"]]
    promotion = admin.data(f'query($id: ID!) {{ promotion(id: $id) {{ {PROMOTION_FIELDS} }} }}', {"id": out["promotion"]})
    assert (promotion["promotion"]["status"], promotion["promotion"]["requestedBy"]) == ("PENDING", "alice")
    assert ("alice", "request-promotion", "allow") in audit_actions(neo4j_driver, out["version"])

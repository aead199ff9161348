"""The stock MLflow client (mlflow-skinny) against a live provgraph: what it logs lands in the graph with
lineage, classifications, access control and audit (issue 15)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import mlflow
import mlflow.sklearn
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression

from provgraph.api.app import create_app
from provgraph.config import Settings

from .live_server import serving
from .mlops import APPROVE

CUSTOMERS = "s3://acme/crm/customers.parquet"
CLASSIFY = 'mutation($id: ID!, $name: String!) { classify(entityId: $id, name: $name) { id } }'
UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }"
RUN = """query($id: ID!) { run(id: $id) {
  status params { name type value } metric(name: "loss") { count last lastStep }
  code { commit branch repoUrl } statusHistory { status reason by }
  entity { name classifications { name } } } }"""
UPSTREAM = """query($id: ID!) { lineage(id: $id, direction: UPSTREAM, depth: 3) {
  nodes { id type restricted entity { qualifiedName classifications { name } } } } }"""
PROMOTIONS = "{ promotions(status: PENDING) { edges { node { id alias } } } }"


@pytest.fixture(scope="module")
def mlflow_url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live provgraph with its artifact store in a temporary directory."""
    root = tmp_path_factory.mktemp("artifacts")
    with serving(create_app(settings.model_copy(update={"artifact_root": root}))) as url:
        yield url


@pytest.fixture
def as_mlflow(mlflow_url: str, monkeypatch: pytest.MonkeyPatch):
    """as_mlflow(token) -> an MlflowClient whose requests carry that provgraph token."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_url)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    mlflow.set_tracking_uri(mlflow_url)

    def make(token: str) -> MlflowClient:
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)
        monkeypatch.setenv("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0")
        return MlflowClient(mlflow_url)

    yield make
    while mlflow.active_run():
        mlflow.end_run()


def token(admin, name: str, *roles: str) -> str:
    created = admin.data(
        "mutation($n: String!, $r: [String!]!) { createPrincipal(name: $n, roles: $r) { token } }", {"n": name, "r": list(roles)}
    )
    return created["createPrincipal"]["token"]


def error_code(call) -> str:
    with pytest.raises(MlflowException) as raised:
        call()
    return raised.value.error_code


def test_a_script_logs_a_governed_run_through_the_stock_client(admin, as_mlflow, tmp_path: Path):
    sam, vic, rita = token(admin, "sam", "data-scientist"), token(admin, "vic", "viewer"), token(
        admin, "rita", "governance-reviewer")
    customers = admin.data(UPSERT, {"in": [{"type": "DATASET", "qualifiedName": CUSTOMERS}]})["upsertEntities"][0]["id"]
    admin.data(CLASSIFY, {"id": customers, "name": "PII"})
    client = as_mlflow(sam)

    experiment_id = mlflow.set_experiment("churn").experiment_id
    assert client.get_experiment_by_name("churn").experiment_id == experiment_id

    # A run with params, a few hundred metric steps, tags, a dataset input and an artifact.
    with mlflow.start_run(run_name="baseline") as run:
        run_id = run.info.run_id
        mlflow.log_param("lr", "1e-3")
        mlflow.log_params({"penalty": "l2", "C": "0.5"})
        mlflow.log_param("lr", "1e-3")  # the same value again: a no-op
        client.log_batch(run_id, metrics=[Metric("loss", 1.0 / (step + 1), 1_700_000_000_000 + step, step) for step in range(300)])
        client.log_batch(run_id, metrics=[Metric("loss", 1.0 / 300, 1_700_000_000_299, 299)])  # a re-sent point
        mlflow.log_metric("auc", 0.91, step=0)
        mlflow.set_tags({"team": "risk", "mlflow.source.git.commit": "abc123", "mlflow.source.git.branch": "main"})
        source = json.dumps({"uri": CUSTOMERS})
        client.log_inputs(run_id, [DatasetInput(Dataset("customers", "d1g357", "s3", source), [InputTag("mlflow.data.context", "train")])])
        (tmp_path / "notes.txt").write_text("trained on customers")
        mlflow.log_artifact(str(tmp_path / "notes.txt"))
    assert error_code(lambda: client.log_param(run_id, "lr", "0.1")) == "INVALID_PARAMETER_VALUE"

    # A second run, not trained on PII: search with a filter and an order.
    with mlflow.start_run(run_name="wide") as other:
        client.log_batch(other.info.run_id, metrics=[Metric("loss", 0.5, 1_700_000_000_000, 0)],
                         params=[Param("penalty", "l2")], tags=[RunTag("team", "risk")])
    found = client.search_runs([experiment_id], "metrics.loss < 1 and params.penalty = 'l2'", order_by=["metrics.loss ASC"])
    assert [r.info.run_id for r in found] == [run_id, other.info.run_id]
    assert [r.info.run_id for r in client.search_runs([experiment_id], "tags.team = 'risk' and attributes.run_name LIKE 'wid%'")] == [
        other.info.run_id]
    assert [r.info.run_id for r in client.search_runs([experiment_id], "datasets.context = 'train'")] == [run_id]

    fetched = client.get_run(run_id)
    assert fetched.data.params == {"lr": "1e-3", "penalty": "l2", "C": "0.5"}
    assert fetched.info.status == "FINISHED" and fetched.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts"
    history = client.get_metric_history(run_id, "loss")
    assert [m.step for m in history] == list(range(300)) and history[0].timestamp == 1_700_000_000_000
    assert [a.path for a in client.list_artifacts(run_id)] == ["notes.txt"]

    # sklearn log_model into the finished run (the client reopens it), register, alias, load.
    features = np.array([[0.0, 1.0], [1.0, 0.0], [0.2, 0.9], [0.9, 0.1]])
    labels = np.array([0, 1, 0, 1])
    model = LogisticRegression().fit(features, labels)
    with mlflow.start_run(run_id=run_id):
        info = mlflow.sklearn.log_model(model, name="model", serialization_format="cloudpickle")
    version = mlflow.register_model(info.model_uri, "churn-model")
    assert version.version == "1" and version.status == "READY"
    with pytest.raises(MlflowException) as denied:
        client.set_registered_model_alias("churn-model", "champion", "1")
    assert denied.value.error_code == "PERMISSION_DENIED"
    request = admin.data(PROMOTIONS)["promotions"]["edges"][0]["node"]
    assert request["alias"] == "champion" and request["id"] in str(denied.value)
    admin.with_token(rita).data(APPROVE, {"id": request["id"]})
    client = as_mlflow(sam)
    loaded = mlflow.sklearn.load_model("models:/churn-model@champion")
    assert list(loaded.predict(features)) == list(model.predict(features))

    # Error codes for a missing run and model.
    assert error_code(lambda: client.get_run("00000000-0000-4000-8000-000000000000")) == "RESOURCE_DOES_NOT_EXIST"
    assert error_code(lambda: client.get_registered_model("no-such-model")) == "RESOURCE_DOES_NOT_EXIST"

    # Over GraphQL: the same run's params and metrics, the dataset upstream, PII propagated.
    shown = admin.data(RUN, {"id": run_id})["run"]
    assert {(p["name"], p["type"], p["value"]) for p in shown["params"]} >= {("lr", "STRING", "1e-3")}
    assert shown["metric"]["lastStep"] == 299 and shown["code"]["commit"] == "abc123" and shown["code"]["branch"] == "main"
    assert [c["name"] for c in shown["entity"]["classifications"]] == ["PII"]
    assert [s["reason"] for s in shown["statusHistory"]] == ["started", "ended", "reopened", "ended"]
    upstream = {n["entity"]["qualifiedName"] for n in admin.data(UPSTREAM, {"id": run_id})["lineage"]["nodes"] if n["entity"]}
    assert {CUSTOMERS, f"{CUSTOMERS}@d1g357"} <= upstream  # the dataset and the version read

    # The owner still reads their run (the owner rule); a viewer's MLflow client cannot see it.
    assert client.get_run(run_id).info.run_id == run_id
    viewer = as_mlflow(vic)
    assert error_code(lambda: viewer.get_run(run_id)) == "RESOURCE_DOES_NOT_EXIST"
    assert [r.info.run_id for r in viewer.search_runs([experiment_id])] == [other.info.run_id]
    # The model (a container) carries no PII; its version trained on PII is hidden, in lists too.
    assert error_code(lambda: viewer.get_model_version("churn-model", "1")) == "RESOURCE_DOES_NOT_EXIST"
    assert viewer.get_registered_model("churn-model").latest_versions == []


def test_sklearn_autolog_logs_params_metrics_and_the_model(admin, as_mlflow):
    as_mlflow(token(admin, "sam", "data-scientist"))
    mlflow.set_experiment("autolog")
    mlflow.sklearn.autolog(log_datasets=True, serialization_format="cloudpickle")
    try:
        with mlflow.start_run() as run:
            LogisticRegression(C=0.25).fit(np.array([[0.0], [1.0], [0.1], [0.9]]), np.array([0, 1, 0, 1]))
    finally:
        mlflow.sklearn.autolog(disable=True)
    shown = admin.data(RUN, {"id": run.info.run_id})["run"]
    assert ("C", "STRING", "0.25") in {(p["name"], p["type"], p["value"]) for p in shown["params"]}
    assert shown["status"] == "FINISHED"
    assert "training_score" in MlflowClient().get_run(run.info.run_id).data.metrics


def test_failed_authentication_answers_in_mlflows_shape(mlflow_url):
    import requests

    response = requests.get(f"{mlflow_url}/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": "x"})
    assert response.status_code == 401 and response.json()["error_code"] == "UNAUTHENTICATED"


def test_artifact_paths_that_leave_the_store_are_invalid(admin, as_mlflow, mlflow_url):
    import requests

    sam = token(admin, "sam", "data-scientist")
    as_mlflow(sam)
    run = MlflowClient().create_run(mlflow.set_experiment("paths").experiment_id)
    headers = {"Authorization": f"Bearer {sam}"}
    for bad in (f"x/{run.info.run_id}/artifacts/../../etc", f"x/{run.info.run_id}/artifacts/%2e%2e/secret"):
        response = requests.put(f"{mlflow_url}/api/2.0/mlflow-artifacts/artifacts/{bad}", data=b"x", headers=headers)
        assert response.status_code == 400 and response.json()["error_code"] == "INVALID_PARAMETER_VALUE", bad

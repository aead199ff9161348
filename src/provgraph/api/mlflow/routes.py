"""Every MLflow route provgraph serves, under /api/2.0 (and /ajax-api/2.0, the UI's prefix)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import artifacts, logged_models, registry, tracking

_MLFLOW = [
    ("/mlflow/experiments/get-by-name", tracking.get_experiment_by_name, ["GET"]),
    ("/mlflow/experiments/get", tracking.get_experiment, ["GET"]),
    ("/mlflow/experiments/create", tracking.create_experiment, ["POST"]),
    ("/mlflow/experiments/search", tracking.search_experiments, ["GET", "POST"]),
    ("/mlflow/runs/create", tracking.create_run, ["POST"]),
    ("/mlflow/runs/update", tracking.update_run, ["POST"]),
    ("/mlflow/runs/get", tracking.get_run, ["GET"]),
    ("/mlflow/runs/log-metric", tracking.log_metric, ["POST"]),
    ("/mlflow/runs/log-parameter", tracking.log_param, ["POST"]),
    ("/mlflow/runs/set-tag", tracking.set_tag, ["POST"]),
    ("/mlflow/runs/log-batch", tracking.log_batch, ["POST"]),
    ("/mlflow/runs/log-inputs", tracking.log_inputs, ["POST"]),
    ("/mlflow/runs/outputs", tracking.log_outputs, ["POST"]),
    ("/mlflow/runs/search", tracking.search_runs, ["POST"]),
    ("/mlflow/metrics/get-history", tracking.metric_history, ["GET"]),
    ("/mlflow/logged-models", logged_models.create_logged_model, ["POST"]),
    ("/mlflow/logged-models/search", logged_models.search_logged_models, ["POST"]),
    ("/mlflow/logged-models/{model_id}", logged_models.get_logged_model, ["GET"]),
    ("/mlflow/logged-models/{model_id}", logged_models.finalize_logged_model, ["PATCH"]),
    ("/mlflow/logged-models/{model_id}/tags", logged_models.set_logged_model_tags, ["PATCH"]),
    ("/mlflow/logged-models/{model_id}/params", logged_models.log_logged_model_params, ["POST"]),
    ("/mlflow/registered-models/create", registry.create_model, ["POST"]),
    ("/mlflow/registered-models/get", registry.get_model, ["GET"]),
    ("/mlflow/registered-models/search", registry.search_models, ["GET"]),
    ("/mlflow/registered-models/get-latest-versions", registry.latest_versions, ["GET", "POST"]),
    ("/mlflow/registered-models/alias", registry.set_alias, ["POST"]),
    ("/mlflow/registered-models/alias", registry.get_alias, ["GET"]),
    ("/mlflow/registered-models/alias", registry.delete_alias, ["DELETE"]),
    ("/mlflow/model-versions/create", registry.create_version, ["POST"]),
    ("/mlflow/model-versions/get", registry.get_version, ["GET"]),
    ("/mlflow/model-versions/get-download-uri", registry.download_uri, ["GET"]),
    ("/mlflow/model-versions/search", registry.search_versions, ["GET"]),
    ("/mlflow-artifacts/artifacts", artifacts.list_artifacts, ["GET"]),
    ("/mlflow-artifacts/artifacts/{path:path}", artifacts.upload_artifact, ["PUT"]),
    ("/mlflow-artifacts/artifacts/{path:path}", artifacts.download_artifact, ["GET"]),
]


async def not_served(request: Request) -> Response:
    """MLflow's answer for an endpoint this server does not implement (README lists what is served)."""
    message = f"{request.method} {request.url.path} is not served by provgraph's MLflow API"
    return JSONResponse({"error_code": "ENDPOINT_NOT_FOUND", "message": message}, status_code=404)


ANY = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def mlflow_routes() -> list[Route]:
    prefixes = ("/api/2.0", "/ajax-api/2.0")
    served = [Route(prefix + path, handler, methods=methods) for prefix in prefixes for path, handler, methods in _MLFLOW]
    rest = [Route(prefix + area + "/{rest:path}", not_served, methods=ANY)
            for prefix in prefixes for area in ("/mlflow", "/mlflow-artifacts")]
    return served + rest

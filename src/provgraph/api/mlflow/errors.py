"""MLflow's error shape on the MLflow paths: `{"error_code": ..., "message": ...}` with MLflow's HTTP
statuses, which the stock client branches on (and retries 429 and 5xx for minutes, so a size limit is
INVALID_PARAMETER_VALUE 400, never 429)."""

from __future__ import annotations

import json

from starlette.responses import Response

from ...domain.errors import (
    AlreadyExists,
    BadInput,
    Conflict,
    Forbidden,
    LimitExceeded,
    NotFound,
    PropagatedClassification,
    ProvgraphError,
    Unauthenticated,
    Unavailable,
)

MLFLOW_PREFIXES = ("/api/2.0/mlflow/", "/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow/", "/ajax-api/2.0/mlflow-artifacts/")

# Most specific first: AlreadyExists is a Conflict, LimitExceeded stands alone.
_CODES: list[tuple[type[ProvgraphError], str, int]] = [
    (AlreadyExists, "RESOURCE_ALREADY_EXISTS", 400),
    (NotFound, "RESOURCE_DOES_NOT_EXIST", 404),
    (BadInput, "INVALID_PARAMETER_VALUE", 400),
    (LimitExceeded, "INVALID_PARAMETER_VALUE", 400),
    (Conflict, "INVALID_PARAMETER_VALUE", 400),  # a parameter set twice, logging to an ended run
    (PropagatedClassification, "INVALID_PARAMETER_VALUE", 400),
    (Forbidden, "PERMISSION_DENIED", 403),
    (Unauthenticated, "UNAUTHENTICATED", 401),
    (Unavailable, "TEMPORARILY_UNAVAILABLE", 503),
]


def is_mlflow_path(path: str) -> bool:
    return path.startswith(MLFLOW_PREFIXES)


def mlflow_code(error: ProvgraphError) -> tuple[str, int]:
    for kind, code, status in _CODES:
        if isinstance(error, kind):
            return code, status
    return "INTERNAL_ERROR", 500


def mlflow_error_body(error: ProvgraphError) -> tuple[int, bytes]:
    code, status = mlflow_code(error)
    return status, json.dumps({"error_code": code, "message": error.message}).encode()


def mlflow_error(error: ProvgraphError) -> Response:
    status, body = mlflow_error_body(error)
    return Response(body, status_code=status, media_type="application/json")


def is_artifact_upload(scope: dict) -> bool:
    """A PUT of an artifact's bytes: its body is limited while it streams (api/mlflow/artifacts.py)."""
    return scope.get("method") == "PUT" and "/mlflow-artifacts/artifacts/" in scope.get("path", "") and is_mlflow_path(
        scope["path"]
    )

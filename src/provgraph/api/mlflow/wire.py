"""MLflow's wire at the edge: reading a request (GET query or JSON body) into a pydantic model, the
endpoint wrapper that answers errors in MLflow's shape, and provgraph objects rendered as MLflow's
JSON (runs, experiments, metrics). Nothing here decides access: every call goes to a service."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...domain.entities import Entity
from ...domain.errors import BadInput, LimitExceeded, ProvgraphError
from ...domain.metrics import MetricPoint, epoch_millis, metric_value_out
from ...domain.principals import Principal
from ...domain.runs import ParamType, Run
from ...domain.validation import parse, parse_json
from ...services.container import Services
from .errors import mlflow_error

MAX_REQUEST_BYTES = 32 * 1024 * 1024
DEFAULT_EXPERIMENT = "Default"  # the qualifiedName of MLflow's experiment "0"
DEFAULT_EXPERIMENT_ID = "0"

M = TypeVar("M", bound=BaseModel)


class Wire(BaseModel):
    """A request message: unknown fields are ignored (the client grows), known ones are typed."""

    model_config = ConfigDict(extra="ignore")


class KeyValue(Wire):
    key: str
    value: str = ""


async def read(request: Request, model: type[M]) -> M:
    """The request's message: query parameters for GET, else its JSON body (at most MAX_REQUEST_BYTES,
    counted while reading)."""
    if request.method in ("GET", "DELETE") and not request.headers.get("content-length", "0").strip("0"):
        data: dict[str, Any] = {}
        for key in request.query_params:
            values = request.query_params.getlist(key)
            data[key] = values if key in _LIST_FIELDS else values[-1]
        return parse(model, data, "")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BYTES:
            raise LimitExceeded(f"request: the body is over {MAX_REQUEST_BYTES} bytes", field="request")
    return parse_json(model, bytes(body) or b"{}", "request")


_LIST_FIELDS = frozenset({"experiment_ids", "order_by", "stages"})

Handler = Callable[[Request, Services, Principal], Awaitable[dict[str, Any]]]


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A route answering the handler's dict as JSON, and any provgraph error in MLflow's shape."""

    async def route(request: Request) -> Response:
        try:
            result = await handler(request, request.app.state.services, request.state.principal)
        except ProvgraphError as error:
            return mlflow_error(error)
        return JSONResponse(result)

    route.__name__ = handler.__name__
    return route


# -- page tokens ------------------------------------------------------------------------------------


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_token(token: str | None, field: str = "page_token") -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
        if isinstance(offset, int) and offset >= 0:
            return offset
    except (binascii.Error, ValueError, KeyError, TypeError):
        pass
    raise BadInput(f"{field}: {token!r} is not a page token this server returned", field=field)


def next_token(offset: int, shown: int, total: int) -> dict[str, str]:
    return {"next_page_token": encode_token(offset + shown)} if offset + shown < total else {}


# -- rendering --------------------------------------------------------------------------------------


def millis(moment: datetime | None) -> int | None:
    return None if moment is None else epoch_millis(moment)


def from_millis(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def experiment_id(entity: Entity) -> str:
    return DEFAULT_EXPERIMENT_ID if entity.qualified_name == DEFAULT_EXPERIMENT else entity.id


def experiment_json(entity: Entity) -> dict[str, Any]:
    wire_id = experiment_id(entity)
    return {
        "experiment_id": wire_id,
        "name": entity.qualified_name,
        "artifact_location": f"mlflow-artifacts:/{wire_id}",
        "lifecycle_stage": "active",
        "creation_time": millis(entity.created_at),
        "last_update_time": millis(entity.updated_at),
        "tags": [{"key": k, "value": str(v)} for k, v in sorted((entity.properties.get("mlflow_tags") or {}).items())],
    }


def param_text(kind: ParamType, value: Any) -> str:
    """Parameters as MLflow shows them: strings; typed ones logged over GraphQL as Python would print them."""
    return value if kind is ParamType.STRING else str(value)


def run_json(run: Run, wire_experiment_id: str, datasets: list[dict[str, Any]] = ()) -> dict[str, Any]:
    info = run_info(run, wire_experiment_id)
    tags = {**run.tags, "mlflow.runName": info["run_name"]}
    return {
        "info": info,
        "data": {
            "metrics": [
                {"key": m.name, "value": metric_value_out(m.last), "timestamp": millis(m.last_timestamp), "step": m.last_step or 0}
                for m in run.metrics
                if m.last is not None
            ],
            "params": [{"key": p.name, "value": param_text(p.type, p.value)} for p in run.params],
            "tags": [{"key": k, "value": v} for k, v in sorted(tags.items())],
        },
        "inputs": {"dataset_inputs": [dataset_input_json(d) for d in datasets]},
    }


def run_info(run: Run, wire_experiment_id: str) -> dict[str, Any]:
    info = {
        "run_id": run.id,
        "run_uuid": run.id,
        "experiment_id": wire_experiment_id,
        "run_name": run.entity.name,
        "user_id": run.entity.owners[0] if run.entity.owners else "",
        "status": run.status.value if run.status else "RUNNING",
        "start_time": millis(run.started_at),
        "artifact_uri": f"mlflow-artifacts:/{wire_experiment_id}/{run.id}/artifacts",
        "lifecycle_stage": "active",
    }
    if run.ended_at is not None:
        info["end_time"] = millis(run.ended_at)
    return info


def dataset_input_json(row: dict[str, Any]) -> dict[str, Any]:
    logged = json.loads(row.get("properties") or "{}").get("mlflow", {})
    tags = [{"key": "mlflow.data.context", "value": row["context"]}] if row.get("context") else []
    dataset = {
        "name": row["name"],
        "digest": row.get("digest") or "",
        "source_type": logged.get("source_type", ""),
        "source": logged.get("source", ""),
    }
    for optional in ("schema", "profile"):
        if logged.get(optional):
            dataset[optional] = logged[optional]
    return {"tags": tags, "dataset": dataset}


def metric_json(name: str, point: MetricPoint) -> dict[str, Any]:
    return {"key": name, "value": metric_value_out(point.value), "timestamp": millis(point.timestamp), "step": point.step}

"""MLflow logged models (`/logged-models`): an ARTIFACT the run PRODUCED (services/artifacts.py), its
MLflow fields kept as the entity's properties."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request

from ...domain.entities import Entity
from ...domain.principals import Principal
from ...services.container import Services
from .tracking import experiment_entity, run_id_of
from .wire import DEFAULT_EXPERIMENT_ID, KeyValue, Wire, endpoint, experiment_id, millis, read

PENDING, READY = "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY"
STATUSES = frozenset({PENDING, READY, "LOGGED_MODEL_UPLOAD_FAILED"})


class CreateLoggedModel(Wire):
    experiment_id: str = DEFAULT_EXPERIMENT_ID
    name: str | None = None
    model_type: str | None = None
    source_run_id: str | None = None
    params: list[KeyValue] = Field(default_factory=list)
    tags: list[KeyValue] = Field(default_factory=list)


class FinalizeLoggedModel(Wire):
    status: str = READY


class SetTags(Wire):
    tags: list[KeyValue] = Field(default_factory=list)


class LogParams(Wire):
    params: list[KeyValue] = Field(default_factory=list)


class SearchLoggedModels(Wire):
    experiment_ids: list[str] = Field(default_factory=list)
    max_results: int = 100


def model_json(entity: Entity) -> dict[str, Any]:
    p = entity.properties
    return {
        "info": {
            "model_id": p["model_id"],
            "experiment_id": p.get("experiment_id", DEFAULT_EXPERIMENT_ID),
            "name": p.get("name") or entity.name,
            "artifact_uri": p["artifact_location"],
            "creation_timestamp_ms": millis(entity.created_at),
            "last_updated_timestamp_ms": millis(entity.updated_at),
            "model_type": p.get("model_type") or "",
            "source_run_id": p.get("source_run_id") or "",
            "status": p.get("status", PENDING),
            "tags": [{"key": k, "value": v} for k, v in sorted((p.get("tags") or {}).items())],
        },
        "data": {"params": [{"key": k, "value": v} for k, v in sorted((p.get("params") or {}).items())], "metrics": []},
    }


@endpoint
async def create_logged_model(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, CreateLoggedModel)
    experiment = await experiment_entity(services, principal, message.experiment_id)
    wire_experiment = experiment_id(experiment) if experiment else DEFAULT_EXPERIMENT_ID
    run_id = run_id_of(message.source_run_id) if message.source_run_id else None
    properties = {
        "name": message.name or "model",
        "model_type": message.model_type,
        "source_run_id": run_id,
        "experiment_id": wire_experiment,
        "status": PENDING,
        "params": {p.key: p.value for p in message.params},
        "tags": {t.key: t.value for t in message.tags},
    }
    location = f"mlflow-artifacts:/{wire_experiment}/models/{{model_id}}/artifacts"
    entity = await services.artifacts.create_logged_model(principal, run_id, properties, location)
    return {"model": model_json(entity)}


@endpoint
async def get_logged_model(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    entity = await services.artifacts.logged_model(principal, request.path_params["model_id"])
    return {"model": model_json(entity)}


@endpoint
async def finalize_logged_model(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, FinalizeLoggedModel)
    status = message.status if message.status in STATUSES else READY
    entity = await services.artifacts.update_logged_model(principal, request.path_params["model_id"], {"status": status})
    return {"model": model_json(entity)}


@endpoint
async def set_logged_model_tags(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    return await _merge(request, services, principal, SetTags, "tags")


@endpoint
async def log_logged_model_params(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    return await _merge(request, services, principal, LogParams, "params")


async def _merge(request: Request, services: Services, principal: Principal, message_type: type, field: str) -> dict[str, Any]:
    """Adds the message's key/values to the logged model's `field` (tags or params)."""
    message = await read(request, message_type)
    model_id = request.path_params["model_id"]
    current = await services.artifacts.logged_model(principal, model_id)
    merged = {**(current.properties.get(field) or {}), **{kv.key: kv.value for kv in getattr(message, field)}}
    await services.artifacts.update_logged_model(principal, model_id, {field: merged})
    return {}


@endpoint
async def search_logged_models(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, SearchLoggedModels)
    ids = []
    for wire_id in message.experiment_ids:
        experiment = await experiment_entity(services, principal, wire_id, "experiment_ids")
        ids += [experiment.id] if experiment else []
    found = await services.artifacts.logged_models(principal, ids, min(max(message.max_results, 1), 1000))
    return {"models": [model_json(e) for e in found]}

"""MLflow model registry routes: registered models are MODELs (name = qualifiedName), model versions
are MODEL_VERSIONs (the same numbering), READY when created. Moving an alias follows provgraph's
promotion rule (services/registry.py): when restricted data lies upstream of the version the call
opens (or finds) the promotion request and answers PERMISSION_DENIED naming it; once a reviewer
approves it, `models:/<name>@<alias>` resolves."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request

from ...domain.errors import BadInput, Forbidden, NotFound
from ...domain.principals import Principal
from ...domain.registry import Model, ModelVersion, Promotion
from ...domain.registry_search import SearchKind
from ...services.container import Services
from .filters import registry_query
from .tracking import run_id_of
from .wire import KeyValue, Wire, decode_token, endpoint, millis, next_token, read

class ModelName(Wire):
    name: str


class CreateModel(Wire):
    name: str
    description: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class SearchModels(Wire):
    filter: str | None = None
    max_results: int = 100
    order_by: list[str] = Field(default_factory=list)
    page_token: str | None = None


class CreateVersion(Wire):
    name: str
    source: str | None = None
    run_id: str | None = None
    description: str | None = None
    model_id: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class VersionRef(Wire):
    name: str
    version: str


class AliasRef(Wire):
    name: str
    alias: str


class SetAlias(AliasRef):
    version: str


class SearchVersions(Wire):
    filter: str | None = None
    max_results: int = 1000
    order_by: list[str] = Field(default_factory=list)
    page_token: str | None = None


def version_json(model_name: str, v: ModelVersion) -> dict[str, Any]:
    mlflow = v.entity.properties.get("mlflow") or {}
    body = {
        "name": model_name,
        "version": str(v.version),
        "creation_timestamp": millis(v.entity.created_at),
        "last_updated_timestamp": millis(v.entity.updated_at),
        "user_id": v.entity.owners[0] if v.entity.owners else "",
        "current_stage": "None",
        "description": v.entity.description or "",
        "source": mlflow.get("source", ""),
        "run_id": v.run_id or "",
        "status": "READY",
        "aliases": v.aliases,
        "tags": [],
    }
    if mlflow.get("model_id"):
        body["model_id"] = mlflow["model_id"]
    return body


def model_json(model: Model, latest: list[ModelVersion] = ()) -> dict[str, Any]:
    return {
        "name": model.entity.qualified_name,
        "creation_timestamp": millis(model.entity.created_at),
        "last_updated_timestamp": millis(model.entity.updated_at),
        "description": model.entity.description or "",
        "user_id": model.entity.owners[0] if model.entity.owners else "",
        "aliases": [{"alias": a.alias, "version": str(a.version)} for a in model.aliases],
        "latest_versions": [version_json(model.entity.qualified_name, v) for v in latest],
        "tags": [],
    }


async def model_named(services: Services, principal: Principal, name: str) -> Model:
    model = await services.registry.get_model(principal, name=name)
    if model is None:
        raise NotFound(f"name: no registered model named {name!r}", field="name")
    return model


async def version_of(services: Services, principal: Principal, name: str, version: str) -> ModelVersion:
    model = await model_named(services, principal, name)
    if not version.strip().isdigit():
        raise BadInput(f"version: {version!r} is not a version number", field="version")
    return await services.registry.version_number(principal, model.id, int(version))


def _model_id_in(source: str) -> str | None:
    """The logged model a `models:/m-...` source names (None for any other source)."""
    return source.removeprefix("models:/") if source.startswith("models:/m-") else None


@endpoint
async def create_model(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, CreateModel)
    model = await services.registry.create_model(principal, message.name, message.description)
    return {"registered_model": model_json(model)}


@endpoint
async def get_model(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, ModelName)
    model = await model_named(services, principal, message.name)
    latest = await services.registry.model_versions(principal, model.id, 1)
    return {"registered_model": model_json(model, latest)}


@endpoint
async def search_models(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, SearchModels)
    query = registry_query(SearchKind.MODEL, message.filter, message.order_by, message.max_results, message.page_token, 1000)
    page = await services.registry.search_models(principal, query)
    offset = query.offset
    return {"registered_models": [model_json(m) for m in page.items], **next_token(offset, len(page.items), page.total)}


@endpoint
async def latest_versions(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, ModelName)
    model = await model_named(services, principal, message.name)
    latest = await services.registry.model_versions(principal, model.id, 1)
    return {"model_versions": [version_json(model.entity.qualified_name, v) for v in latest]}


@endpoint
async def create_version(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, CreateVersion)
    run_id = run_id_of(message.run_id) if message.run_id else None
    model_id = message.model_id or _model_id_in(message.source or "")
    if model_id and run_id is None:  # models:/<model id>: the version comes from the run that logged it
        logged = await services.artifacts.logged_model(principal, model_id)
        run_id = logged.properties.get("source_run_id") or None
    mlflow = {k: v for k, v in {"source": message.source, "model_id": model_id}.items() if v}
    version = await services.registry.create_model_version(
        principal, message.name, run_id, message.description, {"mlflow": mlflow} if mlflow else None
    )
    return {"model_version": version_json(message.name.strip(), version)}


@endpoint
async def get_version(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, VersionRef)
    return {"model_version": version_json(message.name, await version_of(services, principal, message.name, message.version))}


@endpoint
async def download_uri(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, VersionRef)
    version = await version_of(services, principal, message.name, message.version)
    mlflow = version.entity.properties.get("mlflow") or {}
    source = mlflow.get("source", "")
    model_id = mlflow.get("model_id") or _model_id_in(source)
    if model_id:
        logged = await services.artifacts.logged_model(principal, model_id)
        source = logged.properties["artifact_location"]
    return {"artifact_uri": source}


@endpoint
async def search_versions(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, SearchVersions)
    query = registry_query(SearchKind.VERSION, message.filter, message.order_by, message.max_results, message.page_token, 1000)
    page = await services.registry.search_versions(principal, query)
    versions = [version_json(name, v) for name, v in page.items]
    return {"model_versions": versions, **next_token(query.offset, len(page.items), page.total)}



@endpoint
async def set_alias(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, SetAlias)
    version = await version_of(services, principal, message.name, message.version)
    outcome = await services.registry.move_alias(principal, version.model_id, version.id, message.alias)
    if isinstance(outcome, Promotion):
        raise Forbidden(
            f"alias: version {message.version} of {message.name!r} has restricted data upstream "
            f"({', '.join(outcome.restricted_upstream)}), so a governance reviewer moves {message.alias!r}: "
            f"promotion request {outcome.id} is pending; once it is approved, models:/{message.name}@{message.alias} resolves",
            field="alias",
        )
    return {}


@endpoint
async def get_alias(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, AliasRef)
    model = await model_named(services, principal, message.name)
    version = await services.registry.version_by_alias(principal, model.id, message.alias)
    if version is None:
        raise NotFound(f"alias: {message.name!r} has no alias {message.alias!r}", field="alias")
    return {"model_version": version_json(message.name, version)}


@endpoint
async def delete_alias(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, AliasRef)
    model = await model_named(services, principal, message.name)
    await services.registry.remove_alias(principal, model.id, message.alias)
    return {}

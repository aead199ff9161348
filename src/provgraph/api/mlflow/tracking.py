"""MLflow tracking routes: experiments, runs (create, update, get, log-*, search), metric history.

Mapping (README, "MLflow"): an experiment is an EXPERIMENT whose MLflow name is its qualifiedName
(experiment "0" is the one named "Default"); a run is a RUN with the same id; params are STRING
parameters kept exactly as sent; `mlflow.runName` and `mlflow.source.git.*` tags also set the run's
name and code version; log-inputs datasets are DATASETs (qualifiedName: the source URI) and their
digests DatasetVersions, INPUT_TO the run.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field
from typing_extensions import NotRequired, TypedDict
from starlette.requests import Request

from ...domain.entities import EntityRef, EntityType, check_id
from ...domain.errors import BadInput, NotFound
from ...domain.principals import Principal
from ...domain.registry_search import SearchKind
from ...domain.run_search import MAX_SEARCH_RESULTS, RunSearch
from ...domain.runs import CodeVersion, DatasetInput, RunStart, RunStatus
from ...services.artifacts import logged_model_name
from ...services.container import Services
from .filters import parse_filter, parse_order_by, registry_query
from .wire import (
    DEFAULT_EXPERIMENT,
    DEFAULT_EXPERIMENT_ID,
    KeyValue,
    Wire,
    decode_token,
    endpoint,
    experiment_json,
    from_millis,
    metric_json,
    next_token,
    read,
    run_info,
    run_json,
)

GIT_TAGS = {"mlflow.source.git.commit": "commit", "mlflow.source.git.branch": "branch", "mlflow.source.git.repoURL": "repo_url"}
MAX_EXPERIMENTS_PAGE = 100


# -- experiments ------------------------------------------------------------------------------------


class ExperimentByName(Wire):
    experiment_name: str


class ExperimentById(Wire):
    experiment_id: str


class CreateExperiment(Wire):
    name: str
    artifact_location: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class SearchExperiments(Wire):
    max_results: int = 1000
    page_token: str | None = None
    filter: str | None = None
    order_by: list[str] = Field(default_factory=list)


async def experiment_entity(services: Services, principal: Principal, wire_id: str, field: str = "experiment_id"):
    """The EXPERIMENT behind an MLflow experiment id; "0" is the one named Default (None until used)."""
    if wire_id == DEFAULT_EXPERIMENT_ID:
        return await services.entities.get_by_name(principal, EntityType.EXPERIMENT, DEFAULT_EXPERIMENT)
    entity = await services.entities.find(principal, _entity_id(wire_id, field))
    if entity is None or entity.type is not EntityType.EXPERIMENT:
        raise NotFound(f"{field}: no experiment with id {wire_id!r}", field=field)
    return entity


def _entity_id(wire_id: str, field: str) -> str:
    try:
        return check_id(wire_id, field)
    except BadInput:
        raise NotFound(f"{field}: no experiment with id {wire_id!r}", field=field) from None


def default_experiment_json() -> dict[str, Any]:
    """Experiment "0" before any run used it: shown, so a plain start_run() finds it."""
    return {"experiment_id": DEFAULT_EXPERIMENT_ID, "name": DEFAULT_EXPERIMENT, "lifecycle_stage": "active",
            "artifact_location": "mlflow-artifacts:/0", "tags": []}


@endpoint
async def get_experiment_by_name(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, ExperimentByName)
    entity = await services.entities.get_by_name(principal, EntityType.EXPERIMENT, message.experiment_name)
    if entity is None:
        if message.experiment_name == DEFAULT_EXPERIMENT:
            return {"experiment": default_experiment_json()}
        raise NotFound(f"experiment_name: no experiment named {message.experiment_name!r}", field="experiment_name")
    return {"experiment": experiment_json(entity)}


@endpoint
async def get_experiment(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, ExperimentById)
    entity = await experiment_entity(services, principal, message.experiment_id)
    return {"experiment": experiment_json(entity) if entity else default_experiment_json()}


@endpoint
async def create_experiment(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, CreateExperiment)
    experiment_id = await services.runs.create_experiment(principal, message.name)
    return {"experiment_id": DEFAULT_EXPERIMENT_ID if message.name.strip() == DEFAULT_EXPERIMENT else experiment_id}


@endpoint
async def search_experiments(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, SearchExperiments)
    query = registry_query(
        SearchKind.EXPERIMENT, message.filter, message.order_by, message.max_results, message.page_token, MAX_EXPERIMENTS_PAGE
    )
    page = await services.runs.search_experiments(principal, query)
    return {"experiments": [experiment_json(e) for e in page.items], **next_token(query.offset, len(page.items), page.total)}


# -- runs -------------------------------------------------------------------------------------------


class CreateRun(Wire):
    experiment_id: str = DEFAULT_EXPERIMENT_ID
    user_id: str | None = None
    start_time: int | None = None
    run_name: str | None = None
    tags: list[KeyValue] = Field(default_factory=list)


class RunRef(Wire):
    run_id: str | None = None
    run_uuid: str | None = None

    @property
    def id(self) -> str:
        return run_id_of(self.run_id or self.run_uuid)


class UpdateRun(RunRef):
    status: RunStatus | None = None
    end_time: int | None = None
    run_name: str | None = None


MetricValue = Annotated[float | str, Field(union_mode="left_to_right")]  # a number, or "NaN" / "Infinity"


class MetricPointIn(TypedDict):
    """One point of a log-batch: a TypedDict, not a model, since a batch carries a thousand of them and
    validating into dicts costs a fraction of building model instances (bench/mlflow_metrics.py)."""

    key: str
    value: MetricValue
    timestamp: int
    step: NotRequired[int]


class LogMetric(RunRef):
    key: str
    value: MetricValue
    timestamp: int
    step: int = 0


class LogParam(RunRef, KeyValue):
    pass


class SetTag(RunRef, KeyValue):
    pass


class LogBatch(RunRef):
    metrics: list[MetricPointIn] = Field(default_factory=list)
    params: list[KeyValue] = Field(default_factory=list)
    tags: list[KeyValue] = Field(default_factory=list)


class DatasetIn(Wire):
    name: str
    digest: str | None = None
    source_type: str | None = None
    source: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    profile: str | None = None


class DatasetInputIn(Wire):
    tags: list[KeyValue] = Field(default_factory=list)
    dataset: DatasetIn


class ModelRef(Wire):
    model_id: str


class LogInputs(RunRef):
    datasets: list[DatasetInputIn] = Field(default_factory=list)
    models: list[ModelRef] = Field(default_factory=list)


class LogOutputs(RunRef):
    models: list[ModelRef] = Field(default_factory=list)


class SearchRuns(Wire):
    experiment_ids: list[str] = Field(default_factory=list)
    filter: str | None = None
    run_view_type: str | None = None
    max_results: int = 1000
    order_by: list[str] = Field(default_factory=list)
    page_token: str | None = None


class MetricHistory(RunRef):
    metric_key: str
    max_results: int | None = None
    page_token: str | None = None


def run_id_of(value: str | None) -> str:
    if not value:
        raise BadInput("run_id: give the run's id", field="run_id")
    try:
        return check_id(value, "run_id")
    except BadInput:
        raise NotFound(f"run_id: no run with id {value!r}", field="run_id") from None


def identity(tags: dict[str, str]) -> tuple[str | None, CodeVersion | None]:
    """What `mlflow.*` tags say about the run: its name and code version (None: nothing)."""
    code = {field: tags[tag] for tag, field in GIT_TAGS.items() if tags.get(tag)}
    return tags.get("mlflow.runName"), CodeVersion(**code) if code else None


async def wire_experiment_id(services: Services, principal: Principal, experiment_id: str | None) -> str:
    if experiment_id is None:
        return DEFAULT_EXPERIMENT_ID
    entity = await services.entities.find(principal, experiment_id)
    return DEFAULT_EXPERIMENT_ID if entity is not None and entity.qualified_name == DEFAULT_EXPERIMENT else experiment_id


@endpoint
async def create_run(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, CreateRun)
    entity = await experiment_entity(services, principal, message.experiment_id)
    tags = {t.key: t.value for t in message.tags}
    name, code = identity(tags)
    run = await services.runs.start_run(
        principal,
        RunStart(
            experiment=entity.qualified_name if entity else DEFAULT_EXPERIMENT,
            name=message.run_name or name,
            tags=tags,
            code=code or CodeVersion(),
            started_at=from_millis(message.start_time),
        ),
    )
    return {"run": run_json(run, await wire_experiment_id(services, principal, run.experiment_id))}


@endpoint
async def update_run(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, UpdateRun)
    run_id = message.id
    if message.status is RunStatus.RUNNING:  # reopen first, so a rename of an ended run can follow
        await services.runs.reopen_run(principal, run_id)
    if message.run_name:
        await services.runs.log_batch(principal, run_id, [], {}, {"mlflow.runName": message.run_name}, name=message.run_name)
    if message.status is not None and message.status is not RunStatus.RUNNING:
        run = await services.runs.finish_run(principal, run_id, message.status, from_millis(message.end_time))
    else:
        run = await services.runs.get(principal, run_id)
    return {"run_info": run_info(run, await wire_experiment_id(services, principal, run.experiment_id))}


@endpoint
async def get_run(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, RunRef)
    run = await services.runs.get(principal, message.id)
    datasets = await services.runs.dataset_inputs(principal, run)
    return {"run": run_json(run, await wire_experiment_id(services, principal, run.experiment_id), datasets)}


def _points(metrics: list[MetricPointIn]) -> list[dict[str, Any]]:
    """MLflow's point list as provgraph's columnar batches, one per metric key."""
    series: dict[str, dict[str, list[Any]]] = {}
    for m in metrics:
        key = m["key"]
        batch = series.get(key)
        if batch is None:
            batch = series[key] = {"name": key, "values": [], "steps": [], "epochMillis": []}
        batch["values"].append(m["value"])
        batch["steps"].append(m.get("step", 0))
        batch["epochMillis"].append(m["timestamp"])
    return list(series.values())


async def _log(services: Services, principal: Principal, run_id: str, metrics=(), params=(), tags=()) -> dict[str, Any]:
    tag_map = {t.key: t.value for t in tags}
    name, code = identity(tag_map)
    await services.runs.log_batch(
        principal, run_id, _points(list(metrics)), {p.key: p.value for p in params}, tag_map, name=name, code=code
    )
    return {}


@endpoint
async def log_metric(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, LogMetric)
    point = MetricPointIn(key=message.key, value=message.value, timestamp=message.timestamp, step=message.step)
    return await _log(services, principal, message.id, metrics=[point])


@endpoint
async def log_param(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, LogParam)
    return await _log(services, principal, message.id, params=[message])


@endpoint
async def set_tag(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, SetTag)
    return await _log(services, principal, message.id, tags=[message])


@endpoint
async def log_batch(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, LogBatch)
    return await _log(services, principal, message.id, message.metrics, message.params, message.tags)


def dataset_source(dataset: DatasetIn) -> str | None:
    """The URI an MLflow dataset came from (its `source` JSON: uri, url or path), None for in-memory
    data (source_type code, or no location)."""
    if dataset.source_type == "code" or not dataset.source:
        return None
    try:
        source = json.loads(dataset.source)
    except ValueError:
        return dataset.source.strip() or None
    if isinstance(source, dict):
        for key in ("uri", "url", "path", "table_name", "delta_table_name"):
            if isinstance(source.get(key), str) and source[key].strip():
                return source[key].strip()
        return None
    return source.strip() if isinstance(source, str) and source.strip() else None


@endpoint
async def log_inputs(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, LogInputs)
    datasets = [
        DatasetInput(
            name=d.dataset.name,
            source=dataset_source(d.dataset),
            digest=d.dataset.digest or None,
            context=next((t.value for t in d.tags if t.key == "mlflow.data.context"), None),
            properties={k: v for k, v in {"source_type": d.dataset.source_type, "source": d.dataset.source,
                                          "schema": d.dataset.schema_, "profile": d.dataset.profile}.items() if v},
        )
        for d in message.datasets
    ]
    if datasets:
        await services.runs.log_datasets(principal, message.id, datasets)
    if message.models:
        await services.runs.log_inputs(principal, message.id, await _logged_models(services, principal, message.models))
    return {}


@endpoint
async def log_outputs(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, LogOutputs)
    if message.models:
        await services.runs.log_outputs(principal, message.id, await _logged_models(services, principal, message.models))
    return {}


async def _logged_models(services: Services, principal: Principal, models: list[ModelRef]) -> list[EntityRef]:
    """References to existing logged models (a missing or hidden one is NOT_FOUND, never created)."""
    for model in models:
        await services.artifacts.logged_model(principal, model.model_id)
    return [EntityRef(type=EntityType.ARTIFACT, qualified_name=logged_model_name(m.model_id)) for m in models]


@endpoint
async def search_runs(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, SearchRuns)
    if message.max_results > MAX_SEARCH_RESULTS:
        raise BadInput(f"max_results: at most {MAX_SEARCH_RESULTS}, got {message.max_results}", field="max_results")
    ids = []
    for wire_id in message.experiment_ids:
        if wire_id == DEFAULT_EXPERIMENT_ID:
            entity = await services.entities.get_by_name(principal, EntityType.EXPERIMENT, DEFAULT_EXPERIMENT)
            ids += [entity.id] if entity else []
        else:
            ids.append(_entity_id(wire_id, "experiment_ids"))
    offset = decode_token(message.page_token)
    query = RunSearch(
        experiment_ids=ids,
        conditions=parse_filter(message.filter),
        order=parse_order_by(message.order_by),
        max_results=message.max_results,
        offset=offset,
    )
    page = await services.runs.search(principal, query)
    wire_ids = {i: await wire_experiment_id(services, principal, i) for i in {r.experiment_id for r in page.items}}
    return {
        "runs": [run_json(r, wire_ids[r.experiment_id]) for r in page.items],
        **next_token(offset, len(page.items), page.total),
    }


@endpoint
async def metric_history(request: Request, services: Services, principal: Principal) -> dict[str, Any]:
    message = await read(request, MetricHistory)
    offset = decode_token(message.page_token)
    limit = min(message.max_results or 100_000, 100_000)
    points = await services.runs.metric_points(principal, message.id, message.metric_key, min(offset + limit, 100_000))
    shown = points[offset : offset + limit]
    more = {} if len(points) < offset + limit or not shown else next_token(offset, len(shown), offset + len(shown) + 1)
    return {"metrics": [metric_json(message.metric_key, p) for p in shown], **more}

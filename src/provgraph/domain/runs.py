"""Training runs (the MLflow/MLMD part of the model): a Run in an Experiment with typed parameters,
tags, metric series, status, code version, environment and hardware.

A Run is an ordinary `:Entity:Run` (so lineage, classification and search see it); what only runs have
lives next to it: its own node properties (status, times, code, environment, hardware) and small nodes
it points at (`:RunParam`, `:RunTag`, metric series). Its inputs are `INPUT_TO` edges and what it
produced are `PRODUCED` edges, like any process.

Rules:
- A parameter is set once: the same name with the same typed value again is a no-op (retries are safe),
  with another value or type it is CONFLICT naming both values.
- Logging anything to a run that has ended (FINISHED, FAILED, KILLED) is CONFLICT: the request is
  well-formed, the run's state forbids it ("the record of an ended run is closed").
- An ended run may be reopened (back to RUNNING) by whoever may write it, explicitly: GraphQL
  `reopenRun`, MLflow `runs/update status=RUNNING` (what the client's `log_model` sends). Reopening is
  audited and is a step of the run's status history, which keeps every start, end and reopening.
- Ending a run is idempotent for the same status; a different status is CONFLICT.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from .entities import Entity
from .errors import BadInput, LimitExceeded
from .metrics import Comparison, MetricAggregate, MetricSummary

MAX_PARAMS_PER_CALL = 1_000
MAX_TAGS_PER_CALL = 1_000
MAX_PARAM_STRING = 8 * 1024
MAX_TAG_VALUE = 8 * 1024
MAX_PACKAGES = 20_000
MAX_COMPARE = 100
_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:/@ -]{0,254}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RunStatus(Enum):
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"


ENDED = frozenset({RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED})


class ParamType(Enum):
    INT = "INT"
    FLOAT = "FLOAT"
    BOOL = "BOOL"
    STRING = "STRING"


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    value: int | float | bool | str


def check_key(name: Any, field: str, what: str = "name") -> str:
    if not isinstance(name, str) or not _KEY.match(name):
        raise BadInput(
            f"{field}: {name!r} is not a valid {what} (1-255 letters, digits, '_', '.', ':', '/', '@', '-' or spaces)",
            field=field,
        )
    return name


def typed_param(name: str, value: Any, field: str) -> Param:
    """A JSON scalar to a typed parameter. Objects, lists and null are BAD_INPUT (flatten them:
    `optimizer.lr`); a JSON number with a fraction or exponent is FLOAT, one without is INT."""
    if isinstance(value, bool):
        return Param(name, ParamType.BOOL, value)
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise BadInput(f"{field}: {value} does not fit a 64-bit integer", field=field)
        return Param(name, ParamType.INT, value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise BadInput(f"{field}: a parameter must be a finite number (log NaN/Infinity as a metric)", field=field)
        return Param(name, ParamType.FLOAT, value)
    if isinstance(value, str):
        if len(value) > MAX_PARAM_STRING:
            raise BadInput(f"{field}: at most {MAX_PARAM_STRING} characters", field=field)
        return Param(name, ParamType.STRING, value)
    kind = "null" if value is None else type(value).__name__
    raise BadInput(
        f"{field}: a parameter value is a number, boolean or string, not {kind} (flatten nested values: 'optimizer.lr')",
        field=field,
    )


def parse_params(params: Any, where: str = "params") -> list[Param]:
    if not isinstance(params, dict):
        raise BadInput(f"{where}: must be a JSON object of name -> value", field=where)
    if len(params) > MAX_PARAMS_PER_CALL:
        raise LimitExceeded(f"{where}: at most {MAX_PARAMS_PER_CALL} parameters per call, got {len(params)}", field=where)
    return [typed_param(check_key(k, f"{where}.{k}"), v, f"{where}.{k}") for k, v in params.items()]


def parse_tags(tags: Any, where: str = "tags") -> dict[str, str]:
    """Tags are string -> string and may be overwritten (unlike parameters)."""
    if tags is None:
        return {}
    if not isinstance(tags, dict):
        raise BadInput(f"{where}: must be a JSON object of name -> string", field=where)
    if len(tags) > MAX_TAGS_PER_CALL:
        raise LimitExceeded(f"{where}: at most {MAX_TAGS_PER_CALL} tags per call, got {len(tags)}", field=where)
    for key, value in tags.items():
        check_key(key, f"{where}.{key}", "tag name")
        if not isinstance(value, str) or len(value) > MAX_TAG_VALUE:
            raise BadInput(f"{where}.{key}: a tag value is a string of at most {MAX_TAG_VALUE} characters", field=f"{where}.{key}")
    return dict(tags)


def packages_digest(packages: list[str]) -> str:
    """The SHA-256 of the sorted package list, one `name==version` per line: equal environments have
    equal digests whatever order the packages were listed in."""
    return hashlib.sha256("\n".join(sorted(packages)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CodeVersion:
    commit: str | None = None
    repo_url: str | None = None
    branch: str | None = None
    dirty: bool | None = None


@dataclass(frozen=True)
class Environment:
    python_version: str | None = None
    os: str | None = None
    packages: list[str] = field(default_factory=list)
    packages_digest: str | None = None


@dataclass(frozen=True)
class Hardware:
    cpu_count: int | None = None
    memory_bytes: int | None = None
    gpus: list[str] = field(default_factory=list)
    peak_memory_bytes: int | None = None
    peak_gpu_memory_bytes: int | None = None


def check_environment(env: Environment, where: str = "input.environment") -> Environment:
    """The package digest is computed here when not given, and must match the list when both are."""
    if len(env.packages) > MAX_PACKAGES:
        raise LimitExceeded(f"{where}.packages: at most {MAX_PACKAGES} packages", field=f"{where}.packages")
    digest = packages_digest(env.packages) if env.packages else None
    if env.packages_digest is not None:
        if not _SHA256.match(env.packages_digest):
            raise BadInput(f"{where}.packagesDigest: not a lower-case hex SHA-256", field=f"{where}.packagesDigest")
        if digest is not None and digest != env.packages_digest:
            raise BadInput(
                f"{where}.packagesDigest: {env.packages_digest} is not the digest of the listed packages ({digest}); "
                "it is the SHA-256 of the sorted list joined by newlines",
                field=f"{where}.packagesDigest",
            )
        digest = env.packages_digest
    return Environment(env.python_version, env.os, sorted(set(env.packages)), digest)


def check_hardware(hw: Hardware, where: str = "input.hardware") -> Hardware:
    for name in ("cpu_count", "memory_bytes", "peak_memory_bytes", "peak_gpu_memory_bytes"):
        value = getattr(hw, name)
        if value is not None and value < 0:
            camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
            raise BadInput(f"{where}.{camel}: must not be negative", field=f"{where}.{camel}")
    return hw


@dataclass(frozen=True)
class RunStart:
    experiment: str  # the experiment's qualifiedName (created when missing)
    name: str | None = None
    qualified_name: str | None = None  # default: <experiment>/runs/<new id>
    tags: dict[str, str] = field(default_factory=dict)
    code: CodeVersion = field(default_factory=CodeVersion)
    environment: Environment = field(default_factory=Environment)
    hardware: Hardware = field(default_factory=Hardware)
    started_at: datetime | None = None
    owners: list[str] | None = None


@dataclass(frozen=True)
class StatusChange:
    """One step of a run's status history: started (RUNNING), ended, or reopened (RUNNING again)."""

    status: RunStatus
    at: datetime
    by: str
    reason: str


@dataclass(frozen=True)
class Run:
    """A run as the API shows it."""

    entity: Entity
    experiment_id: str | None
    status: RunStatus | None
    started_at: datetime | None
    ended_at: datetime | None
    code: CodeVersion
    environment: Environment
    hardware: Hardware
    params: list[Param]
    tags: dict[str, str]
    metrics: list[MetricSummary]
    input_ids: list[str]
    output_ids: list[str]
    classification_names: tuple[str, ...] = ()
    status_history: list[StatusChange] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.entity.id


# -- querying runs -----------------------------------------------------------------------------------


class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True)
class RunFilter:
    """One condition: on a parameter (`param`), or on a metric's last/min/max (`metric`)."""

    comparison: Comparison
    value: Any
    param: str | None = None
    metric: str | None = None
    aggregate: MetricAggregate = MetricAggregate.LAST


@dataclass(frozen=True)
class RunOrder:
    """Sort by a parameter's value, a metric's last/min/max, or (neither) the start time."""

    direction: SortDirection = SortDirection.DESC
    param: str | None = None
    metric: str | None = None
    aggregate: MetricAggregate = MetricAggregate.LAST


def check_filter(f: RunFilter, field: str) -> RunFilter:
    if (f.param is None) == (f.metric is None):
        raise BadInput(f"{field}: give exactly one of param or metric", field=field)
    if f.param is not None:
        check_key(f.param, f"{field}.param")
        typed_param(f.param, f.value, f"{field}.value")
    else:
        check_key(f.metric, f"{field}.metric", "metric name")
        if isinstance(f.value, bool) or not isinstance(f.value, (int, float)):
            raise BadInput(f"{field}.value: a metric is compared with a number, not {f.value!r}", field=f"{field}.value")
    return f


def check_order(order: RunOrder, field: str = "orderBy") -> RunOrder:
    if order.param is not None and order.metric is not None:
        raise BadInput(f"{field}: give param or metric, not both", field=field)
    if order.param is not None:
        check_key(order.param, f"{field}.param")
    if order.metric is not None:
        check_key(order.metric, f"{field}.metric", "metric name")
    return order


@dataclass(frozen=True)
class RunComparison:
    """Runs side by side: for each parameter and metric name, one value per run (None where absent)."""

    runs: list[Run]
    params: list[tuple[str, list[Any]]]
    metrics: list[tuple[str, list[MetricSummary | None]]]


MAX_DATASETS_PER_CALL = 100


@dataclass(frozen=True)
class DatasetInput:
    """A dataset a run read, as MLflow's log_inputs describes it. `source` is the URI it came from (the
    DATASET's qualifiedName); None for in-memory data, named under the run. `digest` names the
    DatasetVersion read; `context` (train, eval...) is kept on the INPUT_TO edge."""

    name: str
    source: str | None
    digest: str | None = None
    context: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)

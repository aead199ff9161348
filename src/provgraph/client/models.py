"""Typed answers: pydantic models of the GraphQL types the client reads (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

MetricValue = float | str  # a number, or "NaN" / "Infinity" / "-Infinity"


class _Wire(BaseModel):
    # model_id / model_version_id are field names here, not pydantic's model_* namespace.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", protected_namespaces=())


class Entity(_Wire):
    id: str
    type: str
    qualified_name: str
    name: str
    owners: list[str] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)


class Param(_Wire):
    name: str
    type: str
    value: Any


class MetricSeries(_Wire):
    name: str
    last: MetricValue | None = None
    last_step: int | None = None
    min: MetricValue | None = None
    max: MetricValue | None = None
    count: int = 0


class MetricPoint(_Wire):
    step: int
    value: MetricValue
    timestamp: datetime


class CodeVersion(_Wire):
    commit: str | None = None
    repo_url: str | None = None
    branch: str | None = None
    dirty: bool | None = None


class RunEnvironment(_Wire):
    python_version: str | None = None
    os: str | None = None
    packages_digest: str | None = None
    packages: list[str] = Field(default_factory=list)


class Hardware(_Wire):
    cpu_count: int | None = None
    memory_bytes: int | None = None
    gpus: list[str] = Field(default_factory=list)
    peak_memory_bytes: int | None = None


class Tag(_Wire):
    name: str
    value: str


class Run(_Wire):
    id: str
    name: str
    status: str | None = None
    experiment_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    code: CodeVersion = Field(default_factory=CodeVersion)
    environment: RunEnvironment = Field(default_factory=RunEnvironment)
    hardware: Hardware = Field(default_factory=Hardware)
    params: list[Param] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    metrics: list[MetricSeries] = Field(default_factory=list)
    input_ids: list[str] = Field(default_factory=list)
    output_ids: list[str] = Field(default_factory=list)

    def param(self, name: str) -> Any:
        return next((p.value for p in self.params if p.name == name), None)

    def metric(self, name: str) -> MetricSeries | None:
        return next((m for m in self.metrics if m.name == name), None)


class RunComparison(_Wire):
    runs: list[Run]
    params: list[dict[str, Any]]
    metrics: list[dict[str, Any]]


class Promotion(_Wire):
    id: str
    model_id: str
    version_id: str
    alias: str
    status: str
    requested_by: str
    requested_at: datetime
    comment: str | None = None
    restricted_upstream: list[str] = Field(default_factory=list)
    needs_governance: bool = False
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_comment: str | None = None


class ModelVersion(_Wire):
    id: str
    version: int | None = None
    model_id: str | None = None
    run_id: str | None = None
    aliases: list[str] = Field(default_factory=list)
    entity: Entity
    promotions: list[Promotion] = Field(default_factory=list)


class AliasAssignment(_Wire):
    alias: str
    model_id: str
    version_id: str
    version: int | None = None
    assigned_at: datetime
    assigned_by: str
    removed_at: datetime | None = None
    promotion_id: str | None = None


class DeploymentEvent(_Wire):
    seq: int
    kind: str
    at: datetime
    principal: str
    version_id: str | None = None
    previous_version_id: str | None = None
    traffic_share: float | None = None
    comment: str | None = None


class Deployment(_Wire):
    id: str
    entity: Entity
    environment: str | None = None
    endpoint: str | None = None
    traffic_share: float | None = None
    status: str | None = None
    live_version_id: str | None = None
    rollback_stack: list[str] = Field(default_factory=list)
    history: list[DeploymentEvent] = Field(default_factory=list)


class LiveDeployment(_Wire):
    model_id: str
    deployment: Entity
    version: Entity
    version_number: int | None = None
    since: datetime
    environment: str | None = None
    endpoint: str | None = None
    traffic_share: float | None = None


class Alert(_Wire):
    id: str
    status: str
    metric: str
    value: MetricValue
    step: int | None = None
    deployment_id: str | None = None
    model_version_id: str | None = None
    webhook_status: str | None = None


class AlertRule(_Wire):
    id: str
    deployment_id: str
    metric: str
    comparison: str
    threshold: float
    window: int
    webhook_url: str | None = None


class MonitoringResult(_Wire):
    series: list[MetricSeries]
    alerts: list[Alert]
    resolved_alert_ids: list[str] = Field(default_factory=list)


class LineageNode(_Wire):
    id: str
    type: str
    distance: int
    restricted: bool
    entity: Entity | None = None


class LineageEdge(_Wire):
    source: str
    target: str
    type: str


class Lineage(_Wire):
    root: str
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool


class TypeCount(_Wire):
    type: str
    count: int


class Impact(_Wire):
    root: str
    total: int
    by_type: list[TypeCount]
    entities: list[LineageNode]
    owners: list[str]
    deployments: list[LineageNode]
    truncated: bool

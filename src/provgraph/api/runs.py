"""GraphQL for runs: start, log (params, metrics, tags, inputs, outputs), finish, read, list, compare.

Metric points are sent columnar (`MetricBatchInput`: one name, lists of values/steps/timestamps), so a
batch of thousands of points is a few lists in the variables, not thousands of input objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from ..domain import metrics as metrics_domain
from ..domain import runs as domain
from ..domain.entities import EntityRef as EntityRefModel
from ..domain.validation import parse
from ..services.metric_series import check_max_points
from ..store.metrics import SeriesPoints
from .context import Info
from .loaders import PointsWanted, points_loader
from .entities import Entity, EntityRefInput
from .pagination import Connection, connection
from .scalars import Long, MetricValue

RunStatus = strawberry.enum(domain.RunStatus, name="RunStatus", description="RUNNING until the run ends.")
ParamType = strawberry.enum(domain.ParamType, name="ParamType")
Comparison = strawberry.enum(metrics_domain.Comparison, name="Comparison", description="<, <=, >, >=, =, <>.")
MetricAggregate = strawberry.enum(
    metrics_domain.MetricAggregate, name="MetricAggregate", description="Which value of a series: its last, min or max."
)
SortDirection = strawberry.enum(domain.SortDirection, name="SortDirection")
DEFAULT_MAX_POINTS = 10_000


# -- types -----------------------------------------------------------------------------------------


@strawberry.type(name="Param", description="A run parameter with its type (INT, FLOAT, BOOL, STRING).")
class Param:
    name: str
    type: ParamType
    value: JSON

    @classmethod
    def of(cls, p: domain.Param) -> "Param":
        return cls(name=p.name, type=p.type, value=p.value)


@strawberry.type(name="Tag")
class Tag:
    name: str
    value: str


@strawberry.type(name="MetricPoint")
class MetricPoint:
    step: int
    value: MetricValue
    timestamp: datetime


@strawberry.type(
    name="MetricSeries",
    description="A metric of a run or deployment: its summary, kept as points arrive, and (on demand) its points.",
)
class MetricSeries:
    name: str
    last: MetricValue | None = strawberry.field(description="The value at the largest step (then latest time).")
    last_step: int | None
    last_timestamp: datetime | None
    min: MetricValue | None = strawberry.field(description="The smallest value, NaN skipped.")
    max: MetricValue | None = strawberry.field(description="The largest value, NaN skipped.")
    count: int
    owner_id: strawberry.Private[str]
    owner_kind: strawberry.Private[str]  # "run" or "deployment"

    @classmethod
    def of(cls, s: metrics_domain.MetricSummary, owner_id: str, owner_kind: str) -> "MetricSeries":
        return cls(
            name=s.name,
            last=s.last,
            last_step=s.last_step,
            last_timestamp=s.last_timestamp,
            min=s.min,
            max=s.max,
            count=s.count,
            owner_id=owner_id,
            owner_kind=owner_kind,
        )

    @strawberry.field(
        description=(
            "The points in step order (then time): the whole series when it has at most maxPoints, otherwise "
            "a downsample made by the server (steps cut into buckets, each keeping its first, smallest and "
            "largest point; the first and last points always kept), at most maxPoints points. maxPoints is "
            f"1 to {metrics_domain.MAX_POINTS_READ:,}. Every series of a request is read in one batch."
        )
    )
    async def points(self, info: Info, max_points: int = DEFAULT_MAX_POINTS) -> list[MetricPoint]:
        found = await self._points(info, max_points)
        return [] if found is None else [MetricPoint(step=p.step, value=p.value, timestamp=p.timestamp) for p in found.points]

    @strawberry.field(description="Whether points(maxPoints:) with this maxPoints answers a downsample, not every point.")
    async def downsampled(self, info: Info, max_points: int = DEFAULT_MAX_POINTS) -> bool:
        found = await self._points(info, max_points)
        return found is not None and found.downsampled

    async def _points(self, info: Info, max_points: int) -> SeriesPoints | None:
        check_max_points(max_points)  # before batching, so the error is this field's alone
        return await points_loader(info).load(PointsWanted(self.owner_kind, self.owner_id, self.name, max_points))


@strawberry.type(name="CodeVersion")
class CodeVersion:
    commit: str | None
    repo_url: str | None
    branch: str | None
    dirty: bool | None


@strawberry.type(name="RunEnvironment")
class RunEnvironment:
    python_version: str | None
    os: str | None
    packages_digest: str | None = strawberry.field(
        description="SHA-256 of the sorted package list joined by newlines: equal environments, equal digests."
    )
    packages: list[str] = strawberry.field(description="`name==version`, sorted.")


@strawberry.type(name="Hardware")
class Hardware:
    cpu_count: int | None
    memory_bytes: Long | None
    gpus: list[str]
    peak_memory_bytes: Long | None
    peak_gpu_memory_bytes: Long | None


@strawberry.type(name="RunStatusChange", description="One step of a run's status history: started, ended or reopened.")
class RunStatusChange:
    status: RunStatus
    at: datetime
    by: str = strawberry.field(description="The principal that made the change.")
    reason: str = strawberry.field(description="started, ended or reopened.")


@strawberry.type(name="Run", description="A training run: parameters, metrics, status, code, environment, hardware.")
class Run:
    id: strawberry.ID
    entity: Entity
    experiment_id: strawberry.ID | None
    status: RunStatus | None
    started_at: datetime | None
    ended_at: datetime | None
    code: CodeVersion
    environment: RunEnvironment
    hardware: Hardware
    params: list[Param]
    tags: list[Tag]
    input_ids: list[strawberry.ID]
    output_ids: list[strawberry.ID]
    status_history: list[RunStatusChange] = strawberry.field(
        description="Every start, end and reopening of the run, oldest first."
    )
    summaries: strawberry.Private[list[metrics_domain.MetricSummary]]

    @classmethod
    def of(cls, r: domain.Run) -> "Run":
        return cls(
            id=strawberry.ID(r.id),
            entity=Entity.of(r.entity),
            experiment_id=strawberry.ID(r.experiment_id) if r.experiment_id else None,
            status=r.status,
            started_at=r.started_at,
            ended_at=r.ended_at,
            code=CodeVersion(commit=r.code.commit, repo_url=r.code.repo_url, branch=r.code.branch, dirty=r.code.dirty),
            environment=RunEnvironment(
                python_version=r.environment.python_version,
                os=r.environment.os,
                packages_digest=r.environment.packages_digest,
                packages=r.environment.packages,
            ),
            hardware=Hardware(
                cpu_count=r.hardware.cpu_count,
                memory_bytes=r.hardware.memory_bytes,
                gpus=r.hardware.gpus,
                peak_memory_bytes=r.hardware.peak_memory_bytes,
                peak_gpu_memory_bytes=r.hardware.peak_gpu_memory_bytes,
            ),
            params=[Param.of(p) for p in r.params],
            tags=[Tag(name=k, value=v) for k, v in sorted(r.tags.items())],
            input_ids=[strawberry.ID(i) for i in r.input_ids],
            output_ids=[strawberry.ID(o) for o in r.output_ids],
            status_history=[RunStatusChange(status=c.status, at=c.at, by=c.by, reason=c.reason) for c in r.status_history],
            summaries=r.metrics,
        )

    @strawberry.field
    def name(self) -> str:
        return self.entity.name

    @strawberry.field(description="The latest summary of each metric series (optionally only the named ones).")
    def metrics(self, names: list[str] | None = None) -> list[MetricSeries]:
        return [MetricSeries.of(s, str(self.id), "run") for s in self.summaries if names is None or s.name in names]

    @strawberry.field(description="One metric series; null when the run never logged it.")
    def metric(self, name: str) -> MetricSeries | None:
        return next((MetricSeries.of(s, str(self.id), "run") for s in self.summaries if s.name == name), None)


@strawberry.type(name="ComparedParam", description="One parameter across the compared runs (null where a run lacks it).")
class ComparedParam:
    name: str
    values: list[JSON | None]


@strawberry.type(name="ComparedMetric", description="One metric across the compared runs, in the requested aggregate.")
class ComparedMetric:
    name: str
    values: list[MetricValue | None]
    series: list[MetricSeries | None]


@strawberry.type(name="RunComparison", description="Runs side by side: `values[i]` belongs to `runs[i]`.")
class RunComparison:
    runs: list[Run]
    params: list[ComparedParam]
    metrics: list[ComparedMetric]


# -- inputs ----------------------------------------------------------------------------------------


@strawberry.input(name="CodeVersionInput")
class CodeVersionInput:
    commit: str | None = None
    repo_url: str | None = None
    branch: str | None = None
    dirty: bool | None = None


@strawberry.input(name="EnvironmentInput")
class EnvironmentInput:
    python_version: str | None = None
    os: str | None = None
    packages: list[str] | None = None
    packages_digest: str | None = strawberry.field(
        default=None, description="Optional: checked against the list when both are given, computed when omitted."
    )


@strawberry.input(name="HardwareInput")
class HardwareInput:
    cpu_count: int | None = None
    memory_bytes: Long | None = None
    gpus: list[str] | None = None
    peak_memory_bytes: Long | None = None
    peak_gpu_memory_bytes: Long | None = None

    def to_domain(self) -> domain.Hardware:
        return domain.Hardware(
            self.cpu_count, self.memory_bytes, list(self.gpus or []), self.peak_memory_bytes, self.peak_gpu_memory_bytes
        )


@strawberry.input(name="StartRunInput")
class StartRunInput:
    experiment: str = strawberry.field(description="The experiment's qualifiedName; created when missing.")
    name: str | None = None
    qualified_name: str | None = strawberry.field(default=None, description="Default: <experiment>/runs/<random id>.")
    tags: JSON | None = None
    code: CodeVersionInput | None = None
    environment: EnvironmentInput | None = None
    hardware: HardwareInput | None = None
    started_at: datetime | None = None
    owners: list[str] | None = strawberry.field(default=None, description="Default: the caller.")

    def to_domain(self) -> domain.RunStart:
        code, env = self.code or CodeVersionInput(), self.environment or EnvironmentInput()
        return domain.RunStart(
            experiment=self.experiment,
            name=self.name,
            qualified_name=self.qualified_name,
            tags=self.tags or {},
            code=domain.CodeVersion(code.commit, code.repo_url, code.branch, code.dirty),
            environment=domain.Environment(env.python_version, env.os, list(env.packages or []), env.packages_digest),
            hardware=(self.hardware or HardwareInput()).to_domain(),
            started_at=self.started_at,
            owners=self.owners,
        )


@strawberry.input(
    name="MetricBatchInput",
    description=(
        "Points of one metric, columnar: values[i] is at steps[i] and timestamps[i] (or epochMillis[i]). Without "
        "steps the points continue the series (last step + 1, ...); without times they get the server's time."
    ),
)
class MetricBatchInput:
    name: str
    values: list[MetricValue]
    steps: list[int] | None = None
    timestamps: list[datetime] | None = None
    epoch_millis: list[float] | None = strawberry.field(
        default=None,
        description="The times as milliseconds since 1970-01-01 UTC, instead of timestamps: much cheaper to parse "
        "for batches of thousands (the Python client sends these).",
    )


def batches(metrics: list[MetricBatchInput]) -> list[dict[str, Any]]:
    return [
        {"name": m.name, "values": m.values, "steps": m.steps, "timestamps": m.timestamps, "epochMillis": m.epoch_millis}
        for m in metrics
    ]


@strawberry.input(
    name="RunFilter",
    description="A condition on a parameter (`param`) or on a metric's last/min/max (`metric`): e.g. lr LT 0.01.",
)
class RunFilterInput:
    comparison: Comparison
    value: JSON
    param: str | None = None
    metric: str | None = None
    aggregate: MetricAggregate = MetricAggregate.LAST

    def to_domain(self) -> domain.RunFilter:
        return domain.RunFilter(self.comparison, self.value, self.param, self.metric, self.aggregate)


@strawberry.input(name="RunOrder", description="Sort by a parameter, a metric's last/min/max, or (neither) start time.")
class RunOrderInput:
    param: str | None = None
    metric: str | None = None
    aggregate: MetricAggregate = MetricAggregate.LAST
    direction: SortDirection = SortDirection.DESC

    def to_domain(self) -> domain.RunOrder:
        return domain.RunOrder(self.direction, self.param, self.metric, self.aggregate)


def refs(items: list[EntityRefInput], where: str) -> list[EntityRefModel]:
    return [parse(EntityRefModel, ref.as_dict(), f"{where}[{i}]") for i, ref in enumerate(items)]


# -- operations ------------------------------------------------------------------------------------


@strawberry.type
class RunQuery:
    @strawberry.field(description="A run by id, with its parameters and metric summaries; null when not found.")
    async def run(self, info: Info, id: strawberry.ID) -> Run | None:
        ctx = info.context
        found = await ctx.services.runs.find(ctx.principal, str(id))
        return Run.of(found) if found else None

    @strawberry.field(
        description="An experiment's runs, filtered by parameters and metrics and sorted by either, e.g. best val_auc where lr < 0.01."
    )
    async def runs(
        self,
        info: Info,
        experiment_id: strawberry.ID,
        filter: list[RunFilterInput] | None = None,
        order_by: RunOrderInput | None = None,
        status: list[RunStatus] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Run]:
        ctx = info.context
        page = await ctx.services.runs.runs(
            ctx.principal,
            str(experiment_id),
            [f.to_domain() for f in filter or []],
            (order_by or RunOrderInput()).to_domain(),
            status,
            first,
            after,
        )
        return connection(page, Run.of)

    @strawberry.field(description="Runs side by side: every parameter and the named metrics (all when none are named).")
    async def compare_runs(
        self, info: Info, ids: list[strawberry.ID], metrics: list[str] | None = None, aggregate: MetricAggregate = MetricAggregate.LAST
    ) -> RunComparison:
        ctx = info.context
        found = await ctx.services.runs.compare(ctx.principal, [str(i) for i in ids], metrics, aggregate)
        pick = {MetricAggregate.LAST: "last", MetricAggregate.MIN: "min", MetricAggregate.MAX: "max"}[aggregate]
        return RunComparison(
            runs=[Run.of(r) for r in found.runs],
            params=[ComparedParam(name=name, values=values) for name, values in found.params],
            metrics=[
                ComparedMetric(
                    name=name,
                    values=[None if s is None else getattr(s, pick) for s in series],
                    series=[None if s is None else MetricSeries.of(s, r.id, "run") for s, r in zip(series, found.runs)],
                )
                for name, series in found.metrics
            ],
        )


@strawberry.type
class RunMutation:
    @strawberry.mutation(description="Start a RUNNING run in an experiment (created when missing).")
    async def start_run(self, info: Info, input: StartRunInput) -> Run:
        ctx = info.context
        return Run.of(await ctx.services.runs.start_run(ctx.principal, input.to_domain()))

    @strawberry.mutation(
        description="Log typed parameters ({name: value}). The same value again is a no-op; another value is CONFLICT."
    )
    async def log_params(self, info: Info, run_id: strawberry.ID, params: JSON) -> list[Param]:
        ctx = info.context
        return [Param.of(p) for p in await ctx.services.runs.log_params(ctx.principal, str(run_id), params)]

    @strawberry.mutation(description="Set tags ({name: string}); a tag may be overwritten.")
    async def set_run_tags(self, info: Info, run_id: strawberry.ID, tags: JSON) -> list[Tag]:
        ctx = info.context
        stored = await ctx.services.runs.set_tags(ctx.principal, str(run_id), tags)
        return [Tag(name=k, value=v) for k, v in sorted(stored.items())]

    @strawberry.mutation(
        description=f"Append metric points (up to {metrics_domain.MAX_POINTS_PER_CALL:,} per call); returns the updated series."
    )
    async def log_metrics(self, info: Info, run_id: strawberry.ID, metrics: list[MetricBatchInput]) -> list[MetricSeries]:
        ctx = info.context
        series = await ctx.services.runs.log_metrics(ctx.principal, str(run_id), batches(metrics))
        return [MetricSeries.of(s, str(run_id), "run") for s in series]

    @strawberry.mutation(description="Record datasets (versions, features, models...) the run read: INPUT_TO edges.")
    async def log_run_inputs(self, info: Info, run_id: strawberry.ID, inputs: list[EntityRefInput]) -> list[strawberry.ID]:
        ctx = info.context
        ids = await ctx.services.runs.log_inputs(ctx.principal, str(run_id), refs(inputs, "inputs"))
        return [strawberry.ID(i) for i in ids]

    @strawberry.mutation(description="Record artifacts or datasets the run wrote: PRODUCED edges.")
    async def log_run_outputs(self, info: Info, run_id: strawberry.ID, outputs: list[EntityRefInput]) -> list[strawberry.ID]:
        ctx = info.context
        ids = await ctx.services.runs.log_outputs(ctx.principal, str(run_id), refs(outputs, "outputs"))
        return [strawberry.ID(i) for i in ids]

    @strawberry.mutation(description="End the run: FINISHED (default), FAILED or KILLED, with peak memory if measured.")
    async def finish_run(
        self,
        info: Info,
        run_id: strawberry.ID,
        status: RunStatus = RunStatus.FINISHED,
        ended_at: datetime | None = None,
        hardware: HardwareInput | None = None,
    ) -> Run:
        ctx = info.context
        hw = hardware.to_domain() if hardware else None
        return Run.of(await ctx.services.runs.finish_run(ctx.principal, str(run_id), status, ended_at, hw))

    @strawberry.mutation(
        description=(
            "Reopen an ended run (back to RUNNING) so it can be logged to again, as MLflow's log_model does: "
            "needs write on the run; audited and recorded in its statusHistory. A running run is left as it is."
        )
    )
    async def reopen_run(self, info: Info, run_id: strawberry.ID) -> Run:
        ctx = info.context
        return Run.of(await ctx.services.runs.reopen_run(ctx.principal, str(run_id)))

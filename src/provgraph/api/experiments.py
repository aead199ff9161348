"""GraphQL for experiments: the list (newest run first) and one experiment with its runs' summary."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ..domain import experiments as domain
from .context import Info
from .entities import Entity
from .pagination import Connection, connection


@strawberry.type(name="Experiment", description="An experiment and a summary of the runs the caller may see in it.")
class Experiment:
    id: strawberry.ID
    entity: Entity
    name: str
    run_count: int
    last_run_started_at: datetime | None
    param_keys: list[str] = strawberry.field(
        description=f"Parameter names its newest {domain.KEY_RUNS:,} visible runs logged, sorted (at most {domain.MAX_KEYS})."
    )
    metric_keys: list[str] = strawberry.field(
        description=f"Metric names its newest {domain.KEY_RUNS:,} visible runs logged, sorted (at most {domain.MAX_KEYS})."
    )

    @classmethod
    def of(cls, x: domain.Experiment) -> "Experiment":
        return cls(
            id=strawberry.ID(x.id),
            entity=Entity.of(x.entity),
            name=x.entity.name,
            run_count=x.run_count,
            last_run_started_at=x.last_run_started_at,
            param_keys=x.param_keys,
            metric_keys=x.metric_keys,
        )


@strawberry.type
class ExperimentQuery:
    @strawberry.field(
        description="Experiments by name, newest run first; text filters by name (same limits as search)."
    )
    async def experiments(
        self, info: Info, text: str | None = None, first: int = 50, after: str | None = None
    ) -> Connection[Experiment]:
        ctx = info.context
        return connection(await ctx.services.experiments.experiments(ctx.principal, text, first, after), Experiment.of)

    @strawberry.field(description="An experiment by id; null when missing or hidden.")
    async def experiment(self, info: Info, id: strawberry.ID) -> Experiment | None:
        ctx = info.context
        found = await ctx.services.experiments.experiment(ctx.principal, str(id))
        return Experiment.of(found) if found else None

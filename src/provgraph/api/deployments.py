"""GraphQL for deployments: deploy, scale, rollback, retire, the status history, and production()."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ..domain import deployments as domain
from .context import Info
from .entities import Entity
from .loaders import version_loader
from .monitoring import Alert, AlertRule, AlertStatus
from .pagination import Connection, connection
from .registry import ModelVersion
from .runs import MetricSeries

DeploymentEventKind = strawberry.enum(domain.DeploymentEventKind, name="DeploymentEventKind")
DeploymentStatus = strawberry.enum(domain.DeploymentStatus, name="DeploymentStatus")


@strawberry.type(name="DeploymentEvent", description="One change to a deployment, with when and by whom.")
class DeploymentEvent:
    seq: int
    kind: DeploymentEventKind
    at: datetime
    principal: str
    version_id: strawberry.ID | None = strawberry.field(description="The version served after the change.")
    previous_version_id: strawberry.ID | None = strawberry.field(description="The version served before it.")
    traffic_share: float | None
    environment: str | None
    endpoint: str | None
    comment: str | None

    @classmethod
    def of(cls, e: domain.DeploymentEvent) -> "DeploymentEvent":
        return cls(
            seq=e.seq,
            kind=e.kind,
            at=e.at,
            principal=e.principal,
            version_id=strawberry.ID(e.version_id) if e.version_id else None,
            previous_version_id=strawberry.ID(e.previous_version_id) if e.previous_version_id else None,
            traffic_share=e.traffic_share,
            environment=e.environment,
            endpoint=e.endpoint,
            comment=e.comment,
        )


@strawberry.type(name="Deployment", description="Where a model version serves: environment, endpoint, traffic share.")
class Deployment:
    id: strawberry.ID
    entity: Entity
    environment: str | None
    endpoint: str | None
    traffic_share: float | None
    status: DeploymentStatus | None
    live_version_id: strawberry.ID | None = strawberry.field(description="The version served now (its live DEPLOYED_AS edge).")
    live_since: datetime | None
    rollback_stack: list[strawberry.ID] = strawberry.field(description="What rollback returns to, most recent first.")
    history: list[DeploymentEvent] = strawberry.field(description="The latest 100 changes, newest first.")

    @classmethod
    def of(cls, d: domain.Deployment) -> "Deployment":
        return cls(
            id=strawberry.ID(d.id),
            entity=Entity.of(d.entity),
            environment=d.environment,
            endpoint=d.endpoint,
            traffic_share=d.traffic_share,
            status=d.status,
            live_version_id=strawberry.ID(d.live_version_id) if d.live_version_id else None,
            live_since=d.live_since,
            rollback_stack=[strawberry.ID(v) for v in d.rollback_stack],
            history=[DeploymentEvent.of(e) for e in d.events],
        )

    @strawberry.field
    async def live_version(self, info: Info) -> ModelVersion | None:
        if self.live_version_id is None:
            return None
        found = await version_loader(info).load(str(self.live_version_id))
        return ModelVersion.of(found) if found else None

    @strawberry.field(description="The monitoring series logged against this deployment (optionally only some).")
    async def metrics(self, info: Info, names: list[str] | None = None) -> list[MetricSeries]:
        ctx = info.context
        found = await ctx.services.monitoring.metric_summaries(ctx.principal, str(self.id), names)
        return [MetricSeries.of(s, str(self.id), "deployment") for s in found]

    @strawberry.field
    async def alert_rules(self, info: Info) -> list[AlertRule]:
        ctx = info.context
        return [AlertRule.of(r) for r in await ctx.services.monitoring.rules(ctx.principal, str(self.id))]

    @strawberry.field
    async def alerts(
        self, info: Info, status: AlertStatus | None = None, first: int = 20, after: str | None = None
    ) -> Connection[Alert]:
        ctx = info.context
        page = await ctx.services.monitoring.alerts(ctx.principal, str(self.id), None, status, first, after)
        return connection(page, Alert.of)


@strawberry.type(name="LiveDeployment", description="A deployment and the version of the model it serves now.")
class LiveDeployment:
    model_id: strawberry.ID
    deployment: Entity
    version: Entity
    version_number: int | None
    since: datetime
    environment: str | None
    endpoint: str | None
    traffic_share: float | None

    @classmethod
    def of(cls, live: domain.LiveDeployment) -> "LiveDeployment":
        return cls(
            model_id=strawberry.ID(live.model_id),
            deployment=Entity.of(live.deployment),
            version=Entity.of(live.version),
            version_number=live.version_number,
            since=live.since,
            environment=live.environment,
            endpoint=live.endpoint,
            traffic_share=live.traffic_share,
        )


@strawberry.input(name="DeployInput")
class DeployInput:
    version_id: strawberry.ID
    deployment: str = strawberry.field(description="The deployment's qualifiedName; created when missing.")
    environment: str
    endpoint: str | None = None
    traffic_share: float = 1.0
    name: str | None = None
    comment: str | None = None


@strawberry.type
class DeploymentQuery:
    @strawberry.field(description="Deployments by name, optionally only those that served a version of one model, or in one environment.")
    async def deployments(
        self,
        info: Info,
        model_id: strawberry.ID | None = None,
        environment: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Deployment]:
        ctx = info.context
        page = await ctx.services.deployments.deployments(
            ctx.principal, str(model_id) if model_id is not None else None, environment, first, after
        )
        return connection(page, Deployment.of)

    @strawberry.field
    async def deployment(self, info: Info, id: strawberry.ID) -> Deployment | None:
        ctx = info.context
        found = await ctx.services.deployments.find(ctx.principal, str(id))
        return Deployment.of(found) if found else None

    @strawberry.field(
        description="What is live for a model (by modelId or `model` qualifiedName) in an environment (null: all)."
    )
    async def production(
        self,
        info: Info,
        model_id: strawberry.ID | None = None,
        model: str | None = None,
        environment: str | None = domain.PRODUCTION,
    ) -> list[LiveDeployment]:
        ctx = info.context
        found = await ctx.services.deployments.production(ctx.principal, str(model_id) if model_id else None, model, environment)
        return [LiveDeployment.of(live) for live in found]


@strawberry.type
class DeploymentMutation:
    @strawberry.mutation(description="Serve a version on a deployment (created when missing): a ROLLED_OUT event.")
    async def deploy(self, info: Info, input: DeployInput) -> Deployment:
        ctx = info.context
        found = await ctx.services.deployments.deploy(
            ctx.principal,
            str(input.version_id),
            input.deployment,
            input.environment,
            input.endpoint,
            input.traffic_share,
            input.name,
            input.comment,
        )
        return Deployment.of(found)

    @strawberry.mutation(description="Change the traffic share: a SCALED event.")
    async def scale_deployment(
        self, info: Info, deployment_id: strawberry.ID, traffic_share: float, comment: str | None = None
    ) -> Deployment:
        ctx = info.context
        return Deployment.of(await ctx.services.deployments.scale(ctx.principal, str(deployment_id), traffic_share, comment))

    @strawberry.mutation(description="Serve the previous version again, atomically: a ROLLED_BACK event.")
    async def rollback(self, info: Info, deployment_id: strawberry.ID, comment: str | None = None) -> Deployment:
        ctx = info.context
        return Deployment.of(await ctx.services.deployments.rollback(ctx.principal, str(deployment_id), comment))

    @strawberry.mutation(description="Stop serving: a RETIRED event (deploy again to revive).")
    async def retire_deployment(self, info: Info, deployment_id: strawberry.ID, comment: str | None = None) -> Deployment:
        ctx = info.context
        return Deployment.of(await ctx.services.deployments.retire(ctx.principal, str(deployment_id), comment))

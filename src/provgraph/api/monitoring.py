"""GraphQL for deployment monitoring: log drift/performance metrics, alert rules, alerts."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ..domain import monitoring as domain
from ..services.monitoring import MonitoringResult as ResultModel
from .context import Info
from .pagination import Connection, connection
from .runs import Comparison, MetricBatchInput, MetricSeries, batches
from .scalars import MetricValue

AlertStatus = strawberry.enum(domain.AlertStatus, name="AlertStatus")
WebhookStatus = strawberry.enum(domain.WebhookStatus, name="WebhookStatus")


@strawberry.type(
    name="AlertRule",
    description=(
        "Breached at a logged point when the mean of the metric's last `window` values (ending there) compares true "
        "with the threshold. May name a metric not logged yet: it is evaluated once the metric appears."
    ),
)
class AlertRule:
    id: strawberry.ID
    deployment_id: strawberry.ID
    metric: str
    comparison: Comparison
    threshold: float
    window: int
    webhook_url: str | None
    description: str | None
    created_by: str
    created_at: datetime
    firing: bool
    open_alert_id: strawberry.ID | None
    active: bool

    @classmethod
    def of(cls, r: domain.AlertRule) -> "AlertRule":
        return cls(
            id=strawberry.ID(r.id),
            deployment_id=strawberry.ID(r.deployment_id),
            metric=r.metric,
            comparison=r.comparison,
            threshold=r.threshold,
            window=r.window,
            webhook_url=r.webhook_url,
            description=r.description,
            created_by=r.created_by,
            created_at=r.created_at,
            firing=r.firing,
            open_alert_id=strawberry.ID(r.open_alert_id) if r.open_alert_id else None,
            active=r.active,
        )


@strawberry.type(
    name="Alert",
    description="A rule breached on a deployment, linked to the model version it served then. FIRING until resolved.",
)
class Alert:
    id: strawberry.ID
    rule_id: strawberry.ID
    deployment_id: strawberry.ID
    model_version_id: strawberry.ID | None
    model_id: strawberry.ID | None
    metric: str
    comparison: Comparison
    threshold: float
    window: int
    value: MetricValue = strawberry.field(description="The window mean that breached the rule.")
    step: int | None
    timestamp: datetime | None
    fired_at: datetime
    status: AlertStatus
    resolved_at: datetime | None
    webhook_url: str | None
    webhook_status: WebhookStatus
    webhook_attempts: int
    webhook_error: str | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, a: domain.Alert) -> "Alert":
        return cls(
            id=strawberry.ID(a.id),
            rule_id=strawberry.ID(a.rule_id),
            deployment_id=strawberry.ID(a.deployment_id),
            model_version_id=strawberry.ID(a.version_id) if a.version_id else None,
            model_id=strawberry.ID(a.model_id) if a.model_id else None,
            metric=a.metric,
            comparison=a.comparison,
            threshold=a.threshold,
            window=a.window,
            value=a.value,
            step=a.step,
            timestamp=a.timestamp,
            fired_at=a.fired_at,
            status=a.status,
            resolved_at=a.resolved_at,
            webhook_url=a.webhook_url,
            webhook_status=a.webhook_status,
            webhook_attempts=a.webhook_attempts,
            webhook_error=a.webhook_error,
            delivered_at=a.delivered_at,
        )


@strawberry.type(name="MonitoringResult", description="What logging points to a deployment did.")
class MonitoringResult:
    series: list[MetricSeries]
    alerts: list[Alert] = strawberry.field(description="Alerts this call opened (webhooks are sent after it returns).")
    resolved_alert_ids: list[strawberry.ID]

    @classmethod
    def of(cls, r: ResultModel, deployment_id: str) -> "MonitoringResult":
        return cls(
            series=[MetricSeries.of(s, deployment_id, "deployment") for s in r.series],
            alerts=[Alert.of(a) for a in r.opened],
            resolved_alert_ids=[strawberry.ID(i) for i in r.resolved_ids],
        )


@strawberry.input(name="AlertRuleInput")
class AlertRuleInput:
    deployment_id: strawberry.ID
    metric: str
    comparison: Comparison
    threshold: float
    window: int = strawberry.field(default=1, description="How many of the latest points are averaged (1: each point).")
    webhook_url: str | None = strawberry.field(default=None, description="http(s) only; the alert is POSTed there as JSON.")
    description: str | None = None


@strawberry.type
class MonitoringQuery:
    @strawberry.field(description="Alerts of a deployment or of a model version, newest first.")
    async def alerts(
        self,
        info: Info,
        deployment_id: strawberry.ID | None = None,
        model_version_id: strawberry.ID | None = None,
        status: AlertStatus | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Alert]:
        ctx = info.context
        page = await ctx.services.monitoring.alerts(
            ctx.principal,
            str(deployment_id) if deployment_id else None,
            str(model_version_id) if model_version_id else None,
            status,
            first,
            after,
        )
        return connection(page, Alert.of)

    @strawberry.field
    async def alert(self, info: Info, id: strawberry.ID) -> Alert | None:
        ctx = info.context
        found = await ctx.services.monitoring.alert(ctx.principal, str(id))
        return Alert.of(found) if found else None

    @strawberry.field(description="A deployment's active alert rules.")
    async def alert_rules(self, info: Info, deployment_id: strawberry.ID) -> list[AlertRule]:
        ctx = info.context
        return [AlertRule.of(r) for r in await ctx.services.monitoring.rules(ctx.principal, str(deployment_id))]


@strawberry.type
class MonitoringMutation:
    @strawberry.mutation(
        description="Log drift/performance points against a deployment (same series as runs); rules are evaluated."
    )
    async def log_deployment_metrics(
        self, info: Info, deployment_id: strawberry.ID, metrics: list[MetricBatchInput]
    ) -> MonitoringResult:
        ctx = info.context
        result = await ctx.services.monitoring.log_metrics(ctx.principal, str(deployment_id), batches(metrics))
        return MonitoringResult.of(result, str(deployment_id))

    @strawberry.mutation(description="Add an alert rule to a deployment.")
    async def create_alert_rule(self, info: Info, input: AlertRuleInput) -> AlertRule:
        ctx = info.context
        rule = await ctx.services.monitoring.create_rule(
            ctx.principal,
            str(input.deployment_id),
            input.metric,
            input.comparison,
            input.threshold,
            input.window,
            input.webhook_url,
            input.description,
        )
        return AlertRule.of(rule)

    @strawberry.mutation(description="End an alert rule (its alerts stay). False when it already was.")
    async def delete_alert_rule(self, info: Info, rule_id: strawberry.ID) -> bool:
        ctx = info.context
        return await ctx.services.monitoring.delete_rule(ctx.principal, str(rule_id))

"""Monitoring deployments: log drift and performance metrics, alert rules, alerts (domain/monitoring.py).

Logging points is one transaction under the deployment's lock: the points are appended to the series,
every rule on the logged metrics is evaluated over them (windows continue from the values logged
before), alerts open and resolve, and the rules' states move, all or nothing. Webhooks for the alerts
that opened are handed to the delivery after the commit (services/webhooks.py).

Writing (points, rules) needs write on the Deployment; reading needs read on it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..domain.entities import EntityType, check_id
from ..domain.errors import BadInput, LimitExceeded, NotFound
from ..domain.metrics import (
    MAX_POINTS_READ,
    Comparison,
    MetricBatch,
    MetricPoint,
    MetricSummary,
    check_metric_name,
    metric_value_out,
    parse_batches,
)
from ..domain.monitoring import (
    MAX_RULES_PER_DEPLOYMENT,
    Alert,
    AlertRule,
    AlertStatus,
    Evaluation,
    check_threshold,
    check_webhook_url,
    check_window,
    evaluate,
)
from ..domain.pages import Page, check_page_size, decode_cursor
from ..domain.principals import Principal
from ..domain.registry import check_comment
from ..governance.access import READ, AccessControl, Decision, ReadScope
from ..governance.audit import AuditLog, audit_record
from ..store import deployments as deployment_store
from ..store import metrics as metric_store
from ..store import monitoring as monitoring_store
from ..store import registry as registry_store
from ..store.database import Database, Tx
from ..store.metrics import SeriesPoints
from . import metric_series, references
from .webhooks import WebhookCall, WebhookDelivery
from .audit import audits_denials

DEPLOYMENT, VERSION = EntityType.DEPLOYMENT, EntityType.MODEL_VERSION


@dataclass(frozen=True)
class MonitoringResult:
    """What one call of logDeploymentMetrics did."""

    series: list[MetricSummary]
    opened: list[Alert]
    resolved_ids: list[str]


@audits_denials
class MonitoringService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog, webhooks: WebhookDelivery) -> None:
        self._db = db
        self._access = access
        self._log = log
        self.webhooks = webhooks

    # -- rules ------------------------------------------------------------------------------------

    async def create_rule(
        self,
        principal: Principal,
        deployment_id: str,
        metric: str,
        comparison: Comparison,
        threshold: float,
        window: int = 1,
        webhook_url: str | None = None,
        description: str | None = None,
    ) -> AlertRule:
        """A rule may name a metric the deployment never logged: it fires once that metric appears."""
        check_id(deployment_id, "deploymentId")
        rule = AlertRule(
            id=str(uuid.uuid4()),
            deployment_id=deployment_id,
            metric=check_metric_name(metric, "metric"),
            comparison=comparison,
            threshold=check_threshold(threshold),
            window=check_window(window),
            webhook_url=check_webhook_url(webhook_url),
            description=check_comment(description, "description"),
            created_by=principal.name,
            created_at=datetime.now(UTC),
        )
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> AlertRule:
            decision = await self._lock(tx, principal, scope, deployment_id)
            if await monitoring_store.count_rules(tx, deployment_id) >= MAX_RULES_PER_DEPLOYMENT:
                raise LimitExceeded(
                    f"deploymentId: a deployment has at most {MAX_RULES_PER_DEPLOYMENT} alert rules", field="deploymentId"
                )
            created = await monitoring_store.create_rule(tx, rule)
            await self._audit(
                tx, principal, "create-alert-rule", decision, deployment_id,
                ruleId=created.id, metric=created.metric, comparison=created.comparison.value,
                threshold=created.threshold, window=created.window, webhookUrl=created.webhook_url,
            )
            return created

        return await self._db.write(work)

    async def delete_rule(self, principal: Principal, rule_id: str) -> bool:
        """Ends the rule (its alerts stay). False when it was already deleted."""
        check_id(rule_id, "ruleId")
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> bool:
            found = await monitoring_store.rule(tx, rule_id)
            if found is None:
                raise NotFound(f"ruleId: no alert rule with id {rule_id!r}", field="ruleId")
            decision = await self._lock(tx, principal, scope, found.deployment_id)
            if await monitoring_store.delete_rule(tx, rule_id, principal.name) is None:
                return False
            await self._audit(tx, principal, "delete-alert-rule", decision, found.deployment_id, ruleId=rule_id)
            return True

        return await self._db.write(work)

    async def rules(self, principal: Principal, deployment_id: str) -> list[AlertRule]:
        scope = await self._readable(principal)
        return await self._db.read(lambda tx: self._rules(tx, scope, deployment_id))

    async def _rules(self, tx: Tx, scope: ReadScope, deployment_id: str) -> list[AlertRule]:
        await references.one(tx, scope, deployment_id, DEPLOYMENT, "deploymentId")
        return await monitoring_store.rules_of(tx, deployment_id)

    # -- points -----------------------------------------------------------------------------------

    async def log_metrics(self, principal: Principal, deployment_id: str, raw: list[dict[str, Any]]) -> MonitoringResult:
        """Appends drift/performance points to the deployment's series and evaluates its rules."""
        check_id(deployment_id, "deploymentId")
        batches = parse_batches(raw, datetime.now(UTC))
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> tuple[MonitoringResult, list[WebhookCall]]:
            await self._lock(tx, principal, scope, deployment_id)
            by_name = {b.name: b for b in batches}
            rules = await monitoring_store.rules_of(tx, deployment_id, sorted(by_name))
            longest = max((r.window for r in rules), default=1)
            earlier = await metric_store.tails(tx, deployment_id, sorted({r.metric for r in rules if r.window > 1}), longest - 1)
            series = await metric_store.append(tx, deployment_id, batches)
            last_steps = {s.name: s.last_step for s in series}
            opened_rows, resolved, states = [], [], []
            for rule in rules:
                batch = by_name[rule.metric]
                outcome = evaluate(rule, earlier.get(rule.metric, []), batch.values)
                new_id = str(uuid.uuid4()) if outcome.opened_index is not None else None
                if new_id is not None:
                    opened_rows.append(_alert_row(new_id, rule, batch, outcome, last_steps[rule.metric]))
                if outcome.resolved_previous_index is not None and rule.open_alert_id:
                    resolved.append(rule.open_alert_id)
                if outcome.resolved_new_index is not None and new_id is not None:
                    resolved.append(new_id)
                open_id = new_id if outcome.firing and new_id else (rule.open_alert_id if outcome.firing else None)
                if (outcome.firing, open_id) != (rule.firing, rule.open_alert_id):
                    states.append({"ruleId": rule.id, "firing": outcome.firing, "openAlertId": open_id})
            opened = await monitoring_store.open_alerts(tx, deployment_id, opened_rows)
            await monitoring_store.resolve_alerts(tx, resolved)
            await monitoring_store.set_rule_states(tx, states)
            calls = await self._webhook_calls(tx, deployment_id, opened, resolved)
            opened = [_with_status(a, resolved) for a in opened]
            return MonitoringResult(series=series, opened=opened, resolved_ids=resolved), calls

        result, calls = await self._db.write(work)
        self.webhooks.schedule(calls)  # after the commit, in the background
        return result

    async def metric_points(self, principal: Principal, deployment_id: str, name: str, limit: int = MAX_POINTS_READ) -> list[MetricPoint]:
        check_metric_name(name, "name")
        check_page_size(limit, "maxPoints", MAX_POINTS_READ)
        scope = await self._readable(principal)

        async def work(tx: Tx) -> list[MetricPoint]:
            await references.one(tx, scope, deployment_id, DEPLOYMENT, "id")
            return await metric_store.points(tx, deployment_id, name, limit)

        return await self._db.read(work)

    async def series_points(
        self, principal: Principal, wanted: list[tuple[str, str]], max_points: int
    ) -> dict[tuple[str, str], SeriesPoints]:
        """(deployment id, metric name) -> its points, whole or downsampled, for a request batch at once."""
        return await metric_series.series_points(self._db, self._access, principal, DEPLOYMENT, wanted, max_points)

    async def metric_summaries(self, principal: Principal, deployment_id: str, names: list[str] | None = None) -> list[MetricSummary]:
        scope = await self._readable(principal)

        async def work(tx: Tx) -> list[MetricSummary]:
            await references.one(tx, scope, deployment_id, DEPLOYMENT, "id")
            return (await metric_store.summaries(tx, [deployment_id], names)).get(deployment_id, [])

        return await self._db.read(work)

    # -- alerts -----------------------------------------------------------------------------------

    async def alerts(
        self,
        principal: Principal,
        deployment_id: str | None,
        version_id: str | None,
        status: AlertStatus | None,
        first: int,
        after: str | None,
    ) -> Page[Alert]:
        """Alerts of a deployment or of a model version, newest first."""
        if (deployment_id is None) == (version_id is None):
            raise BadInput("deploymentId: give either deploymentId or modelVersionId", field="deploymentId")
        check_page_size(first)
        offset = decode_cursor(after)
        scope = await self._readable(principal)

        async def work(tx: Tx) -> Page[Alert]:
            if deployment_id is not None:
                await references.one(tx, scope, deployment_id, DEPLOYMENT, "deploymentId")
            else:
                self._access.require_type(principal, READ, VERSION)
                await references.one(tx, scope, version_id, VERSION, "modelVersionId")
            total, items = await monitoring_store.alerts_page(tx, deployment_id, version_id, status, offset, first)
            return Page(items=items, offset=offset, total=total)

        return await self._db.read(work)

    async def alert(self, principal: Principal, alert_id: str) -> Alert | None:
        check_id(alert_id, "id")
        scope = await self._readable(principal)

        async def work(tx: Tx) -> Alert | None:
            found = await monitoring_store.alert(tx, alert_id)
            if found is None or found.deployment_id not in await references.visible(tx, scope, [found.deployment_id]):
                return None
            return found

        return await self._db.read(work)

    # -- shared steps -----------------------------------------------------------------------------

    async def _readable(self, principal: Principal) -> ReadScope:
        self._access.require_type(principal, READ, DEPLOYMENT)
        return await self._access.scope(principal)

    async def _lock(self, tx: Tx, principal: Principal, scope: ReadScope, deployment_id: str) -> Decision:
        await references.one(tx, scope, deployment_id, DEPLOYMENT, "deploymentId")
        state = await deployment_store.lock(tx, deployment_id)
        if state is None:
            raise references.not_found("deploymentId", deployment_id, "deployment")
        return self._access.require_write(principal, DEPLOYMENT, state["owners"] or (), deployment_id)

    async def _webhook_calls(self, tx: Tx, deployment_id: str, opened: list[Alert], resolved: list[str]) -> list[WebhookCall]:
        hooked = [a for a in opened if a.webhook_url]
        if not hooked:
            return []
        deployment = (await deployment_store.details(tx, [deployment_id]))[deployment_id]
        version_ids = sorted({a.version_id for a in hooked if a.version_id})
        versions = await registry_store.versions(tx, version_ids) if version_ids else {}
        return [
            WebhookCall(a.id, a.webhook_url, webhook_payload(_with_status(a, resolved), deployment, versions.get(a.version_id)))
            for a in hooked
        ]

    async def _audit(self, tx: Tx, principal: Principal, action: str, decision: Decision, deployment_id: str, **details: Any) -> None:
        await self._log.append(tx, [audit_record(principal, action, decision, deployment_id, DEPLOYMENT.label, **details)])


def _alert_row(alert_id: str, rule: AlertRule, batch: MetricBatch, outcome: Evaluation, last_step: int | None) -> dict[str, Any]:
    index = outcome.opened_index
    if batch.steps is not None:
        step = batch.steps[index]
    else:  # the store numbered the points: the call's last point got the series' last step
        step = None if last_step is None else last_step - (len(batch.values) - 1 - index)
    return {"id": alert_id, "ruleId": rule.id, "value": outcome.opened_value, "step": step, "timestamp": batch.timestamps[index]}


def _with_status(alert: Alert, resolved: list[str]) -> Alert:
    """An alert opened and resolved within one call is stored RESOLVED; show it so."""
    if alert.id not in resolved:
        return alert
    return replace(alert, status=AlertStatus.RESOLVED, resolved_at=alert.fired_at)


def webhook_payload(alert: Alert, deployment: Any, version: Any) -> dict[str, Any]:
    """The JSON a webhook receives: the alert, the rule's terms, the deployment and the version."""
    return {
        "type": "provgraph.alert",
        "alert": {
            "id": alert.id,
            "status": alert.status.value,
            "ruleId": alert.rule_id,
            "metric": alert.metric,
            "comparison": alert.comparison.value,
            "threshold": alert.threshold,
            "window": alert.window,
            "value": metric_value_out(alert.value),
            "step": alert.step,
            "timestamp": alert.timestamp.isoformat() if alert.timestamp else None,
            "firedAt": alert.fired_at.isoformat(),
        },
        "deployment": {
            "id": deployment.id,
            "qualifiedName": deployment.entity.qualified_name,
            "name": deployment.entity.name,
            "environment": deployment.environment,
            "endpoint": deployment.endpoint,
        },
        "modelVersion": None
        if version is None
        else {
            "id": version.id,
            "qualifiedName": version.entity.qualified_name,
            "version": version.version,
            "modelId": version.model_id,
        },
    }


"""Alert rule and alert repository (cypher/monitoring.cypher)."""

from __future__ import annotations

from typing import Any

from ..domain.monitoring import Alert, AlertRule, AlertStatus, WebhookStatus, alert_from_record, rule_from_record
from .database import Tx


async def create_rule(tx: Tx, rule: AlertRule) -> AlertRule:
    record = await tx.single(
        "create_alert_rule",
        id=rule.id,
        deploymentId=rule.deployment_id,
        metric=rule.metric,
        comparison=rule.comparison.value,
        threshold=rule.threshold,
        window=rule.window,
        webhookUrl=rule.webhook_url,
        description=rule.description,
        principal=rule.created_by,
    )
    return rule_from_record(record["rule"])


async def count_rules(tx: Tx, deployment_id: str) -> int:
    return (await tx.single("count_alert_rules", deploymentId=deployment_id))["rules"]


async def rule(tx: Tx, rule_id: str) -> AlertRule | None:
    record = await tx.single("alert_rule", id=rule_id)
    return rule_from_record(record["rule"]) if record else None


async def delete_rule(tx: Tx, rule_id: str, principal: str) -> AlertRule | None:
    record = await tx.single("delete_alert_rule", id=rule_id, principal=principal)
    return rule_from_record(record["rule"]) if record else None


async def rules_of(tx: Tx, deployment_id: str, metrics: list[str] | None = None) -> list[AlertRule]:
    records = await tx.records("alert_rules_of", deploymentId=deployment_id, metrics=metrics)
    return [rule_from_record(r["rule"]) for r in records]


async def open_alerts(tx: Tx, deployment_id: str, rows: list[dict[str, Any]]) -> list[Alert]:
    if not rows:
        return []
    records = await tx.records("open_alerts", deploymentId=deployment_id, alerts=rows)
    return [alert_from_record(r["alert"]) for r in records]


async def resolve_alerts(tx: Tx, ids: list[str]) -> None:
    if ids:
        await tx.records("resolve_alerts", ids=ids)


async def set_rule_states(tx: Tx, rows: list[dict[str, Any]]) -> None:
    if rows:
        await tx.single("set_rule_states", rules=rows)


async def record_webhook_outcome(tx: Tx, alert_id: str, status: WebhookStatus, attempts: int, error: str | None) -> None:
    await tx.single("record_webhook_outcome", id=alert_id, status=status.value, attempts=attempts, error=error)


async def alerts_page(
    tx: Tx, deployment_id: str | None, version_id: str | None, status: AlertStatus | None, skip: int, limit: int
) -> tuple[int, list[Alert]]:
    query, owner = ("alerts_of_deployment", deployment_id) if deployment_id else ("alerts_of_version", version_id)
    record = await tx.single(query, id=owner, status=status.value if status else None, skip=skip, limit=limit)
    return record["total"], [alert_from_record(a) for a in record["page"]]


async def alert(tx: Tx, alert_id: str) -> Alert | None:
    record = await tx.single("alert_by_id", id=alert_id)
    return alert_from_record(record["alert"]) if record else None

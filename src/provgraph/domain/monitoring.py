"""Monitoring a deployment: metric series logged against it (the same series as runs), alert rules over
them, and the alerts the rules raise.

A rule is (metric, comparison, threshold, window): it is breached at a logged point when the mean of the
last `window` values of the metric (ending at that point, in logging order; fewer while the series is
shorter) compares true with the threshold. NaN never breaches (a comparison with NaN is false, so is the
mean of a window holding one). A rule may name a metric the deployment has not logged yet: it is
evaluated from the first point of that metric on.

Alerts follow the rule's state, as alerting systems do: an alert opens (FIRING) when the rule goes from
not breached to breached, and resolves (RESOLVED) when a later point is no longer breached; while it
stays breached no further alert is raised. One call opens at most one alert per rule. An opened alert
is linked to the deployment and to the model version the deployment served at that moment, and when the
rule has a webhook it is POSTed there as JSON after the transaction commits (services/webhooks.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from .errors import BadInput
from .metrics import Comparison, from_epoch_millis

MAX_WINDOW = 1_000
MAX_URL = 2048
MAX_RULES_PER_DEPLOYMENT = 1_000


class AlertStatus(Enum):
    FIRING = "FIRING"
    RESOLVED = "RESOLVED"


class WebhookStatus(Enum):
    NONE = "NONE"  # the rule has no webhook
    PENDING = "PENDING"  # not delivered yet (delivery runs after commit, with retries)
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"  # every attempt failed


def check_webhook_url(url: Any, field: str = "webhookUrl") -> str | None:
    """Only http(s) URLs with a host: a webhook is an HTTP POST, and file:, ftp: or javascript: URLs
    have no business in an alert rule."""
    if url is None:
        return None
    if not isinstance(url, str) or len(url) > MAX_URL:
        raise BadInput(f"{field}: a URL of at most {MAX_URL} characters", field=field)
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        raise BadInput(f"{field}: {url!r} is not an http(s) URL; a webhook must be http:// or https:// with a host", field=field)
    return url.strip()


def check_window(window: Any, field: str = "window") -> int:
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_WINDOW:
        raise BadInput(f"{field}: {window!r} is not a window (1 to {MAX_WINDOW} points)", field=field)
    return window


def check_threshold(threshold: Any, field: str = "threshold") -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or math.isnan(float(threshold)):
        raise BadInput(f"{field}: {threshold!r} is not a number", field=field)
    return float(threshold)


@dataclass(frozen=True)
class AlertRule:
    id: str
    deployment_id: str
    metric: str
    comparison: Comparison
    threshold: float
    window: int
    webhook_url: str | None
    description: str | None
    created_by: str
    created_at: datetime
    firing: bool = False
    open_alert_id: str | None = None
    active: bool = True


def rule_from_record(r: dict[str, Any]) -> AlertRule:
    return AlertRule(
        id=r["id"],
        deployment_id=r["deploymentId"],
        metric=r["metric"],
        comparison=Comparison(r["comparison"]),
        threshold=r["threshold"],
        window=r["window"],
        webhook_url=r.get("webhookUrl"),
        description=r.get("description"),
        created_by=r["createdBy"],
        created_at=r["createdAt"],
        firing=bool(r.get("firing")),
        open_alert_id=r.get("openAlertId"),
        active=r.get("deletedAt") is None,
    )


@dataclass(frozen=True)
class Alert:
    id: str
    rule_id: str
    deployment_id: str
    version_id: str | None
    model_id: str | None
    metric: str
    comparison: Comparison
    threshold: float
    window: int
    value: float  # the window mean that breached
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


def alert_from_record(r: dict[str, Any]) -> Alert:
    return Alert(
        id=r["id"],
        rule_id=r["ruleId"],
        deployment_id=r["deploymentId"],
        version_id=r.get("versionId"),
        model_id=r.get("modelId"),
        metric=r["metric"],
        comparison=Comparison(r["comparison"]),
        threshold=r["threshold"],
        window=r["window"],
        value=r["value"],
        step=r.get("step"),
        timestamp=from_epoch_millis(r.get("timestamp")),
        fired_at=r["firedAt"],
        status=AlertStatus(r["status"]),
        resolved_at=r.get("resolvedAt"),
        webhook_url=r.get("webhookUrl"),
        webhook_status=WebhookStatus(r.get("webhookStatus") or "NONE"),
        webhook_attempts=r.get("webhookAttempts") or 0,
        webhook_error=r.get("webhookError"),
        delivered_at=r.get("deliveredAt"),
    )


@dataclass(frozen=True)
class Evaluation:
    """What one call's points did to one rule."""

    opened_index: int | None = None  # the point (index in the call's values) that opened a new alert
    opened_value: float | None = None  # its window mean
    resolved_previous_index: int | None = None  # the point that resolved the alert open before the call
    resolved_new_index: int | None = None  # the point that resolved the alert this call opened
    firing: bool = False  # the rule's state after the call


class _Window:
    """A rolling mean over the last n values that stays exact with NaN and infinities in the window."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.values: list[float] = []
        self.finite_sum = 0.0
        self.nan = self.pos_inf = self.neg_inf = 0

    def _count(self, value: float, sign: int) -> None:
        if math.isnan(value):
            self.nan += sign
        elif value == math.inf:
            self.pos_inf += sign
        elif value == -math.inf:
            self.neg_inf += sign
        else:
            self.finite_sum += sign * value

    def push(self, value: float) -> None:
        self.values.append(value)
        self._count(value, 1)
        if len(self.values) > self.n:
            self._count(self.values[-self.n - 1], -1)

    def mean(self) -> float:
        if self.nan or (self.pos_inf and self.neg_inf):
            return math.nan
        if self.pos_inf:
            return math.inf
        if self.neg_inf:
            return -math.inf
        return self.finite_sum / min(len(self.values), self.n)


def evaluate(rule: AlertRule, earlier_newest_first: list[float], values: list[float]) -> Evaluation:
    """Runs the rule over the call's values (logging order), continuing the window from the values
    logged before (newest first) and the rule's state before the call."""
    window = _Window(rule.window)
    for value in reversed(earlier_newest_first[: rule.window - 1]):
        window.push(value)
    firing = rule.firing
    opened = opened_value = resolved_previous = resolved_new = None
    for index, value in enumerate(values):
        window.push(value)
        mean = window.mean()
        breached = rule.comparison.holds(mean, rule.threshold)
        if breached and not firing:
            firing = True
            if opened is None:
                opened, opened_value = index, mean
            else:
                resolved_new = None  # the alert this call opened is firing again
        elif not breached and firing:
            firing = False
            if opened is None:
                resolved_previous = index
            else:
                resolved_new = index
    return Evaluation(opened, opened_value, resolved_previous, resolved_new, firing)

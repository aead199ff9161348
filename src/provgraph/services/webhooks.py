"""Webhook delivery for alerts: POST the alert as JSON, after the transaction that stored it commits.

Why after commit: the receiver (a retraining pipeline) may call back for the alert at once, and must
find it; and an HTTP call inside a transaction would hold the deployment's lock for as long as a slow
receiver takes. Why a background task: logging a metric must not wait for someone else's server.

Delivery runs on the event loop of the process that stored the alert, with bounded retries and
exponential backoff: connection errors, timeouts, 408/425/429 and 5xx are retried; other answers are
final. The outcome (DELIVERED or FAILED, attempts, last error) is written back on the Alert, so a
delivery lost with its process shows as PENDING, queryable and re-sendable. Each request carries the
alert id as `Idempotency-Key`, so a receiver can ignore the repeat of a delivery it already acted on.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..domain.monitoring import WebhookStatus
from ..store import monitoring as monitoring_store
from ..store.database import Database

log = logging.getLogger("provgraph.webhooks")
RETRYABLE_STATUS = frozenset({408, 425, 429})
USER_AGENT = "provgraph-webhooks/1"


@dataclass(frozen=True)
class WebhookCall:
    alert_id: str
    url: str
    payload: dict[str, Any]


@dataclass
class WebhookDelivery:
    db: Database
    attempts: int = 5
    backoff: float = 0.5  # seconds before the 2nd attempt; doubles each time
    max_backoff: float = 8.0
    timeout: float = 5.0
    transport: httpx.AsyncBaseTransport | None = None  # tests may inject one; default: the network
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)

    def schedule(self, calls: list[WebhookCall]) -> None:
        """Starts delivering in the background and returns at once."""
        for call in calls:
            task = asyncio.create_task(self._deliver(call), name=f"webhook:{call.alert_id}")
            self._tasks.add(task)  # a strong reference, or the loop may drop the task mid-flight
            task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 30.0) -> None:
        """Waits for the deliveries in flight (shutdown, tests)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def _deliver(self, call: WebhookCall) -> None:
        headers = {"User-Agent": USER_AGENT, "Idempotency-Key": call.alert_id, "X-Provgraph-Alert-Id": call.alert_id}
        error: str | None = None
        attempt = 0
        async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport, follow_redirects=False) as client:
            for attempt in range(1, self.attempts + 1):
                try:
                    response = await client.post(call.url, json=call.payload, headers=headers)
                    if response.is_success:
                        await self._record(call.alert_id, WebhookStatus.DELIVERED, attempt, None)
                        return
                    error = f"HTTP {response.status_code} from the receiver"
                    if response.status_code < 500 and response.status_code not in RETRYABLE_STATUS:
                        break
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if attempt < self.attempts:
                    await asyncio.sleep(min(self.backoff * 2 ** (attempt - 1), self.max_backoff))
        log.warning("webhook for alert %s to %s failed after %d attempts: %s", call.alert_id, call.url, attempt, error)
        await self._record(call.alert_id, WebhookStatus.FAILED, attempt, error)

    async def _record(self, alert_id: str, status: WebhookStatus, attempts: int, error: str | None) -> None:
        try:
            await self.db.write(lambda tx: monitoring_store.record_webhook_outcome(tx, alert_id, status, attempts, error))
        except Exception:  # the store may be gone (shutdown): the alert then stays PENDING, which is true
            log.exception("could not record the webhook outcome of alert %s", alert_id)

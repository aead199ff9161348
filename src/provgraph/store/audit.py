"""Audit event repository (cypher/audit.cypher). Hashing is governance/audit.py's job; this module
only moves rows: lock the head (reading it), append numbered events, read the chain and pages of it."""

from __future__ import annotations

from typing import Any

from ..domain.audit import AuditFilter
from .database import Tx


async def ensure_head(tx: Tx) -> None:
    await tx.single("ensure_audit_head")


async def lock_head(tx: Tx) -> tuple[int, str]:
    """Takes the head's write lock (held until commit) and returns the last (seq, hash)."""
    head = await tx.single("lock_audit_head")
    return head["seq"], head["hash"]


async def append(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """rows: stored events in chain order; the head moves to the last."""
    await tx.single("append_audit_events", events=rows, seq=rows[-1]["seq"], hash=rows[-1]["hash"])


async def head(tx: Tx) -> tuple[int, str] | None:
    record = await tx.single("audit_head")
    return None if record["seq"] is None else (record["seq"], record["hash"])


async def chain_after(tx: Tx, seq: int, limit: int) -> list[dict[str, Any]]:
    return [r["event"] for r in await tx.records("audit_chain_after", after=seq, limit=limit)]


def _filter_params(where: AuditFilter) -> dict[str, Any]:
    return {
        "principal": where.principal,
        "resourceId": where.resource_id,
        "action": where.action,
        "decision": where.decision,
        "since": where.since,
        "until": where.until,
    }


async def page(tx: Tx, where: AuditFilter, before: int | None, limit: int) -> list[dict[str, Any]]:
    return [r["event"] for r in await tx.records("audit_events_page", before=before, limit=limit, **_filter_params(where))]


async def count(tx: Tx, where: AuditFilter) -> int:
    return (await tx.single("audit_events_count", **_filter_params(where)))["total"]

"""Audit event repository (cypher/audit.cypher). Hashing is governance/audit.py's job; this module
only moves rows: create pending events, lock the head (reading it), sequence pending events into the
chain, hold the sequencer lease, read the chain and pages of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.audit import AuditFilter
from .database import Tx


async def ensure_head(tx: Tx) -> None:
    await tx.single("ensure_audit_head")


PENDING_BATCH = 1_000  # rows per statement: packing 10,000 at once held the event loop ~150 ms


async def create_pending(tx: Tx, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), PENDING_BATCH):
        await tx.single("create_pending_audit_events", events=rows[start : start + PENDING_BATCH])


async def lock_head(tx: Tx) -> tuple[int | None, str]:
    """Takes the head's write lock (held until commit) and returns the last (seq, hash); seq is None when
    another transaction deleted the head while this one waited for its lock."""
    head = await tx.single("lock_audit_head")
    return head["seq"], head["hash"]


async def pending(tx: Tx, limit: int) -> list[dict[str, Any]]:
    return [r["event"] for r in await tx.records("pending_audit_events", limit=limit)]


async def any_pending(tx: Tx) -> bool:
    return await tx.single("any_pending_audit_event") is not None


async def backlog(tx: Tx) -> tuple[int, datetime | None]:
    """(how many events wait to be sequenced, the oldest one's time)."""
    record = await tx.single("audit_backlog")
    return record["pending"], record["oldest"]


async def sequence(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """rows: (eventId, seq, prevHash, hash) in chain order; the head moves to the last."""
    await tx.single("sequence_audit_events", events=rows, seq=rows[-1]["seq"], hash=rows[-1]["hash"])


async def acquire_lease(tx: Tx, holder: str, now: datetime, expires_at: datetime) -> bool:
    record = await tx.single("acquire_audit_sequencer_lease", holder=holder, now=now, expiresAt=expires_at)
    return bool(record["held"])


async def release_lease(tx: Tx, holder: str, now: datetime) -> None:
    await tx.single("release_audit_sequencer_lease", holder=holder, now=now)


async def head(tx: Tx) -> tuple[int, str] | None:
    record = await tx.single("audit_head")
    return None if record["seq"] is None else (record["seq"], record["hash"])


async def hashes_at(tx: Tx, seqs: list[int]) -> dict[int, str]:
    return {r["seq"]: r["hash"] for r in await tx.records("audit_events_at", seqs=seqs)}


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

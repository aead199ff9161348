"""The tamper-evident audit log (docs/ARCHITECTURE.md §4, Audit).

Every event carries `prevHash`, the hash of the event before it, and `hash` = SHA-256 over the canonical
JSON of its own fields plus `prevHash`. Editing an event breaks its hash; deleting one breaks the next
event's `prevHash` (and the sequence); deleting the newest ones leaves the head pointing past the end.
`verify_chain` walks the chain and names the first broken event.

Appending takes no shared lock (after RFC 6962 and Trillian): `AuditLog.append` creates *pending* events
in the caller's write transaction, `AuditLog.record` hands a read's or a denial's events to the
process's group committer, and the one sequencer (audit_sequencer.py) later numbers and chains pending
events in batches. A plain hash chain proves the log was not edited by someone who did not also
recompute every later hash; the signed anchors of audit_anchors.py, kept outside Neo4j, close that gap.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..cooperative import map_in_slices
from ..domain.audit import ALLOW, DENY, AuditEvent, AuditFilter, AuditRecord
from ..domain.principals import Principal
from ..store import audit as audit_store
from ..store.database import Database, Tx
from ..store.group_commit import GroupCommitter
from .access import AccessDenied, Decision

# The stored fields the hash covers, in their stored (camelCase) names.
HASHED_FIELDS = (
    "seq",
    "time",
    "principal",
    "action",
    "resourceId",
    "resourceType",
    "decision",
    "rule",
    "requestId",
    "client",
    "details",
    "prevHash",
)
VERIFY_BATCH = 10_000
# Pending events are ordered by (time, eventId); within one process eventId grows with every event, so
# the events of one transaction, and of one process within a microsecond, keep the order they were made.
_ORIGIN = secrets.token_hex(4)
_COUNTER = itertools.count()


def new_event_id() -> str:
    return f"{_ORIGIN}-{next(_COUNTER):012d}"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _time_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(row: dict[str, Any]) -> str:
    fields = {name: row.get(name) for name in HASHED_FIELDS}
    fields["time"] = _time_text(fields["time"])
    if row.get("resourceIds"):  # only grouped events have it, so every older event keeps its hash
        fields["resourceIds"] = list(row["resourceIds"])
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


def pending_row(record: AuditRecord, time: datetime) -> dict[str, Any]:
    """A stored pending event: every hashed field but seq and prevHash, which the sequencer assigns."""
    row: dict[str, Any] = {
        "eventId": new_event_id(),
        "time": time,
        "principal": record.principal,
        "action": record.action,
        "resourceId": record.resource_id,
        "resourceType": record.resource_type,
        "decision": record.decision,
        "rule": record.rule,
        "requestId": record.request_id,
        "client": record.client,
        "details": canonical_json(record.details),
    }
    if record.resource_ids:
        row["resourceIds"] = list(record.resource_ids)
    return row


def chained(pending: dict[str, Any], seq: int, prev_hash: str) -> dict[str, Any]:
    """A pending event given its place in the chain: its seq, prevHash and hash."""
    row = {**pending, "seq": seq, "prevHash": prev_hash}
    row["hash"] = event_hash(row)
    return row


def event_from_row(row: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        seq=row["seq"],
        time=row["time"],
        record=AuditRecord(
            principal=row.get("principal") or "",
            action=row.get("action") or "",
            decision=row.get("decision") or "",
            rule=row.get("rule") or "",
            resource_id=row.get("resourceId"),
            resource_type=row.get("resourceType"),
            request_id=row.get("requestId") or "",
            client=row.get("client") or "",
            details=json.loads(row.get("details") or "{}"),
            resource_ids=tuple(row.get("resourceIds") or ()),
        ),
        prev_hash=row.get("prevHash") or "",
        hash=row.get("hash") or "",
    )


def audit_record(
    principal: Principal,
    action: str,
    decision: Decision,
    resource_id: str | None = None,
    resource_type: str | None = None,
    **details: Any,
) -> AuditRecord:
    return AuditRecord(
        principal=principal.name,
        action=action,
        decision=ALLOW if decision.allowed else DENY,
        rule=decision.rule,
        resource_id=resource_id,
        resource_type=resource_type,
        request_id=principal.request_id,
        client=principal.client,
        details=details,
    )


def denial_record(denied: AccessDenied) -> AuditRecord:
    return audit_record(denied.principal, denied.operation, denied.decision, denied.resource_id, denied.resource_type)


async def _create_pending(tx: Tx, records: list[AuditRecord]) -> None:
    await audit_store.create_pending(tx, await map_in_slices(lambda record: pending_row(record, tx.now), records))


class AuditLog:
    def __init__(self, db: Database, committer: GroupCommitter[AuditRecord] | None = None, *, record_reads: bool = True) -> None:
        self._db = db
        self._committer = committer or self.committer(db)
        self.records_reads = record_reads  # off only for the bench's baseline (Settings.audit_reads)

    @staticmethod
    def committer(db: Database, delay: float = 0.002) -> GroupCommitter[AuditRecord]:
        """One per process: every read and denial event of the process shares its transactions."""
        return GroupCommitter(db, _create_pending, delay=delay)

    async def append(self, tx: Tx, records: Sequence[AuditRecord]) -> None:
        """Appends inside the caller's write transaction: the events commit with the work they audit.
        They are pending until the sequencer chains them; no lock is shared with other writers."""
        if records:
            await _create_pending(tx, list(records))

    async def record(self, records: Sequence[AuditRecord]) -> None:
        """Appends through the group committer (denials and reads: there is no write to join); returns
        once the events are durable, so an answer never leaves before its audit event exists."""
        await self._committer.commit(records)

    async def flush(self) -> None:
        await self._committer.flush()

    async def page(self, where: AuditFilter, before: int | None, limit: int) -> tuple[int, list[AuditEvent]]:
        async def work(tx: Tx) -> tuple[int, list[AuditEvent]]:
            total = await audit_store.count(tx, where)
            rows = await audit_store.page(tx, where, before, limit)
            return total, [event_from_row(row) for row in rows]

        return await self._db.read(work)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    first_broken_seq: int | None
    message: str
    checked: int  # events walked
    head_hash: str = ""
    head_seq: int = 0


@dataclass(frozen=True)
class Backlog:
    """Events recorded but not yet sequenced into the chain."""

    pending: int
    oldest: datetime | None

    def stale(self, bound: timedelta, now: datetime | None = None) -> bool:
        """True when an event has waited longer than `bound`: no sequencer is keeping up (or running)."""
        return self.oldest is not None and (now or datetime.now(UTC)) - self.oldest > bound

    def describe(self) -> str:
        if not self.pending:
            return "no events wait to be sequenced"
        return f"{self.pending} events wait to be sequenced, the oldest since {_time_text(self.oldest)}"


async def backlog(db: Database) -> Backlog:
    pending, oldest = await db.read(audit_store.backlog)
    return Backlog(pending, oldest)


async def verify_chain(db: Database, batch: int = VERIFY_BATCH) -> ChainCheck:
    """Walks the chain in seq order, a batch at a time, up to the head as it stood when the walk began
    (the sequencer may chain more meanwhile), and names the first broken event."""
    head = await db.read(audit_store.head)
    end = head[0] if head is not None else None
    expected_seq, prev_hash, checked = 1, "", 0
    while end is None or expected_seq <= end:
        rows = await db.read(lambda tx: audit_store.chain_after(tx, expected_seq - 1, batch))
        for row in rows:
            seq = row["seq"]
            if end is not None and seq > end:
                break
            if seq != expected_seq:
                return ChainCheck(
                    False, expected_seq, f"event {expected_seq} is missing: the chain jumps from {expected_seq - 1} to {seq}", checked
                )
            if row.get("prevHash") != prev_hash:
                # Event seq-1 was edited and its hash recomputed, or seq's prevHash was: name the earlier.
                return ChainCheck(
                    False, seq - 1, f"event {seq - 1} or {seq} was changed: {seq}'s prevHash is not {seq - 1}'s hash", checked
                )
            if event_hash(row) != row.get("hash"):
                return ChainCheck(False, seq, f"event {seq} was changed after it was written: its hash does not match", checked)
            prev_hash, expected_seq, checked = row["hash"], seq + 1, checked + 1
        if len(rows) < batch:
            break
    last_seq = expected_seq - 1
    if head is not None and (head[0], head[1]) != (last_seq, prev_hash):
        if head[0] > last_seq:
            return ChainCheck(
                False, last_seq + 1, f"events {last_seq + 1}..{head[0]} are missing: the log ends before its head", checked
            )
        return ChainCheck(False, last_seq, f"the audit head does not match event {last_seq}", checked)
    return ChainCheck(True, None, f"{checked} events, chain intact", checked, prev_hash, last_seq)

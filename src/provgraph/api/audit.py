"""GraphQL for the audit log: `auditEvents` (admin and governance-reviewer), newest first, paginated."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from ..domain.audit import AuditEvent as EventModel
from ..domain.audit import AuditFilter
from ..services.audit import ChainReport
from .context import Info
from .pagination import Connection, connection


@strawberry.type(description="One audit event: who did what to which resource, the decision and the rule behind it.")
class AuditEvent:
    seq: int = strawberry.field(description="Position in the hash chain, from 1.")
    time: datetime
    principal: str
    action: str
    resource_id: str | None = strawberry.field(description="The entity id (or principal, classification) acted on.")
    resource_type: str | None
    resource_ids: list[strawberry.ID] = strawberry.field(
        description="A grouped read event (one request, one decision and rule, many entities of one type) "
        "lists its entities here; resourceId is then null. Filtering by entityId finds both kinds."
    )
    decision: str = strawberry.field(description="allow or deny")
    rule: str = strawberry.field(description="The policy line that decided.")
    request_id: str
    client: str
    details: JSON
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, e: EventModel) -> "AuditEvent":
        r = e.record
        return cls(
            seq=e.seq,
            time=e.time,
            principal=r.principal,
            action=r.action,
            resource_id=r.resource_id,
            resource_type=r.resource_type,
            resource_ids=[strawberry.ID(i) for i in r.resource_ids],
            decision=r.decision,
            rule=r.rule,
            request_id=r.request_id,
            client=r.client,
            details=r.details,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )


@strawberry.type(description="A walk of the audit hash chain, made when asked.")
class AuditChainCheck:
    ok: bool
    verified_through_seq: int = strawberry.field(description="Events verified from seq 1 (through this one).")
    head_hash: str | None = strawberry.field(description="The hash of the last verified event (null when none or broken).")
    checked: int = strawberry.field(description="Events walked.")
    first_broken_seq: int | None = strawberry.field(description="The first event that does not check out.")
    message: str
    pending: int = strawberry.field(description="Recorded, not yet sequenced.")
    checked_at: datetime

    @classmethod
    def of(cls, report: ChainReport) -> "AuditChainCheck":
        chain = report.chain
        return cls(
            ok=chain.ok,
            verified_through_seq=report.verified_through_seq,
            head_hash=chain.head_hash or None,
            checked=chain.checked,
            first_broken_seq=chain.first_broken_seq,
            message=chain.message,
            pending=report.pending,
            checked_at=report.checked_at,
        )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="Walk the audit hash chain now (admin and governance-reviewer; FORBIDDEN otherwise, audited)."
    )
    async def audit_chain(self, info: Info) -> AuditChainCheck:
        ctx = info.context
        return AuditChainCheck.of(await ctx.services.audit.chain(ctx.principal))

    @strawberry.field(description="Audit events, newest first, filtered (admin and governance-reviewer only).")
    async def audit_events(
        self,
        info: Info,
        principal: str | None = None,
        entity_id: strawberry.ID | None = None,
        action: str | None = None,
        decision: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        ctx = info.context
        where = AuditFilter(
            principal=principal,
            resource_id=str(entity_id) if entity_id is not None else None,
            action=action,
            decision=decision,
            since=since,
            until=until,
        )
        return connection(await ctx.services.audit.events(ctx.principal, where, first, after), AuditEvent.of)

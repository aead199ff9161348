"""Auditing in the service layer: who read what, every denial, and reading the audit log itself.

- `ReadAudit.reads` records one event per read request (unrestricted metadata is audited per request,
  not per entity, so a 1,000-node lineage answer costs one event), one event per restricted entity the
  answer revealed, and one denial per hidden entity the request asked for or met.
- `@audits_denials` on a service class: every AccessDenied its public methods raise is written to the
  log (in a transaction of its own: the denied work never commits) before it reaches the caller.
- `AuditService.events` is the `auditEvents` query: admin and governance-reviewer only. It sequences
  the backlog first, so it lists every event durable before it was asked.
"""

from __future__ import annotations

import base64
import binascii
import functools
import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from ..domain.audit import ALLOW, DENY, AuditEvent, AuditFilter, AuditRecord
from ..domain.entities import EntityType, Found
from ..domain.errors import BadInput
from ..domain.pages import KeysetPage, check_page_size
from ..domain.principals import Principal
from ..governance.access import OWNER_READ_RULE, READ, AccessControl, AccessDenied, ReadScope
from ..governance.audit import AuditLog, Backlog, ChainCheck, audit_record, backlog, denial_record, verify_chain
from ..governance.audit_anchors import Anchor, AnchorCheck, check_anchors
from ..governance.audit_sequencer import AuditSequencer
from ..store.database import Database

S = TypeVar("S")
AUDIT_PAGE_LIMIT = 1000
GROUP_LIMIT = 1000  # entities one grouped read event lists
HIDDEN_RULE = "restricted: the caller is not cleared for this entity's classifications and holds no grant on it"


class ReadAudit:
    def __init__(self, log: AuditLog, access: AccessControl) -> None:
        self._log = log
        self._access = access

    async def reads(
        self,
        principal: Principal,
        operation: str,
        scope: ReadScope,
        *,
        resource_id: str | None = None,
        resource_type: EntityType | None = None,
        seen: Iterable[Found] = (),
        hidden: Iterable[Found] = (),
        **details: Any,
    ) -> None:
        """Records one read request: one event for the request (about `resource_id` when it asked for
        one entity or started from one), then the other restricted entities the answer revealed and the
        hidden ones it met, grouped by decision, rule and type: one event names one entity (resourceId),
        a larger group lists up to GROUP_LIMIT of them (resourceIds), so a 5,000-node lineage answer
        writes a handful of events, not 5,000. The request's own event carries the restricted or denied
        decision when its resource is one."""
        if not self._log.records_reads:
            return
        seen, hidden = list(seen), list(hidden)
        request = AuditRecord(
            principal=principal.name,
            action=READ,
            decision=ALLOW,
            rule=self._scope_rule(principal, scope, resource_type),
            resource_id=resource_id,
            resource_type=resource_type.label if resource_type else None,
            request_id=principal.request_id,
            client=principal.client,
            details={"operation": operation, "entities": len(seen), **details},
        )
        records = [request]
        grouped: dict[tuple[str, str, str], dict[str, list[str]]] = {}  # (decision, rule, type) -> id -> names
        granted = self._access.granted_ids(principal)
        rules: dict[tuple[str, ...], str] = {}  # without a grant the rule depends on the names alone
        for entity in seen:
            restricted = scope.restricted_by(entity.classification_names)
            if not restricted:
                continue
            if entity.id in granted:
                rule = self._access.read_rule(principal, restricted, entity.id)
            elif scope.owns(entity.owners) and scope.hidden_classifications.intersection(restricted):  # the owner rule
                rule = OWNER_READ_RULE
            else:
                if tuple(restricted) not in rules:
                    rules[tuple(restricted)] = self._access.read_rule(principal, restricted, entity.id)
                rule = rules[tuple(restricted)]
            if entity.id == resource_id:
                records[0] = replace(request, rule=rule, details={**request.details, "restricted": restricted})
            else:
                grouped.setdefault((ALLOW, rule, entity.type.label), {})[entity.id] = restricted
        for entity in hidden:
            if entity.id == resource_id:
                records[0] = replace(request, decision=DENY, rule=HIDDEN_RULE, resource_type=entity.type.label)
            else:
                grouped.setdefault((DENY, HIDDEN_RULE, entity.type.label), {})[entity.id] = []
        for (decision, rule, type_label), entities in grouped.items():
            records += _grouped_records(principal, operation, decision, rule, type_label, entities)
        await self._log.record(records)

    def _scope_rule(self, principal: Principal, scope: ReadScope, resource_type: EntityType | None) -> str:
        types = [resource_type] if resource_type else sorted(scope.readable_types, key=lambda t: t.label)
        rules = [self._access.decide(principal, READ, f"type:{t.label}").rule for t in types]
        return "; ".join(dict.fromkeys(rules)) or self._access.decide(principal, READ, "type:*").rule


def _grouped_records(
    principal: Principal, operation: str, decision: str, rule: str, type_label: str, entities: dict[str, list[str]]
) -> list[AuditRecord]:
    """The events for one group of entities (id -> restricted classification names): one per entity
    alone, else one per GROUP_LIMIT listing them, with the union of their restricted names."""
    ids = list(entities)
    records = []
    for start in range(0, len(ids), GROUP_LIMIT):
        chunk = ids[start : start + GROUP_LIMIT]
        names = sorted({name for entity_id in chunk for name in entities[entity_id]})
        details: dict[str, Any] = {"operation": operation}
        if names:
            details["restricted"] = names
        if len(chunk) > 1:
            details["entities"] = len(chunk)
        records.append(
            AuditRecord(
                principal=principal.name,
                action=READ,
                decision=decision,
                rule=rule,
                resource_id=chunk[0] if len(chunk) == 1 else None,
                resource_type=type_label,
                request_id=principal.request_id,
                client=principal.client,
                details=details,
                resource_ids=tuple(chunk) if len(chunk) > 1 else (),
            )
        )
    return records


def audits_denials(cls: type[S]) -> type[S]:
    """Class decorator of a service: every AccessDenied one of its public async methods raises is
    written to the service's audit log (`self._log`, in a transaction of its own: the denied work never
    commits) before it reaches the caller. A denial is recorded once, however many audited methods it
    passes through (`AccessDenied.audited`)."""
    for name, method in list(vars(cls).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(method):
            setattr(cls, name, _recording_denials(method))
    return cls


def _recording_denials(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def audited(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except AccessDenied as denied:
            if not denied.audited:
                denied.audited = True
                await self._log.record([denial_record(denied)])
            raise

    return audited


# -- the auditEvents query ----------------------------------------------------------------------------


def encode_seq_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode()


def decode_seq_cursor(cursor: str | None, field: str = "after") -> int | None:
    if cursor is None:
        return None
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "seq" and value.isdigit():
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadInput(f"{field}: {cursor!r} is not a cursor returned by auditEvents", field=field)


@dataclass(frozen=True)
class AuditVerification:
    backlog: Backlog  # measured before this verification chained it
    chain: ChainCheck
    anchors: AnchorCheck | None  # None: no anchors to hold the chain to


@dataclass(frozen=True)
class ChainReport:
    chain: ChainCheck
    verified_through_seq: int  # every event from seq 1 through this one checked out
    pending: int  # recorded, not yet sequenced, when the walk ended
    checked_at: datetime


@audits_denials
class AuditService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog, sequencer: AuditSequencer) -> None:
        self._db = db
        self._access = access
        self._log = log
        self._sequencer = sequencer

    async def verify_unchecked(
        self, sequence: bool = True, anchor_key: str | None = None, anchors: list[Anchor] | None = None
    ) -> AuditVerification:
        """`provgraph audit verify`, the operator's command (no principal, like the principal service's
        *_unchecked methods): measures the unsequenced backlog, chains it (unless `sequence` is false),
        walks the whole hash chain naming the first broken event, and holds it to the signed `anchors`."""
        waiting = await backlog(self._db)
        if sequence:
            await self._sequencer.sequence_pending()
        chain = await verify_chain(self._db)
        held = await check_anchors(self._db, anchor_key, anchors) if anchor_key and anchors is not None else None
        return AuditVerification(backlog=waiting, chain=chain, anchors=held)

    async def chain(self, principal: Principal) -> ChainReport:
        """The console's chain panel (admin and governance-reviewer): chains the backlog as auditEvents
        does, walks the whole chain now naming the first broken event, and counts what still waits to
        be sequenced (recorded meanwhile). The check is audited with its outcome; a refusal too."""
        decision = self._access.require(
            principal, READ, "audit", "the audit log", resource_type="audit", operation="verify-audit-chain"
        )
        await self._sequencer.sequence_pending()
        checked = await verify_chain(self._db)
        waiting = await backlog(self._db)
        report = ChainReport(
            chain=checked,
            verified_through_seq=checked.head_seq if checked.ok else max((checked.first_broken_seq or 1) - 1, 0),
            pending=waiting.pending,
            checked_at=datetime.now(UTC),
        )
        await self._log.record([
            audit_record(
                principal, "verify-audit-chain", decision, resource_type="audit",
                ok=checked.ok, verifiedThroughSeq=report.verified_through_seq, firstBrokenSeq=checked.first_broken_seq,
            )
        ])
        return report

    async def events(
        self, principal: Principal, where: AuditFilter, first: int, after: str | None
    ) -> KeysetPage[AuditEvent]:
        decision = self._access.require(principal, READ, "audit", "the audit log", resource_type="audit", operation="read-audit")
        check_page_size(first, limit=AUDIT_PAGE_LIMIT)
        if where.decision is not None and where.decision not in (ALLOW, DENY):
            raise BadInput(f"decision: must be {ALLOW!r} or {DENY!r}, got {where.decision!r}", field="decision")
        if where.since and where.until and where.since > where.until:
            raise BadInput("until: must not be before since", field="until")
        before = decode_seq_cursor(after)
        # Chain the backlog first (a pass needs no lease, see audit_sequencer.py), so the answer lists
        # every event recorded before it was asked, numbered, wherever the lease is held.
        await self._sequencer.sequence_pending()
        total, events = await self._log.page(where, before, first + 1)
        page = events[:first]
        # Reading the audit log is itself audited (who looked at whom), after the read so that the
        # answer does not contain its own event.
        await self._log.record(
            [audit_record(principal, "read-audit", decision, resource_type="audit", filter=_filter_details(where))]
        )
        return KeysetPage(
            items=page,
            cursors=[encode_seq_cursor(e.seq) for e in page],
            total=total,
            has_next=len(events) > first,
            has_previous=before is not None,
        )


def _filter_details(where: AuditFilter) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(where).items() if v is not None}

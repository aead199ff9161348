"""Audit events (docs/ARCHITECTURE.md §4, Audit): who did what to which resource, the decision and the rule behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ALLOW, DENY = "allow", "deny"
ANONYMOUS = "anonymous"  # a request whose token named no principal


@dataclass(frozen=True)
class AuditRecord:
    """What to record. The log adds the sequence number, time and hashes when it appends."""

    principal: str
    action: str
    decision: str  # ALLOW or DENY
    rule: str  # the policy line that decided, or why nothing did
    resource_id: str | None = None
    resource_type: str | None = None
    request_id: str = ""
    client: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    # A grouped event (many entities, one decision and rule, in one request) lists them here instead of
    # in resource_id: reading a 5,000-node lineage must not write 5,000 events.
    resource_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditEvent:
    """A stored event: its record plus its place in the hash chain."""

    seq: int
    time: datetime
    record: AuditRecord
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditFilter:
    principal: str | None = None
    resource_id: str | None = None
    action: str | None = None
    decision: str | None = None
    since: datetime | None = None
    until: datetime | None = None

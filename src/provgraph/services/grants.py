"""Grants (admin only): instance grants, classification clearances and role assignments.

`grant(principal, action, entityId?, classification?)` takes one of three forms:
  - action read|write|classify with entityId: an instance grant on one entity; action approve with the
    id of a MODEL: may approve or reject promotions of that model (services/registry.py);
  - action read with classification: clearance to read entities carrying that restricted classification;
  - action `role:<role>` with neither: adds (grant) or removes (revoke) a role.
Grants are casbin rules stored through the Neo4j adapter; roles live on the Principal node, so a revoked
role stops working on the next request. Each change and its audit event commit in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.audit import AuditRecord
from ..domain.entities import EntityType, check_id
from ..domain.errors import BadInput, Conflict, NotFound
from ..domain.principals import ROLES, Principal
from ..governance.access import CLASSIFY, READ, WRITE, AccessControl, Decision
from ..governance.audit import AuditLog, audit_record
from ..store import entities as entity_store
from ..store import policy_rules
from ..store import principals as principal_store
from ..store.database import Database, Tx
from .references import not_found
from .audit import audits_denials

MANAGE = "manage"
APPROVE = "approve"  # promotions of one model (services/registry.py checks `entity:<modelId>, approve`)
ENTITY_ACTIONS = (READ, WRITE, CLASSIFY, APPROVE)
ROLE_PREFIX = "role:"
MAX_LISTED = 10_000


@dataclass(frozen=True)
class GrantChange:
    """A validated grant or revoke request."""

    principal: str
    action: str
    entity_id: str | None = None
    classification: str | None = None

    @property
    def role(self) -> str | None:
        return self.action.removeprefix(ROLE_PREFIX) if self.action.startswith(ROLE_PREFIX) else None

    @property
    def rule(self) -> list[str]:
        obj = f"entity:{self.entity_id}" if self.entity_id else f"restricted:{self.classification}"
        return [f"principal:{self.principal}", obj, self.action, "allow"]


@dataclass(frozen=True)
class Grant:
    principal: str
    action: str
    entity_id: str | None
    classification: str | None
    created_at: datetime | None = None


def parse_change(principal: str, action: str, entity_id: str | None, classification: str | None) -> GrantChange:
    action = (action or "").strip()
    if action.startswith(ROLE_PREFIX):
        role = action.removeprefix(ROLE_PREFIX)
        if role not in ROLES:
            raise BadInput(f"action: unknown role {role!r}; the roles are {', '.join(ROLES)}", field="action")
        if entity_id is not None or classification is not None:
            raise BadInput("action: a role is granted to a principal, without entityId or classification", field="action")
        return GrantChange(principal, action)
    if action not in ENTITY_ACTIONS:
        raise BadInput(
            f"action: {action!r} is not grantable; use one of {', '.join(ENTITY_ACTIONS)} or role:<role>", field="action"
        )
    if (entity_id is None) == (classification is None):
        raise BadInput("entityId: give either entityId (an instance grant) or classification (a clearance)", field="entityId")
    if entity_id is not None:
        return GrantChange(principal, action, entity_id=check_id(entity_id, "entityId"))
    if action != READ:
        raise BadInput(f"action: a classification clearance grants read, not {action!r}", field="action")
    if not classification or "*" in classification or "," in classification:
        raise BadInput(f"classification: {classification!r} is not a classification name", field="classification")
    return GrantChange(principal, action, classification=classification)


@audits_denials
class GrantService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log

    async def grant(
        self, actor: Principal, principal: str, action: str, entity_id: str | None = None, classification: str | None = None
    ) -> bool:
        """True once the grant holds (granting again is harmless)."""
        decision = self._access.require(actor, MANAGE, "principals", "grants", resource_type="grant", operation="grant")
        change = parse_change(principal, action, entity_id, classification)
        await self._change(actor, decision, change, add=True)
        return True

    async def revoke(
        self, actor: Principal, principal: str, action: str, entity_id: str | None = None, classification: str | None = None
    ) -> bool:
        """True when there was such a grant (or role) to remove."""
        decision = self._access.require(actor, MANAGE, "principals", "grants", resource_type="grant", operation="revoke")
        change = parse_change(principal, action, entity_id, classification)
        return await self._change(actor, decision, change, add=False)

    async def grants(self, actor: Principal, principal: str | None = None) -> list[Grant]:
        """Runtime grants, of one principal or all (admin and governance-reviewer)."""
        self._access.require(actor, READ, "principals", "grants", resource_type="grant")
        subject = f"principal:{principal}" if principal is not None else None
        rows = await self._db.read(lambda tx: policy_rules.grants_of(tx, subject, MAX_LISTED))
        return [_grant_of(rule, created) for rule, created in rows]

    async def _change(self, actor: Principal, decision: Decision, change: GrantChange, add: bool) -> bool:
        async def work(tx: Tx) -> bool:
            stored = await principal_store.by_name(tx, change.principal)
            if stored is None:
                raise NotFound(f"principal: no principal named {change.principal!r}", field="principal")
            if change.role is not None:
                changed, resource = await self._change_role(tx, change, list(stored.roles), add), (change.principal, "principal")
            else:
                resource = await self._check_target(tx, change)
                rules = [change.rule]
                changed = bool(await (policy_rules.add if add else policy_rules.remove)(tx, "p", rules))
            await self._log.append(tx, [self._event(actor, decision, change, add, changed, resource)])
            return changed

        changed = await self._db.write(work)
        if change.role is None and changed:
            await self._access.load()  # this replica at once; the others at their next version check
        return changed

    async def _change_role(self, tx: Tx, change: GrantChange, current: list[str], add: bool) -> bool:
        roles = sorted(set(current) | {change.role}) if add else [r for r in current if r != change.role]
        if sorted(roles) == sorted(current):
            return False
        if not roles:
            raise Conflict(f"action: {change.principal!r} would be left without a role; deactivate it instead", field="action")
        if change.role == "admin" and not add and await principal_store.other_active_admins(tx, change.principal) == 0:
            raise Conflict(f"action: {change.principal!r} is the last active admin", field="action")
        await principal_store.set_roles(tx, change.principal, roles)
        return True

    async def _check_target(self, tx: Tx, change: GrantChange) -> tuple[str, str]:
        if change.entity_id is not None:
            found = (await entity_store.resolve_ids(tx, [change.entity_id])).get(change.entity_id)
            if found is None:
                raise not_found("entityId", change.entity_id)
            if change.action == APPROVE and found.type is not EntityType.MODEL:
                raise BadInput(
                    f"entityId: approve is granted on a MODEL (its promotions), not a {found.type.name}", field="entityId"
                )
            return change.entity_id, found.type.label
        if await policy_rules.classification_def(tx, change.classification) is None:
            raise NotFound(f"classification: no classification named {change.classification!r}", field="classification")
        return change.classification, "classification"

    @staticmethod
    def _event(
        actor: Principal, decision: Decision, change: GrantChange, add: bool, changed: bool, resource: tuple[str, str]
    ) -> AuditRecord:
        details = {"grantee": change.principal, "granted": change.action, "changed": changed}
        if change.classification:
            details["classification"] = change.classification
        return audit_record(actor, "grant" if add else "revoke", decision, resource[0], resource[1], **details)


def _grant_of(rule: list[str], created: datetime | None) -> Grant:
    subject, obj, action, _ = rule
    entity = obj.removeprefix("entity:") if obj.startswith("entity:") else None
    classification = obj.removeprefix("restricted:") if obj.startswith("restricted:") else None
    return Grant(subject.removeprefix("principal:"), action, entity, classification, created)

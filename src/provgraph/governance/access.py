"""The enforcement point: one casbin enforcer over policies/ (plus the runtime grants stored in Neo4j)
answers every access question.

Services call `require_*` before they touch the store, so GraphQL, HTTP and CLI get the same answer.
Each answer is a `Decision` naming the policy line that decided, which the audit log records.

Speed: casbin's enforce scans every policy line (about 13 us each), and runtime grants can number in the
thousands. Rules are indexed by subject when loaded and each enforce call sees only its subject's lines
(the matcher requires r.sub == p.sub, so the answer is the same); decisions are cached per
(subject, object, action) until the policy changes. Bulk reads (lineage, search) go through `ReadScope`:
one decision per entity type and restricted classification per request, none per node.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import casbin
from casbin.persist.adapters import FileAdapter
from casbin.persist.adapters.asyncio import AsyncAdapter

from ..domain.entities import EntityType
from ..domain.errors import Forbidden
from ..domain.principals import Principal
from ..resources import resource_dir

READ, WRITE, CLASSIFY = "read", "write", "classify"
APPROVE, MANAGE, DEFINE = "approve", "manage", "define"
# What the console's navigation asks about a principal: each capability is one (action, object) question
# to the enforcer, the same one the service refusing or allowing the work asks.
CAPABILITIES: dict[str, tuple[str, str]] = {
    "audit:read": (READ, "audit"),
    "principals:read": (READ, "principals"),
    "principals:admin": (MANAGE, "principals"),
    "grants:admin": (MANAGE, "principals"),
    "classifications:define": (DEFINE, "classifications"),
    "promotions:approve": (APPROVE, "promotions"),
}
OWNER = "relation:owner"
OWNER_READ_RULE = "owner: an entity's owners read what they own (restricted upstream stays hidden)"
DEFAULT_DENY = "default deny: no policy line allows this"
INACTIVE = "deactivated principal"
POLICY_CHECK_INTERVAL = 1.0  # seconds between policy-version checks per process (docs/ARCHITECTURE.md §7: replicas converge)
_CACHE_LIMIT = 100_000


@dataclass(frozen=True)
class Decision:
    """An access decision and the rule that made it: the casbin policy line that matched, or
    DEFAULT_DENY when none did."""

    allowed: bool
    rule: str


def policy_line(rule: Iterable[str], ptype: str = "p") -> str:
    return ", ".join([ptype, *rule])


class AccessDenied(Forbidden):
    """FORBIDDEN, carrying what the audit log records about the denial."""

    def __init__(
        self,
        message: str,
        *,
        principal: Principal,
        action: str,
        decision: Decision,
        resource_id: str | None = None,
        resource_type: str | None = None,
        operation: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, action=action, **({"field": field} if field else {}))
        self.principal = principal
        self.action = action
        self.operation = operation or action  # what the audit log calls the attempt (delete, grant, ...)
        self.decision = decision
        self.resource_id = resource_id
        self.resource_type = resource_type
        self.audited = False  # set once the denial is in the audit log, so nesting records it once


@dataclass(frozen=True)
class ReadScope:
    """What one principal may read, decided once per request and applied to every entity an answer
    holds (lineage, search, reports): the bulk form of the read decision, so a 1,000-node answer costs
    one decision per type and classification set, not one casbin call per node."""

    readable_types: frozenset[EntityType]
    hidden_classifications: frozenset[str] = frozenset()  # restricted ones the principal is not cleared for
    granted_ids: frozenset[str] = frozenset()  # instance read grants, which override the above
    restricted_classifications: frozenset[str] = frozenset()  # every restricted one (for audit: who read what)
    principal_name: str | None = None  # for the owner rule

    def can_see(
        self, entity_type: EntityType, classification_names: Any = (), entity_id: str | None = None, owners: Any = ()
    ) -> bool:
        """The owner rule: an entity's owners may read what they own even when it carries a restricted
        classification they are not cleared for (a run that read a PII dataset mid-run stays its
        logger's to finish); the read is audited as a restricted read under OWNER_READ_RULE, and what
        lies upstream of it stays hidden to them unless they own that too. Callers that know the
        entity's owners pass them (direct reads of one entity, run search); bulk traversals do not."""
        if entity_id is not None and entity_id in self.granted_ids:
            return True
        if entity_type not in self.readable_types:
            return False
        if not self.hidden_classifications.intersection(classification_names or ()):
            return True
        return self.owns(owners)

    def owns(self, owners: Any) -> bool:
        return self.principal_name is not None and self.principal_name in (owners or ())

    def restricted_by(self, classification_names: Any) -> list[str]:
        """The restricted classifications among these (an entity carrying any is restricted)."""
        return sorted(self.restricted_classifications.intersection(classification_names or ()))

    def cypher_params(self) -> dict[str, list[str]]:
        """The same decision as Cypher parameters, for filters that must run inside a query (search
        totals): see `visible` conditions in cypher/."""
        return {
            "readableTypes": sorted(t.label for t in self.readable_types),
            "hiddenClassifications": sorted(self.hidden_classifications),
            "grantedIds": sorted(self.granted_ids),
        }


@runtime_checkable
class PolicySource(Protocol):
    """Where runtime policy lives (governance/neo4j_adapter.py): a casbin async adapter that also tells
    which version of the stored policy it loaded, and which classifications are restricted."""

    loaded_version: int

    async def stored_version(self) -> int: ...

    async def restricted_classifications(self, tx: Any = None) -> frozenset[str]:
        """In `tx` when given (a read that computes its scope in its own transaction), else in one of its own."""
        ...

    async def audit_policy_files(self) -> bool: ...


class AccessControl:
    def __init__(self, enforcer: casbin.AsyncEnforcer, source: PolicySource | None = None) -> None:
        self._enforcer = enforcer
        self._source = source
        self._cache: dict[tuple[str, str, str], tuple[bool, tuple[str, ...]]] = {}
        self._rules: dict[str, list[list[str]]] = {}
        self._index()
        self._checked_at = float("-inf")
        self._reload_lock = asyncio.Lock()

    @classmethod
    def from_policies(cls, directory: Path | None = None, adapter: AsyncAdapter | None = None) -> "AccessControl":
        """The enforcer over model.conf, with policy.csv loaded at once; with an adapter (the Neo4j one)
        `load()` then replaces it with the file rules plus the stored runtime grants."""
        directory = directory or resource_dir("policies")
        enforcer = casbin.AsyncEnforcer(casbin.AsyncEnforcer.new_model(str(directory / "model.conf")), adapter)
        FileAdapter(str(directory / "policy.csv")).load_policy(enforcer.get_model())
        return cls(enforcer, adapter if isinstance(adapter, PolicySource) else None)

    # -- keeping the policy current ---------------------------------------------------------------

    async def load(self) -> None:
        """Loads the file rules and every stored grant now (startup, and after this process changed
        the stored policy)."""
        if self._source is None:
            return
        async with self._reload_lock:
            await self._enforcer.load_policy()
            self._index()
            self._checked_at = time.monotonic()

    def _index(self) -> None:
        rules: dict[str, list[list[str]]] = defaultdict(list)
        for rule in self._enforcer.get_model().model["p"]["p"].policy:
            rules[rule[0]].append(rule)
        self._rules, self._cache = dict(rules), {}

    async def audit_policy_files(self) -> bool:
        """Audits a changed built-in role table (at startup); True when it had changed."""
        return await self._source.audit_policy_files() if self._source else False

    async def refresh(self) -> None:
        """Reloads when another replica changed the stored policy. Checks the version counter at most
        once per POLICY_CHECK_INTERVAL, so it costs one tiny read per second per process."""
        if self._source is None or time.monotonic() - self._checked_at < POLICY_CHECK_INTERVAL:
            return
        self._checked_at = time.monotonic()
        if await self._source.stored_version() != self._source.loaded_version:
            await self.load()

    # -- decisions --------------------------------------------------------------------------------

    def decide(self, principal: Principal, action: str, *objects: str, owner: bool = False) -> Decision:
        """Deny overrides allow over every (subject, object) pair: the principal, each of its roles and,
        for an owner, relation:owner, against every object naming the resource."""
        if not principal.active:
            return Decision(False, INACTIVE)
        subjects = [f"principal:{principal.name}", *(f"role:{role}" for role in principal.roles)]
        if owner:
            subjects.append(OWNER)
        allowed_by: tuple[str, ...] | None = None
        for obj in objects:
            for subject in subjects:
                allowed, rule = self._enforce(subject, obj, action)
                if rule and rule[-1] == "deny":
                    return Decision(False, policy_line(rule))
                if allowed and allowed_by is None:
                    allowed_by = rule
        return Decision(True, policy_line(allowed_by)) if allowed_by is not None else Decision(False, DEFAULT_DENY)

    def _enforce(self, subject: str, obj: str, action: str) -> tuple[bool, tuple[str, ...]]:
        key = (subject, obj, action)
        cached = self._cache.get(key)
        if cached is None:
            # Show casbin only this subject's lines (synchronous, so no other request sees the swap).
            assertion = self._enforcer.get_model().model["p"]["p"]
            everything = assertion.policy
            assertion.policy = self._rules.get(subject, [])
            try:
                allowed, rule = self._enforcer.enforce_ex(subject, obj, action)
            finally:
                assertion.policy = everything
            cached = (bool(allowed), tuple(rule))
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache = {}
            self._cache[key] = cached
        return cached

    def allows(self, principal: Principal, action: str, obj: str) -> bool:
        return self.decide(principal, action, obj).allowed

    def require(
        self,
        principal: Principal,
        action: str,
        obj: str,
        what: str,
        *,
        resource_id: str | None = None,
        resource_type: str | None = None,
        operation: str | None = None,
    ) -> Decision:
        """`operation` names the attempt in the audit log when it is not the action itself (grant, ...)."""
        decision = self.decide(principal, action, obj)
        return self._require(decision, principal, action, what, resource_id, resource_type, operation)

    def require_type(self, principal: Principal, action: str, entity_type: EntityType) -> Decision:
        return self.require(
            principal, action, f"type:{entity_type.label}", f"{entity_type.name} entities", resource_type=entity_type.label
        )

    def require_write(
        self,
        principal: Principal,
        entity_type: EntityType,
        owners: Iterable[str] = (),
        entity_id: str | None = None,
        operation: str | None = None,
    ) -> Decision:
        """Write on one entity: allowed by its type's rules, an instance grant on it, or (for an existing
        entity, given its owners and id) by being one of its owners. A new entity needs the type rule."""
        objects = [f"type:{entity_type.label}"] + ([f"entity:{entity_id}"] if entity_id else [])
        decision = self.decide(principal, WRITE, *objects, owner=entity_id is not None and principal.name in owners)
        return self._require(decision, principal, WRITE, f"{entity_type.name} entities", entity_id, entity_type.label, operation)

    def require_classify(self, principal: Principal, entity_type: EntityType, entity_id: str) -> Decision:
        """Classify or declassify one entity: the role's classification right or an instance grant."""
        decision = self.decide(principal, CLASSIFY, "classifications", f"entity:{entity_id}")
        return self._require(decision, principal, CLASSIFY, f"{entity_type.name} {entity_id}", entity_id, entity_type.label)

    @staticmethod
    def _require(
        decision: Decision,
        principal: Principal,
        action: str,
        what: str,
        resource_id: str | None,
        resource_type: str | None,
        operation: str | None = None,
    ) -> Decision:
        if not decision.allowed:
            raise AccessDenied(
                f"principal {principal.name!r} may not {action} {what}",
                principal=principal,
                action=action,
                decision=decision,
                resource_id=resource_id,
                resource_type=resource_type,
                operation=operation,
            )
        return decision

    def capabilities(self, principal: Principal) -> list[str]:
        """The CAPABILITIES the policy grants this principal, in their table's order."""
        return [name for name, (action, obj) in CAPABILITIES.items() if self.decide(principal, action, obj).allowed]

    def allowed_actions(
        self, principal: Principal, entity_type: EntityType, entity_id: str, owners: Iterable[str] = ()
    ) -> list[str]:
        """What this principal may do to one entity it can see: read, write, classify and (models and
        their versions) approve promotions, each decided exactly as the service doing it decides."""
        owner = principal.name in owners
        objects = (f"type:{entity_type.label}", f"entity:{entity_id}")
        allowed = [
            (READ, self.decide(principal, READ, *objects).allowed or (owner and principal.active)),
            (WRITE, self.decide(principal, WRITE, *objects, owner=owner).allowed),
            (CLASSIFY, self.decide(principal, CLASSIFY, "classifications", f"entity:{entity_id}").allowed),
        ]
        if entity_type is EntityType.MODEL:
            allowed.append((APPROVE, self.decide(principal, APPROVE, "promotions", f"entity:{entity_id}").allowed))
        elif entity_type is EntityType.MODEL_VERSION:
            allowed.append((APPROVE, self.decide(principal, APPROVE, "promotions").allowed))
        return [action for action, yes in allowed if yes]

    # -- bulk reads -------------------------------------------------------------------------------

    def granted_ids(self, principal: Principal, action: str = READ) -> frozenset[str]:
        """Entities this principal holds an instance grant for (directly or through a role)."""
        if not principal.active:
            return frozenset()
        ids: set[str] = set()
        for subject in [f"principal:{principal.name}", *(f"role:{role}" for role in principal.roles)]:
            ids.update(
                obj.removeprefix("entity:")
                for _, obj, act, eft in self._rules.get(subject, [])
                if obj.startswith("entity:") and obj != "entity:*" and act in (action, "*") and eft == "allow"
            )
        return frozenset(ids)

    def read_scope(
        self,
        principal: Principal,
        restricted_classifications: frozenset[str] = frozenset(),
        granted_ids: frozenset[str] = frozenset(),
    ) -> ReadScope:
        readable = frozenset(t for t in EntityType if self.allows(principal, READ, f"type:{t.label}"))
        hidden = frozenset(
            name for name in restricted_classifications if not self.allows(principal, READ, f"restricted:{name}")
        )
        return ReadScope(
            readable_types=readable,
            hidden_classifications=hidden,
            granted_ids=granted_ids,
            restricted_classifications=frozenset(restricted_classifications),
            principal_name=principal.name if principal.active else None,
        )

    async def scope(self, principal: Principal, tx: Any = None) -> ReadScope:
        """The request's ReadScope: restricted classifications as the store defines them now, the
        principal's clearances and instance read grants as the loaded policy holds them. A read may pass
        its own transaction (store.database.Tx), saving a round trip and seeing one snapshot."""
        restricted = await self._source.restricted_classifications(tx) if self._source else frozenset()
        return self.read_scope(principal, restricted, self.granted_ids(principal))

    def read_rule(self, principal: Principal, classification_names: Iterable[str], entity_id: str) -> str:
        """The rule that let this principal read a restricted entity (for its audit event)."""
        if entity_id in self.granted_ids(principal):
            return self.decide(principal, READ, f"entity:{entity_id}").rule
        rules = [self.decide(principal, READ, f"restricted:{name}").rule for name in sorted(classification_names)]
        return "; ".join(dict.fromkeys(rules))

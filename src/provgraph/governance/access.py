"""The enforcement point: one casbin enforcer over policies/ answers every access question.

Services call `require_*` before they touch the store, so GraphQL, HTTP and CLI get the same answer.
"""

from __future__ import annotations

from pathlib import Path

import casbin

from ..domain.entities import EntityType
from ..domain.errors import Forbidden
from ..domain.principals import Principal
from ..resources import resource_dir

READ, WRITE = "read", "write"


class AccessControl:
    def __init__(self, enforcer: casbin.Enforcer) -> None:
        self._enforcer = enforcer

    @classmethod
    def from_policies(cls, directory: Path | None = None) -> "AccessControl":
        directory = directory or resource_dir("policies")
        return cls(casbin.Enforcer(str(directory / "model.conf"), str(directory / "policy.csv")))

    def allows(self, principal: Principal, action: str, obj: str) -> bool:
        subjects = [f"principal:{principal.name}", *(f"role:{role}" for role in principal.roles)]
        return principal.active and any(self._enforcer.enforce(s, obj, action) for s in subjects)

    def require(self, principal: Principal, action: str, obj: str, what: str) -> None:
        if not self.allows(principal, action, obj):
            raise Forbidden(f"principal {principal.name!r} may not {action} {what}", action=action)

    def require_type(self, principal: Principal, action: str, entity_type: EntityType) -> None:
        self.require(principal, action, f"type:{entity_type.label}", f"{entity_type.name} entities")

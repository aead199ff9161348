"""Principals (who acts) and the built-in roles (docs/ARCHITECTURE.md §4, Access control)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ROLES = ("admin", "governance-reviewer", "data-engineer", "data-scientist", "viewer")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")


def check_principal_name(name: str) -> str | None:
    """Returns the problem with a principal name, or None when it is acceptable."""
    if not _NAME.match(name or ""):
        return "must be 1-128 characters of letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
    return None


@dataclass(frozen=True)
class Principal:
    """The caller of a service: a named principal with roles, plus where the request came from."""

    name: str
    roles: tuple[str, ...]
    request_id: str = ""
    client: str = ""
    active: bool = True

    def has_role(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class NewPrincipal:
    principal: Principal
    token: str = field(repr=False)

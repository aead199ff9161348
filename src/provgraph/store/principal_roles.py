"""A principal's roles as the grant service reads and changes them (cypher/principals.cypher): roles live
on the Principal node, so a changed role is in force on the next request."""

from __future__ import annotations

from .database import Tx


async def roles_of(tx: Tx, name: str) -> list[str] | None:
    """The principal's roles, or None when there is no principal of that name."""
    record = await tx.single("principal_by_name", name=name)
    return None if record is None else list(record["roles"] or [])


async def other_active_admins(tx: Tx, name: str) -> int:
    """How many active admins there are besides this principal."""
    return (await tx.single("other_active_admins", name=name))["admins"]


async def set_roles(tx: Tx, name: str, roles: list[str]) -> None:
    await tx.single("set_principal_roles", name=name, roles=roles)

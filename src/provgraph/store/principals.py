"""Principal repository (cypher/principals.cypher, and the role and status changes in grants.cypher):
principals, their token hashes, roles and status. Services never run these statements themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .database import Tx


@dataclass(frozen=True)
class StoredPrincipal:
    """A principal as stored, without its token hash."""

    name: str
    roles: tuple[str, ...]
    active: bool
    created_at: datetime | None = None


def _principal(record: dict[str, Any]) -> StoredPrincipal:
    return StoredPrincipal(record["name"], tuple(record["roles"] or ()), bool(record["active"]), record.get("createdAt"))


async def by_token_hash(tx: Tx, token_hash: str) -> dict[str, Any] | None:
    """{name, roles, active, tokenHash} of the principal holding this token hash, or None."""
    return await tx.single("principal_by_token_hash", tokenHash=token_hash)


async def by_name(tx: Tx, name: str) -> StoredPrincipal | None:
    record = await tx.single("principal_by_name", name=name)
    return _principal(record) if record else None


async def create(tx: Tx, name: str, roles: list[str], token_hash: str) -> StoredPrincipal:
    return _principal(await tx.single("create_principal", name=name, roles=roles, tokenHash=token_hash))


async def ensure_bootstrap_admin(tx: Tx, name: str, token_hash: str) -> None:
    await tx.single("ensure_bootstrap_admin", name=name, tokenHash=token_hash)


async def count_admins(tx: Tx) -> int:
    return (await tx.single("count_admins"))["admins"]


async def other_active_admins(tx: Tx, name: str) -> int:
    return (await tx.single("other_active_admins", name=name))["admins"]


async def set_token(tx: Tx, name: str, token_hash: str) -> bool:
    """False when there is no such principal."""
    return await tx.single("set_principal_token", name=name, tokenHash=token_hash) is not None


async def set_active(tx: Tx, name: str, active: bool) -> bool | None:
    """Whether it was active before; None when there is no such principal."""
    record = await tx.single("set_principal_active", name=name, active=active)
    return None if record is None else bool(record["before"])


async def set_roles(tx: Tx, name: str, roles: list[str]) -> None:
    await tx.single("set_principal_roles", name=name, roles=roles)


async def page(tx: Tx, skip: int, limit: int) -> tuple[int, list[StoredPrincipal]]:
    """Principals by name: (total, one page)."""
    record = await tx.single("principals_page", skip=skip, limit=limit)
    return record["total"], [_principal(p) for p in record["page"]]

"""Session repository (cypher/sessions.cypher). Rows are keyed by the SHA-256 of the session id; the
id itself never reaches the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .database import Tx


async def create(tx: Tx, id_hash: str, principal: str, expires_at: datetime, idle_before: datetime, client: str) -> bool:
    """False when the principal does not exist."""
    row = await tx.single(
        "create_session", idHash=id_hash, principal=principal, expiresAt=expires_at, idleBefore=idle_before, client=client
    )
    return row is not None


async def find(tx: Tx, id_hash: str) -> dict[str, Any] | None:
    """expiresAt, lastSeenAt, and the principal's name, roles and active flag."""
    return await tx.single("session_by_id_hash", idHash=id_hash)


async def touch(tx: Tx, id_hash: str) -> None:
    await tx.single("touch_session", idHash=id_hash)


async def end(tx: Tx, id_hash: str) -> str | None:
    """Deletes the session; the principal's name if this call ended it, None if it was already gone."""
    row = await tx.single("end_session", idHash=id_hash)
    return row["principal"] if row else None


async def end_all_of(tx: Tx, principal: str) -> int:
    """Ends every session the principal holds; how many there were."""
    row = await tx.single("end_principal_sessions", principal=principal)
    return row["ended"] if row else 0

"""Console sessions: sign in with a token, resume by the session cookie, sign out.

The session id is 32 random bytes that live only in the browser's HttpOnly cookie; the database keeps
its SHA-256 (as with tokens, a fast hash is right for 256 random bits). A session dies at its absolute
expiry, after sitting idle too long, when its principal is deactivated, or at sign-out. Sign-in, failed
sign-in, sign-out and expiry are audited.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from ..domain.audit import ALLOW, ANONYMOUS, DENY, AuditRecord
from ..domain.errors import Unauthenticated
from ..domain.principals import Principal
from ..domain.sessions import TOUCH_INTERVAL, ActiveSession, SessionLifetime, SignedIn
from ..governance.access import AccessControl
from ..governance.audit import AuditLog
from ..governance.tokens import hash_token
from ..store import sessions as session_store
from ..store.database import Database, Tx
from .principals import PrincipalService

SESSION_TYPE = "session"
ENDED = "your session has ended or expired; sign in again"


class SessionService:
    def __init__(
        self,
        db: Database,
        access: AccessControl,
        principals: PrincipalService,
        log: AuditLog | None = None,
        lifetime: SessionLifetime | None = None,
    ) -> None:
        self._db = db
        self._access = access
        self._principals = principals
        self._log = log or AuditLog(db)
        self.lifetime = lifetime or SessionLifetime()

    async def sign_in(self, token: str, request_id: str = "", client: str = "") -> SignedIn:
        """A new session for the token's principal. A wrong, revoked or empty token is a 401 (audited as
        a failed sign-in) and creates nothing."""
        # A failure is counted and summarised with the other failed authentications (one event per
        # client and window), so an anonymous request writes nothing.
        try:
            principal = await self._principals.authenticate(token.strip() or None, request_id, client, action="sign-in")
        except Unauthenticated:
            if not token.strip():
                raise Unauthenticated("token: enter your provgraph token to sign in", field="token") from None
            raise Unauthenticated("token: the token is invalid or has been revoked", field="token") from None
        session_id = secrets.token_urlsafe(32)

        async def work(tx: Tx) -> datetime:
            expires_at = tx.now + self.lifetime.ttl
            if not await session_store.create(
                tx, hash_token(session_id), principal.name, expires_at, tx.now - self.lifetime.idle, client
            ):
                raise Unauthenticated("token: the token is invalid or has been revoked", field="token")
            rule = "an active principal's token"
            event = _event(principal.name, "sign-in", ALLOW, rule, request_id, client, expiresAt=expires_at.isoformat())
            await self._log.append(tx, [event])
            return expires_at

        return SignedIn(principal=principal, expires_at=await self._db.write(work), session_id=session_id)

    async def resume(self, session_id: str, request_id: str = "", client: str = "") -> ActiveSession:
        """The live session a cookie names. Ended, expired and unknown sessions are all a 401; an
        expiry (or a deactivated principal) also deletes the session and is audited once."""
        id_hash = hash_token(session_id)
        row = await self._db.read(lambda tx: session_store.find(tx, id_hash))
        if row is None:
            # Counted with the failed logins, summarised once per client and window: no write here.
            self._principals.failures.failed(client, ANONYMOUS, "unknown or ended session", request_id)
            raise Unauthenticated(ENDED)
        now = datetime.now(UTC)
        ended_because = self._why_ended(row, now)
        if ended_because:
            await self._end(id_hash, ended_because, request_id, client)
            raise Unauthenticated(ENDED)
        if now - row["lastSeenAt"] >= TOUCH_INTERVAL:
            await self._db.write(lambda tx: session_store.touch(tx, id_hash))
        await self._access.refresh()  # as bearer authentication does: pick up other replicas' grants
        principal = Principal(name=row["principal"], roles=tuple(row["roles"]), request_id=request_id, client=client)
        return ActiveSession(principal=principal, expires_at=row["expiresAt"])

    async def sign_out(self, session_id: str | None, request_id: str = "", client: str = "") -> None:
        """Ends the session (idempotent: an unknown or already ended session is nothing to do)."""
        if session_id:
            await self._end(hash_token(session_id), None, request_id, client)

    def _why_ended(self, row: dict[str, Any], now: datetime) -> str | None:
        if not row["active"]:
            return "deactivated principal"
        if now >= row["expiresAt"]:
            return f"session expired: past its absolute lifetime of {int(self.lifetime.ttl.total_seconds())} s"
        if now - row["lastSeenAt"] >= self.lifetime.idle:
            return f"session expired: idle for more than {int(self.lifetime.idle.total_seconds())} s"
        return None

    async def _end(self, id_hash: str, reason: str | None, request_id: str, client: str) -> None:
        """Deletes the session and audits it in the same transaction: sign-out without a reason, else
        the expiry. Only the request that actually deleted it writes the event."""

        async def work(tx: Tx) -> None:
            name = await session_store.end(tx, id_hash)
            if name is None:
                return
            if reason is None:
                event = _event(name, "sign-out", ALLOW, "the session's holder signed out", request_id, client)
            else:
                event = _event(name, "session-expired", DENY, reason, request_id, client, reason=reason)
            await self._log.append(tx, [event])

        await self._db.write(work)


def _event(principal: str, action: str, decision: str, rule: str, request_id: str, client: str, **details: Any) -> AuditRecord:
    return AuditRecord(
        principal, action, decision, rule, resource_type=SESSION_TYPE, request_id=request_id, client=client, details=details
    )

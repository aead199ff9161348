"""Principals: authenticate bearer tokens, create principals, the bootstrap admin."""

from __future__ import annotations

from ..domain.audit import ANONYMOUS
from ..domain.errors import BadInput, Conflict, NotFound, TooManyFailures, Unauthenticated
from ..domain.principals import ROLES, NewPrincipal, Principal, check_principal_name
from ..domain.pages import Page, check_page_size, decode_cursor
from ..governance.access import MANAGE, READ, AccessControl, Decision
from ..governance.audit import AuditLog, audit_record
from ..governance.auth_failures import FailedLogins
from ..governance.tokens import hash_token, new_token, token_matches
from ..store import principals as principal_store
from ..store.principals import StoredPrincipal
from ..store import sessions as session_store
from ..store.database import Database, Tx
from .audit import audits_denials

BOOTSTRAP_ADMIN = "admin"
# The CLI acts with the operator's direct access to the database; its changes are audited under this name.
OPERATOR = Principal(name="cli-operator", roles=())
OPERATOR_DECISION = Decision(True, "operator: direct database access through the provgraph CLI")


@audits_denials
class PrincipalService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog, failures: FailedLogins) -> None:
        self._db = db
        self._access = access
        self._log = log
        self.failures = failures

    async def authenticate(self, token: str | None, request_id: str = "", client: str = "", action: str = "login") -> Principal:
        """The principal a bearer token belongs to. Wrong, revoked and missing tokens all get the same
        answer so a caller learns nothing about which principals exist. A failure writes nothing: it is
        counted under `action` (a console sign-in is "sign-in"; governance/auth_failures.py) and summarised once per window by `record_login_failures`;
        past the threshold a client is refused with 429 before its token is even looked up."""
        token_hash = hash_token(token) if token else None
        admission = self.failures.admit(client, token_hash)
        if admission.retry_after is not None:
            raise self.failures.too_many(admission.retry_after)
        try:
            if not token:
                self.failures.failed(client, ANONYMOUS, "no bearer token", request_id, action)
                raise Unauthenticated("a bearer token is required: send 'Authorization: Bearer <token>'")
            record = await self._db.read(lambda tx: principal_store.by_token_hash(tx, token_hash))
            if record is None or not record["active"] or not token_matches(token, record["tokenHash"]):
                name, reason = (record["name"], "deactivated principal") if record else (ANONYMOUS, "unknown token")
                self.failures.failed(client, name, reason, request_id, action)
                raise Unauthenticated("the bearer token is invalid or has been revoked")
            self.failures.accepted(token_hash)
        finally:
            if admission.counted:
                self.failures.checked(client)
        # Every request passes here first: pick up policy changes other replicas made (at most one
        # version check per second), so the decisions below see current grants.
        await self._access.refresh()
        return Principal(name=record["name"], roles=tuple(record["roles"]), request_id=request_id, client=client)

    def refusing(self, client: str) -> bool:
        """Whether `client` is past the failed-login threshold: cheap enough to ask of every request."""
        return self.failures.refusing(client)

    def refusal(self, token: str | None, client: str) -> TooManyFailures | None:
        """The refusal `authenticate` would raise for this token from `client`, decided without
        awaiting anything (api/auth.py answers it before the request goes any further); None if the
        request may go on to `authenticate`."""
        retry_after = self.failures.retry_after(client, hash_token(token) if token else None)
        return None if retry_after is None else self.failures.too_many(retry_after)

    async def record_login_failures(self, close_all: bool = False) -> int:
        """Writes one summary event per (principal, reason, client) window that has closed (every open
        one too with close_all, on shutdown); returns how many. Run by the app's background loop."""
        summaries = self.failures.take_summaries(close_all)
        await self._log.record(summaries)
        return len(summaries)

    def capabilities(self, principal: Principal) -> list[str]:
        """What the policy lets this principal do (governance/access.py CAPABILITIES): the console's
        navigation. A convenience for showing; every service still decides (and refuses) itself."""
        return self._access.capabilities(principal)

    async def principals(self, actor: Principal, first: int, after: str | None) -> Page[StoredPrincipal]:
        """Principals by name (admin and governance-reviewer): the read is audited, a refusal too."""
        decision = self._access.require(
            actor, READ, "principals", "principals", resource_type="principal", operation="list-principals"
        )
        check_page_size(first)
        offset = decode_cursor(after)
        total, found = await self._db.read(lambda tx: principal_store.page(tx, offset, first))
        await self._log.record(
            [audit_record(actor, "list-principals", decision, resource_type="principal", offset=offset, principals=len(found))]
        )
        return Page(items=found, offset=offset, total=total)

    async def create(self, actor: Principal, name: str, roles: list[str]) -> NewPrincipal:
        decision = self._access.require(
            actor, MANAGE, "principals", "principals", resource_id=name, resource_type="principal", operation="create-principal"
        )
        return await self.create_unchecked(name, roles, actor, decision)

    async def create_unchecked(
        self, name: str, roles: list[str], actor: Principal = OPERATOR, decision: Decision = OPERATOR_DECISION
    ) -> NewPrincipal:
        """For the CLI, which acts with the operator's access to the database itself."""
        problem = check_principal_name(name)
        if problem:
            raise BadInput(f"name: {problem}", field="name")
        if not roles:
            raise BadInput(f"roles: give at least one role ({', '.join(ROLES)})", field="roles")
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise BadInput(f"roles: unknown role {unknown[0]!r}; the roles are {', '.join(ROLES)}", field="roles")
        token = new_token()

        async def work(tx: Tx) -> Principal:
            if await principal_store.by_name(tx, name):
                raise Conflict(f"name: a principal named {name!r} already exists", field="name")
            created = await principal_store.create(tx, name, sorted(set(roles)), hash_token(token))
            event = audit_record(actor, "create-principal", decision, name, "principal", roles=list(created.roles))
            await self._log.append(tx, [event])
            return Principal(name=created.name, roles=created.roles)

        return NewPrincipal(principal=await self._db.write(work), token=token)

    async def rotate_token(self, actor: Principal, name: str) -> str:
        """A new token for `name` (admins, or the principal itself); the old one stops working at once."""
        if actor.name == name and actor.active:
            decision = Decision(True, "self: a principal may rotate its own token")
        else:
            decision = self._access.require(
                actor, MANAGE, "principals", "principals", resource_id=name, resource_type="principal", operation="rotate-token"
            )
        return await self.rotate_token_unchecked(name, actor, decision)

    async def rotate_token_unchecked(self, name: str, actor: Principal = OPERATOR, decision: Decision = OPERATOR_DECISION) -> str:
        token = new_token()

        async def work(tx: Tx) -> None:
            if not await principal_store.set_token(tx, name, hash_token(token)):
                raise NotFound(f"name: no principal named {name!r}", field="name")
            ended = await session_store.end_all_of(tx, name)  # console sessions signed in with the old token
            await self._log.append(tx, [audit_record(actor, "rotate-token", decision, name, "principal", sessionsEnded=ended)])

        await self._db.write(work)
        return token

    async def deactivate(self, actor: Principal, name: str) -> bool:
        """Its token stops working on the next request, on every replica. False if it already was."""
        decision = self._access.require(
            actor, MANAGE, "principals", "principals", resource_id=name, resource_type="principal", operation="deactivate-principal"
        )

        async def work(tx: Tx) -> bool:
            before = await principal_store.set_active(tx, name, False)
            if before is None:
                raise NotFound(f"name: no principal named {name!r}", field="name")
            changed = before
            ended = await session_store.end_all_of(tx, name)
            event = audit_record(actor, "deactivate-principal", decision, name, "principal", changed=changed, sessionsEnded=ended)
            await self._log.append(tx, [event])
            return changed

        return await self._db.write(work)

    async def ensure_bootstrap_admin(self, token: str | None) -> str | None:
        """With PROVGRAPH_ADMIN_TOKEN set, the `admin` principal answers to it. Without it, and with no
        active admin yet, a token is generated and returned so `serve` can print it once."""
        if token:
            await self._db.write(lambda tx: principal_store.ensure_bootstrap_admin(tx, BOOTSTRAP_ADMIN, hash_token(token)))
            return None
        if await self._db.read(principal_store.count_admins):
            return None
        generated = new_token()
        await self._db.write(lambda tx: principal_store.ensure_bootstrap_admin(tx, BOOTSTRAP_ADMIN, hash_token(generated)))
        return generated

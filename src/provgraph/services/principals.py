"""Principals: authenticate bearer tokens, create principals, the bootstrap admin."""

from __future__ import annotations

from ..domain.errors import BadInput, Conflict, Unauthenticated
from ..domain.principals import ROLES, NewPrincipal, Principal, check_principal_name
from ..governance.access import AccessControl
from ..governance.tokens import hash_token, new_token, token_matches
from ..store.database import Database, Tx

BOOTSTRAP_ADMIN = "admin"
MANAGE = "manage"


class PrincipalService:
    def __init__(self, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    async def authenticate(self, token: str | None, request_id: str = "", client: str = "") -> Principal:
        """The principal a bearer token belongs to. Wrong, revoked and missing tokens all get the same
        answer so a caller learns nothing about which principals exist."""
        if not token:
            raise Unauthenticated("a bearer token is required: send 'Authorization: Bearer <token>'")
        record = await self._db.read(lambda tx: tx.single("principal_by_token_hash", tokenHash=hash_token(token)))
        if record is None or not record["active"] or not token_matches(token, record["tokenHash"]):
            raise Unauthenticated("the bearer token is invalid or has been revoked")
        return Principal(name=record["name"], roles=tuple(record["roles"]), request_id=request_id, client=client)

    async def create(self, actor: Principal, name: str, roles: list[str]) -> NewPrincipal:
        self._access.require(actor, MANAGE, "principals", "principals")
        return await self.create_unchecked(name, roles)

    async def create_unchecked(self, name: str, roles: list[str]) -> NewPrincipal:
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
            if await tx.single("principal_by_name", name=name):
                raise Conflict(f"name: a principal named {name!r} already exists", field="name")
            record = await tx.single("create_principal", name=name, roles=sorted(set(roles)), tokenHash=hash_token(token))
            return Principal(name=record["name"], roles=tuple(record["roles"]))

        return NewPrincipal(principal=await self._db.write(work), token=token)

    async def ensure_bootstrap_admin(self, token: str | None) -> str | None:
        """With PROVGRAPH_ADMIN_TOKEN set, the `admin` principal answers to it. Without it, and with no
        active admin yet, a token is generated and returned so `serve` can print it once."""
        if token:
            await self._db.write(lambda tx: tx.single("ensure_bootstrap_admin", name=BOOTSTRAP_ADMIN, tokenHash=hash_token(token)))
            return None
        admins = await self._db.read(lambda tx: tx.single("count_admins"))
        if admins["admins"]:
            return None
        generated = new_token()
        await self._db.write(lambda tx: tx.single("ensure_bootstrap_admin", name=BOOTSTRAP_ADMIN, tokenHash=hash_token(generated)))
        return generated

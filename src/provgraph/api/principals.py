"""GraphQL for principals: who am I (with what the policy lets me do), the principals list (admin and
governance-reviewer), and creating principals (admin)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ..domain import principals as domain
from ..store.principals import StoredPrincipal
from .context import Info
from .pagination import Connection, connection


@strawberry.type
class Principal:
    name: str
    roles: list[str]
    active: bool
    created_at: datetime | None = strawberry.field(description="When it was created (null for `me`, which is not re-read).")
    acting: strawberry.Private[domain.Principal]

    @classmethod
    def of(cls, p: domain.Principal, created_at: datetime | None = None) -> "Principal":
        return cls(name=p.name, roles=list(p.roles), active=p.active, created_at=created_at, acting=p)

    @classmethod
    def stored(cls, p: StoredPrincipal) -> "Principal":
        return cls.of(domain.Principal(name=p.name, roles=p.roles, active=p.active), p.created_at)

    @strawberry.field(
        description=(
            "What the principal may do, decided by the policy (Casbin) in the service layer; the console's "
            "navigation uses it: audit:read, principals:read, principals:admin, grants:admin, "
            "classifications:define, promotions:approve."
        )
    )
    def capabilities(self, info: Info) -> list[str]:
        return info.context.services.principals.capabilities(self.acting)


@strawberry.type(description="A new principal and its bearer token. The token is shown only this once.")
class NewPrincipal:
    principal: Principal
    token: str


@strawberry.type
class PrincipalQuery:
    @strawberry.field(description="The principal making this request.")
    def me(self, info: Info) -> Principal:
        return Principal.of(info.context.principal)

    @strawberry.field(description="Principals by name (admin and governance-reviewer; FORBIDDEN otherwise, audited).")
    async def principals(self, info: Info, first: int = 100, after: str | None = None) -> Connection[Principal]:
        ctx = info.context
        return connection(await ctx.services.principals.principals(ctx.principal, first, after), Principal.stored)


@strawberry.type
class PrincipalMutation:
    @strawberry.mutation(description="Create a principal with roles (admin only); returns its token once.")
    async def create_principal(self, info: Info, name: str, roles: list[str]) -> NewPrincipal:
        ctx = info.context
        created = await ctx.services.principals.create(ctx.principal, name, roles)
        return NewPrincipal(principal=Principal.of(created.principal), token=created.token)

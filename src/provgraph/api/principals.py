"""GraphQL for principals: who am I, and creating principals (admin)."""

from __future__ import annotations

import strawberry

from ..domain import principals as domain
from .context import Info


@strawberry.type
class Principal:
    name: str
    roles: list[str]

    @classmethod
    def of(cls, p: domain.Principal) -> "Principal":
        return cls(name=p.name, roles=list(p.roles))


@strawberry.type(description="A new principal and its bearer token. The token is shown only this once.")
class NewPrincipal:
    principal: Principal
    token: str


@strawberry.type
class PrincipalQuery:
    @strawberry.field(description="The principal making this request.")
    def me(self, info: Info) -> Principal:
        return Principal.of(info.context.principal)


@strawberry.type
class PrincipalMutation:
    @strawberry.mutation(description="Create a principal with roles (admin only); returns its token once.")
    async def create_principal(self, info: Info, name: str, roles: list[str]) -> NewPrincipal:
        ctx = info.context
        created = await ctx.services.principals.create(ctx.principal, name, roles)
        return NewPrincipal(principal=Principal.of(created.principal), token=created.token)

"""GraphQL for grants and principal lifecycle: grant, revoke, grants, rotateToken, deactivatePrincipal.

`grant`/`revoke` take three forms (services/grants.py): an instance grant (action read|write|classify,
or approve on a MODEL, with entityId), a clearance (action read with classification), or a role (action
`role:<role>`, neither entityId nor classification): roles are granted and revoked like everything else.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from ..services import grants as domain
from .context import Info


@strawberry.type(description="A runtime grant: an instance grant (entityId) or a clearance (classification).")
class Grant:
    principal: str
    action: str
    entity_id: strawberry.ID | None
    classification: str | None
    created_at: datetime | None

    @classmethod
    def of(cls, g: domain.Grant) -> "Grant":
        entity_id = strawberry.ID(g.entity_id) if g.entity_id else None
        return cls(principal=g.principal, action=g.action, entity_id=entity_id, classification=g.classification, created_at=g.created_at)


@strawberry.type
class GrantQuery:
    @strawberry.field(description="Runtime grants, of one principal or of all (admin and governance-reviewer).")
    async def grants(self, info: Info, principal: str | None = None) -> list[Grant]:
        ctx = info.context
        return [Grant.of(g) for g in await ctx.services.grants.grants(ctx.principal, principal)]


@strawberry.type
class GrantMutation:
    @strawberry.mutation(
        description="Grant an action on one entity (entityId), clearance for a restricted classification "
        "(action read with classification), or a role (action role:<role>). Admin only; takes effect on "
        "every API replica within seconds."
    )
    async def grant(
        self,
        info: Info,
        principal: str,
        action: str,
        entity_id: strawberry.ID | None = None,
        classification: str | None = None,
    ) -> bool:
        ctx = info.context
        entity = str(entity_id) if entity_id is not None else None
        return await ctx.services.grants.grant(ctx.principal, principal, action, entity, classification)

    @strawberry.mutation(description="Remove what `grant` gave (same arguments); false when there was nothing to remove.")
    async def revoke(
        self,
        info: Info,
        principal: str,
        action: str,
        entity_id: strawberry.ID | None = None,
        classification: str | None = None,
    ) -> bool:
        ctx = info.context
        entity = str(entity_id) if entity_id is not None else None
        return await ctx.services.grants.revoke(ctx.principal, principal, action, entity, classification)

    @strawberry.mutation(description="A new token for the principal (admin, or the principal itself); the old one stops working.")
    async def rotate_token(self, info: Info, name: str) -> str:
        ctx = info.context
        return await ctx.services.principals.rotate_token(ctx.principal, name)

    @strawberry.mutation(description="Deactivate a principal (admin only): its token stops working on the next request.")
    async def deactivate_principal(self, info: Info, name: str) -> bool:
        ctx = info.context
        return await ctx.services.principals.deactivate(ctx.principal, name)

"""GraphQL for the model registry: versions, aliases and the promotion workflow."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from ..domain import registry as domain
from .context import Info
from .entities import Entity
from .loaders import model_loader, run_loader, version_loader
from .pagination import Connection, connection
from .runs import Run

PromotionStatus = strawberry.enum(domain.PromotionStatus, name="PromotionStatus")


@strawberry.type(
    name="Promotion",
    description="A request to move an alias to a version, and its decision. Every step is audited.",
)
class Promotion:
    id: strawberry.ID
    model_id: strawberry.ID
    version_id: strawberry.ID
    alias: str
    status: PromotionStatus
    requested_by: str
    requested_at: datetime
    comment: str | None
    restricted_upstream: list[str] = strawberry.field(
        description="Restricted classifications upstream of the version when requested."
    )
    needs_governance: bool = strawberry.field(description="Only a governance reviewer (or admin) may approve it.")
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str | None

    @strawberry.field(description="The version to promote; null when the caller may not see it.")
    async def version(self, info: Info) -> "ModelVersion | None":
        found = await version_loader(info).load(str(self.version_id))
        return ModelVersion.of(found) if found else None

    @strawberry.field(description="The model whose alias moves; null when the caller may not see it.")
    async def model(self, info: Info) -> "Model | None":
        found = await model_loader(info).load(str(self.model_id))
        return Model.of(found) if found else None

    @classmethod
    def of(cls, p: domain.Promotion) -> "Promotion":
        return cls(
            id=strawberry.ID(p.id),
            model_id=strawberry.ID(p.model_id),
            version_id=strawberry.ID(p.version_id),
            alias=p.alias,
            status=p.status,
            requested_by=p.requested_by,
            requested_at=p.requested_at,
            comment=p.comment,
            restricted_upstream=p.restricted_upstream,
            needs_governance=p.needs_governance,
            decided_by=p.decided_by,
            decided_at=p.decided_at,
            decision_comment=p.decision_comment,
        )


@strawberry.type(name="AliasAssignment", description="An alias on a version from assignedAt until removedAt (null: current).")
class AliasAssignment:
    alias: str
    model_id: strawberry.ID
    version_id: strawberry.ID
    version: int | None
    assigned_at: datetime
    assigned_by: str
    removed_at: datetime | None
    removed_by: str | None
    promotion_id: strawberry.ID | None

    @classmethod
    def of(cls, a: domain.AliasAssignment) -> "AliasAssignment":
        return cls(
            alias=a.alias,
            model_id=strawberry.ID(a.model_id),
            version_id=strawberry.ID(a.version_id),
            version=a.version,
            assigned_at=a.assigned_at,
            assigned_by=a.assigned_by,
            removed_at=a.removed_at,
            removed_by=a.removed_by,
            promotion_id=strawberry.ID(a.promotion_id) if a.promotion_id else None,
        )


@strawberry.type(name="ModelVersion", description="A registered version of a model, with its aliases and promotions.")
class ModelVersion:
    id: strawberry.ID
    version: int | None
    entity: Entity
    model_id: strawberry.ID | None
    run_id: strawberry.ID | None
    aliases: list[str]
    promotions: list[Promotion] = strawberry.field(description="Every promotion request of this version, newest first.")

    @classmethod
    def of(cls, v: domain.ModelVersion) -> "ModelVersion":
        return cls(
            id=strawberry.ID(v.id),
            version=v.version,
            entity=Entity.of(v.entity),
            model_id=strawberry.ID(v.model_id) if v.model_id else None,
            run_id=strawberry.ID(v.run_id) if v.run_id else None,
            aliases=v.aliases,
            promotions=[Promotion.of(p) for p in v.promotions],
        )

    @strawberry.field(description="The run that produced this version.")
    async def run(self, info: Info) -> Run | None:
        if self.run_id is None:
            return None
        found = await run_loader(info).load(str(self.run_id))
        return Run.of(found) if found else None


@strawberry.type(name="Model", description="A registered model: its versions and current aliases.")
class Model:
    id: strawberry.ID
    entity: Entity
    latest_version: int | None
    aliases: list[AliasAssignment] = strawberry.field(description="The current aliases.")

    @classmethod
    def of(cls, m: domain.Model) -> "Model":
        return cls(
            id=strawberry.ID(m.id),
            entity=Entity.of(m.entity),
            latest_version=m.latest_version,
            aliases=[AliasAssignment.of(a) for a in m.aliases],
        )

    @strawberry.field(description="Versions, newest first.")
    async def versions(self, info: Info, first: int = 100) -> list[ModelVersion]:
        ctx = info.context
        return [ModelVersion.of(v) for v in await ctx.services.registry.model_versions(ctx.principal, str(self.id), first)]

    @strawberry.field(description="Alias assignments, current and ended, newest first (optionally of one alias).")
    async def alias_history(self, info: Info, alias: str | None = None, first: int = 100) -> list[AliasAssignment]:
        ctx = info.context
        found = await ctx.services.registry.alias_history(ctx.principal, str(self.id), alias, first)
        return [AliasAssignment.of(a) for a in found]


@strawberry.type
class RegistryQuery:
    @strawberry.field(description="A model by id or by qualifiedName (`name`).")
    async def model(self, info: Info, id: strawberry.ID | None = None, name: str | None = None) -> Model | None:
        ctx = info.context
        found = await ctx.services.registry.get_model(ctx.principal, str(id) if id else None, name)
        return Model.of(found) if found else None

    @strawberry.field(description="Registered models by name (text filters: a part of the name, any case; same limits as search).")
    async def models(self, info: Info, text: str | None = None, first: int = 50, after: str | None = None) -> Connection[Model]:
        ctx = info.context
        return connection(await ctx.services.registry.models(ctx.principal, text, first, after), Model.of)

    @strawberry.field(description="A model version by id; null when not found.")
    async def model_version(self, info: Info, id: strawberry.ID) -> ModelVersion | None:
        ctx = info.context
        found = await ctx.services.registry.find_version(ctx.principal, str(id))
        return ModelVersion.of(found) if found else None

    @strawberry.field(description="The version an alias of the model points at now.")
    async def model_version_by_alias(self, info: Info, model_id: strawberry.ID, alias: str) -> ModelVersion | None:
        ctx = info.context
        found = await ctx.services.registry.version_by_alias(ctx.principal, str(model_id), alias)
        return ModelVersion.of(found) if found else None

    @strawberry.field
    async def promotion(self, info: Info, id: strawberry.ID) -> Promotion | None:
        ctx = info.context
        found = await ctx.services.registry.promotion(ctx.principal, str(id))
        return Promotion.of(found) if found else None

    @strawberry.field(description="Promotion requests, newest first: status PENDING is the reviewers' queue.")
    async def promotions(
        self,
        info: Info,
        status: PromotionStatus | None = None,
        model_id: strawberry.ID | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Promotion]:
        ctx = info.context
        page = await ctx.services.registry.promotions(ctx.principal, status, str(model_id) if model_id else None, first, after)
        return connection(page, Promotion.of)


@strawberry.type
class RegistryMutation:
    @strawberry.mutation(
        description="Register the next version of a model (by qualifiedName, created when missing), produced by runId."
    )
    async def create_model_version(
        self,
        info: Info,
        model: str,
        run_id: strawberry.ID | None = None,
        description: str | None = None,
        properties: JSON | None = None,
        owners: list[str] | None = None,
    ) -> ModelVersion:
        ctx = info.context
        created = await ctx.services.registry.create_model_version(
            ctx.principal, model, str(run_id) if run_id else None, description, properties, owners
        )
        return ModelVersion.of(created)

    @strawberry.mutation(description="Point an alias of the model at one of its versions (moving it, history kept).")
    async def set_alias(self, info: Info, model_id: strawberry.ID, version_id: strawberry.ID, alias: str) -> AliasAssignment:
        ctx = info.context
        return AliasAssignment.of(await ctx.services.registry.set_alias(ctx.principal, str(model_id), str(version_id), alias))

    @strawberry.mutation(description="Remove an alias from the model (its history stays). False if it pointed nowhere.")
    async def remove_alias(self, info: Info, model_id: strawberry.ID, alias: str) -> bool:
        ctx = info.context
        return await ctx.services.registry.remove_alias(ctx.principal, str(model_id), alias)

    @strawberry.mutation(description="Ask for the alias to be moved to this version; a reviewer approves or rejects.")
    async def request_promotion(self, info: Info, version_id: strawberry.ID, alias: str, comment: str | None = None) -> Promotion:
        ctx = info.context
        return Promotion.of(await ctx.services.registry.request_promotion(ctx.principal, str(version_id), alias, comment))

    @strawberry.mutation(description="Approve a pending promotion (not your own): the alias moves to the version.")
    async def approve_promotion(self, info: Info, request_id: strawberry.ID, comment: str | None = None) -> Promotion:
        ctx = info.context
        return Promotion.of(await ctx.services.registry.approve_promotion(ctx.principal, str(request_id), comment))

    @strawberry.mutation(description="Reject a pending promotion (not your own).")
    async def reject_promotion(self, info: Info, request_id: strawberry.ID, comment: str | None = None) -> Promotion:
        ctx = info.context
        return Promotion.of(await ctx.services.registry.reject_promotion(ctx.principal, str(request_id), comment))

"""GraphQL for classifications: definitions, classify and declassify, blocking propagation on an edge."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from ..domain import classifications as domain
from .context import Info
from .entities import Entity, LineageEdge


@strawberry.type(description="A classification that may be assigned to entities.")
class ClassificationDef:
    name: str
    description: str | None
    attributes: list[str] = strawberry.field(description="The attribute names an assignment may set.")
    propagate: bool = strawberry.field(description="The default `propagate` of new assignments.")
    restricted: bool = strawberry.field(
        description="Entities carrying it (directly or by propagation) are readable only by cleared principals."
    )
    built_in: bool

    @classmethod
    def of(cls, d: domain.ClassificationDef) -> "ClassificationDef":
        return cls(
            name=d.name,
            description=d.description,
            attributes=list(d.attributes),
            propagate=d.propagate,
            restricted=d.restricted,
            built_in=d.built_in,
        )


@strawberry.type
class ClassificationQuery:
    @strawberry.field(description="Every classification definition, by name.")
    async def classification_defs(self, info: Info) -> list[ClassificationDef]:
        ctx = info.context
        return [ClassificationDef.of(d) for d in await ctx.services.classifications.definitions(ctx.principal)]


@strawberry.type
class ClassificationMutation:
    @strawberry.mutation(
        description="Create or update a classification definition (UPPER_SNAKE name). Changing `restricted` "
        "or `attributes` is CONFLICT while entities hold it."
    )
    async def define_classification(
        self,
        info: Info,
        name: str,
        description: str | None = None,
        attributes: list[str] | None = None,
        propagate: bool = True,
        restricted: bool = False,
    ) -> ClassificationDef:
        ctx = info.context
        defined = await ctx.services.classifications.define(
            ctx.principal, name, description, attributes, propagate, restricted
        )
        return ClassificationDef.of(defined)

    @strawberry.mutation(
        description="Assign a classification to an entity, or update its attributes and flags in place. "
        "With propagate (default: the definition's) it reaches everything downstream and every member."
    )
    async def classify(
        self,
        info: Info,
        entity_id: strawberry.ID,
        name: str,
        attributes: JSON | None = None,
        propagate: bool | None = None,
        remove_on_source_delete: bool = False,
    ) -> Entity:
        ctx = info.context
        entity = await ctx.services.classifications.classify(
            ctx.principal, str(entity_id), name, attributes, propagate, remove_on_source_delete
        )
        return Entity.of(entity)

    @strawberry.mutation(
        description="Remove an entity's direct classification and every copy propagated from it. A propagated "
        "copy cannot be removed on its own (PROPAGATED_CLASSIFICATION)."
    )
    async def declassify(self, info: Info, entity_id: strawberry.ID, name: str) -> Entity:
        ctx = info.context
        return Entity.of(await ctx.services.classifications.declassify(ctx.principal, str(entity_id), name))

    @strawberry.mutation(description="Stop a classification, from every source, crossing a live lineage edge.")
    async def block_propagation(
        self, info: Info, source_id: strawberry.ID, target_id: strawberry.ID, classification: str
    ) -> LineageEdge:
        ctx = info.context
        edge = await ctx.services.classifications.block(ctx.principal, str(source_id), str(target_id), classification)
        return LineageEdge.of(edge)

    @strawberry.mutation(description="Let a blocked classification cross a live lineage edge again.")
    async def unblock_propagation(
        self, info: Info, source_id: strawberry.ID, target_id: strawberry.ID, classification: str
    ) -> LineageEdge:
        ctx = info.context
        edge = await ctx.services.classifications.unblock(ctx.principal, str(source_id), str(target_id), classification)
        return LineageEdge.of(edge)

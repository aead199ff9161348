"""GraphQL for entities: the Entity type (with its container and members), lookups, search, upserts, processes, lineage edges, deletes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from ..cooperative import map_in_slices, stream_mapped
from ..domain import entities as domain
from ..domain.classifications import ClassificationAssignment as AssignmentModel
from ..domain.lineage import LineageEdge as EdgeModel
from ..domain.validation import parse
from .containment import container_loader, members_loader
from .context import Info
from .pagination import Connection, connection

EntityType = strawberry.enum(domain.EntityType, name="EntityType", description="The eleven kinds of entity.")


@strawberry.type(description="A classification an entity carries, directly or propagated from `sourceId`.")
class ClassificationAssignment:
    name: str
    attributes: JSON
    propagate: bool
    propagated: bool
    source_id: strawberry.ID
    path: list[strawberry.ID] = strawberry.field(description="Entity ids from the source to this holder.")

    @classmethod
    def of(cls, a: AssignmentModel) -> "ClassificationAssignment":
        return cls(
            name=a.name,
            attributes=a.attributes,
            propagate=a.propagate,
            propagated=a.propagated,
            source_id=strawberry.ID(a.source_id),
            path=[strawberry.ID(p) for p in a.path],
        )


@strawberry.type(description="A dataset, feature, run, model, deployment or other ML metadata entity.")
class Entity:
    id: strawberry.ID
    type: EntityType
    qualified_name: str
    name: str
    description: str | None
    properties: JSON
    owners: list[str]
    aliases: list[str] = strawberry.field(
        description="Other qualifiedNames of the same entity (a dataset's OpenLineage symlinks); "
        "entityByName and search find it by them too."
    )
    classifications: list[ClassificationAssignment]
    created_at: datetime
    updated_at: datetime
    deleted: bool

    @strawberry.field(
        description="The live entity holding this one (HAS_VERSION, HAS_FEATURE, HAS_RUN): a dataset or "
        "model of a version, a dataset or dataset version of a feature, an experiment or pipeline of a run; "
        "null when there is none or the caller may not see it."
    )
    async def container(self, info: Info) -> "Entity | None":
        found = await container_loader(info).load(str(self.id))
        return Entity.of(found) if found else None

    @strawberry.field(
        description="The live entities this one holds (versions, features, runs), by type then "
        "qualifiedName, at most 1,000 a page; optionally only some types. Members the caller may not "
        "see are neither listed nor counted."
    )
    async def members(
        self, info: Info, first: int = 100, after: str | None = None, types: list[EntityType] | None = None
    ) -> "Connection[Entity]":
        wanted = info.context.services.entities.members_wanted(str(self.id), first, after, types)
        return connection(await members_loader(info).load(wanted), Entity.of)

    @strawberry.field(
        description="What the caller may do to this entity: a subset of read, write, classify and (models and "
        "their versions) approve, decided by the policy as the operations themselves decide."
    )
    def allowed_actions(self, info: Info) -> list[str]:
        ctx = info.context
        return ctx.services.entities.allowed_actions(ctx.principal, self.type, str(self.id), self.owners)

    @classmethod
    def of(cls, e: domain.Entity) -> "Entity":
        return cls(
            id=strawberry.ID(e.id),
            type=e.type,
            qualified_name=e.qualified_name,
            name=e.name,
            description=e.description,
            properties=e.properties,
            owners=e.owners,
            aliases=e.aliases,
            classifications=[ClassificationAssignment.of(a) for a in e.classifications],
            created_at=e.created_at,
            updated_at=e.updated_at,
            deleted=e.deleted,
        )


@strawberry.type(description="A lineage edge, in the direction data flows.")
class LineageEdge:
    source: strawberry.ID
    target: strawberry.ID
    type: str
    blocked_classifications: list[str] = strawberry.field(
        description="Classifications that may not propagate across this edge (blockPropagation)."
    )

    @classmethod
    def of(cls, edge: EdgeModel) -> "LineageEdge":
        return cls(
            source=strawberry.ID(edge.source),
            target=strawberry.ID(edge.target),
            type=edge.type.value,
            blocked_classifications=edge.blocked_classifications,
        )


@strawberry.input(name="EntityRef", description="An entity by id, or by type and qualifiedName.")
class EntityRefInput:
    id: strawberry.ID | None = None
    type: EntityType | None = None
    qualified_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "qualified_name": self.qualified_name}


@strawberry.input(name="EntityInput", description="An entity to create or update, keyed on (type, qualifiedName).")
class EntityInput:
    type: EntityType
    qualified_name: str
    name: str | None = None
    description: str | None = None
    properties: JSON | None = None
    owners: list[str] | None = None
    container: EntityRefInput | None = None

    def to_domain(self, where: str) -> domain.EntityInput:
        return parse(
            domain.EntityInput,
            {
                "type": self.type,
                "qualified_name": self.qualified_name,
                "name": self.name,
                "description": self.description,
                "properties": self.properties,
                "owners": self.owners,
                "container": self.container.as_dict() if self.container else None,
            },
            where,
        )


@strawberry.input(name="LineageEdgeInput", description="A lineage edge to add, in the direction data flows.")
class LineageEdgeInput:
    source_id: strawberry.ID
    target_id: strawberry.ID


@strawberry.input(name="ProcessInput", description="A RUN or PIPELINE_RUN with the entities it read and wrote.")
class ProcessInput:
    type: EntityType
    qualified_name: str
    inputs: list[EntityRefInput]
    outputs: list[EntityRefInput]
    name: str | None = None
    properties: JSON | None = None
    container: EntityRefInput | None = None

    def to_domain(self, where: str) -> domain.ProcessInput:
        return parse(
            domain.ProcessInput,
            {
                "type": self.type,
                "qualified_name": self.qualified_name,
                "name": self.name,
                "properties": self.properties,
                "container": self.container.as_dict() if self.container else None,
                "inputs": [ref.as_dict() for ref in self.inputs],
                "outputs": [ref.as_dict() for ref in self.outputs],
            },
            where,
        )


@strawberry.type
class EntityQuery:
    @strawberry.field(description="An entity by id; null when it does not exist or was deleted.")
    async def entity(self, info: Info, id: strawberry.ID) -> Entity | None:
        ctx = info.context
        entity = await ctx.services.entities.find(ctx.principal, str(id))
        return Entity.of(entity) if entity else None

    @strawberry.field(description="An entity by type and qualified name, or else by one of its aliases.")
    async def entity_by_name(self, info: Info, type: EntityType, qualified_name: str) -> Entity | None:
        ctx = info.context
        entity = await ctx.services.entities.get_by_name(ctx.principal, type, qualified_name)
        return Entity.of(entity) if entity else None

    @strawberry.field(description="Full-text search over name, qualifiedName and description.")
    async def search(
        self,
        info: Info,
        text: str | None = None,
        types: list[EntityType] | None = None,
        classification: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Entity]:
        ctx = info.context
        page = await ctx.services.entities.search(ctx.principal, text, types, first, after, classification)
        return connection(page, Entity.of)


@strawberry.type
class EntityMutation:
    @strawberry.mutation(description="Create or update up to 10,000 entities in one transaction.")
    async def upsert_entities(self, info: Info, input: list[EntityInput]) -> list[Entity]:
        ctx = info.context
        items = await map_in_slices(lambda pair: pair[1].to_domain(f"input[{pair[0]}]"), enumerate(input))
        stored = await ctx.services.ingest.upsert_entities(ctx.principal, items)
        # An async iterator, still [Entity!]! to clients: graphql-core completes it in slices (cooperative.py).
        return stream_mapped(Entity.of, stored)  # type: ignore[return-value]

    @strawberry.mutation(description="Record a RUN or PIPELINE_RUN with exactly these inputs and outputs.")
    async def record_process(self, info: Info, input: ProcessInput) -> Entity:
        ctx = info.context
        return Entity.of(await ctx.services.ingest.record_process(ctx.principal, input.to_domain("input")))

    @strawberry.mutation(
        description="Record up to 1,000 RUNs or PIPELINE_RUNs (10,000 inputs and outputs in all) in one "
        "transaction, each with exactly these inputs and outputs; returned in input order."
    )
    async def record_processes(self, info: Info, input: list[ProcessInput]) -> list[Entity]:
        ctx = info.context
        processes = await map_in_slices(lambda pair: pair[1].to_domain(f"input[{pair[0]}]"), enumerate(input))
        recorded = await ctx.services.ingest.record_processes(ctx.principal, processes)
        return stream_mapped(Entity.of, recorded)  # type: ignore[return-value]  # as upsert_entities

    @strawberry.mutation(description="Add a lineage edge from source to target (data-flow direction).")
    async def link_lineage(self, info: Info, source_id: strawberry.ID, target_id: strawberry.ID) -> LineageEdge:
        ctx = info.context
        return LineageEdge.of(await ctx.services.ingest.link_lineage(ctx.principal, str(source_id), str(target_id)))

    @strawberry.mutation(
        description="Add up to 10,000 lineage edges in one transaction (each as linkLineage would); "
        "returned in input order."
    )
    async def link_lineages(self, info: Info, input: list[LineageEdgeInput]) -> list[LineageEdge]:
        ctx = info.context
        pairs = [(str(edge.source_id), str(edge.target_id)) for edge in input]
        return [LineageEdge.of(e) for e in await ctx.services.ingest.link_lineages(ctx.principal, pairs)]

    @strawberry.mutation(description="End the live lineage edge from source to target; it stays in history.")
    async def unlink_lineage(self, info: Info, source_id: strawberry.ID, target_id: strawberry.ID) -> bool:
        ctx = info.context
        return await ctx.services.ingest.unlink_lineage(ctx.principal, str(source_id), str(target_id))

    @strawberry.mutation(description="Soft-delete an entity: hidden from lookups and search, kept in history.")
    async def delete_entity(self, info: Info, id: strawberry.ID) -> bool:
        ctx = info.context
        return await ctx.services.ingest.delete_entity(ctx.principal, str(id))

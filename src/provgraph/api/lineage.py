"""GraphQL for lineage: `lineage`, `lineagePath` and `impact` (docs/ARCHITECTURE.md §5), over services/lineage.py.

A node's `entity` is resolved through a DataLoader made for that one answer: every node asking for its
entity in the same answer is loaded by one query, whatever the number of nodes.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader

from ..domain import entities as entity_domain
from ..domain import lineage as domain
from .context import Info
from .entities import Entity, EntityType, LineageEdge

LineageDirection = strawberry.enum(
    domain.LineageDirection,
    name="LineageDirection",
    description="UPSTREAM: against the data flow; DOWNSTREAM: with it; BOTH: the union.",
)

EntityLoader = DataLoader[str, entity_domain.Entity | None]


def entity_loader(info: Info) -> EntityLoader:
    """Loads the entities of one answer's nodes together, through the service (which checks access)."""
    ctx = info.context

    async def load(ids: list[str]) -> list[entity_domain.Entity | None]:
        found = await ctx.services.lineage.entities(ctx.principal, ids)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


@strawberry.type(
    description="An entity in a lineage answer. A restricted node (one the caller may not see) has an "
    "opaque id (restricted-N, stable within one answer), its type and distance, and no entity."
)
class LineageNode:
    id: strawberry.ID
    type: EntityType
    distance: int = strawberry.field(description="Lineage hops from the root (its shortest distance).")
    restricted: bool
    loader: strawberry.Private[EntityLoader]

    @strawberry.field(description="The full entity; null for a restricted node.")
    async def entity(self) -> Entity | None:
        if self.restricted:
            return None
        found = await self.loader.load(str(self.id))
        return Entity.of(found) if found else None

    @classmethod
    def of(cls, node: domain.LineageNode, loader: EntityLoader) -> "LineageNode":
        return cls(
            id=strawberry.ID(node.id),
            type=node.type,
            distance=node.distance,
            restricted=node.restricted,
            loader=loader,
        )


def edge_of(edge: domain.GraphEdge) -> LineageEdge:
    return LineageEdge(
        source=strawberry.ID(edge.source),
        target=strawberry.ID(edge.target),
        type=edge.type,
        blocked_classifications=edge.blocked_classifications,
    )


@strawberry.type(description="The entities within some lineage hops of a root, with the edges among them.")
class Lineage:
    root: strawberry.ID
    nodes: list[LineageNode] = strawberry.field(description="The root first (distance 0), then nearest first.")
    edges: list[LineageEdge] = strawberry.field(
        description="Every lineage edge between two returned nodes, in data-flow direction; from a FEATURE "
        "root also the HAS_FEATURE edge from its container, the step to the dataset level."
    )
    truncated: bool = strawberry.field(description="More entities were within reach than maxNodes allowed.")


@strawberry.type(description="How many entities of one type.")
class TypeCount:
    type: EntityType
    count: int


@strawberry.type(description="Everything downstream of an entity: what breaks if it changes, and whom to tell.")
class Impact:
    root: strawberry.ID
    total: int
    by_type: list[TypeCount]
    entities: list[LineageNode] = strawberry.field(description="Nearest first, the root excluded.")
    owners: list[str] = strawberry.field(description="The owners of the affected entities the caller may see.")
    deployments: list[LineageNode]
    truncated: bool = strawberry.field(description="More than 10,000 entities are downstream; the nearest are listed.")


@strawberry.type
class LineageQuery:
    @strawberry.field(
        description="Every entity within `depth` (0-50) lineage hops of `id`, each at its shortest distance, "
        "with the edges among them. At most `maxNodes` (1-10,000) nodes, root included: the nearest are "
        "kept and `truncated` is set. `types` filters what is returned, not what is traversed. With "
        "`asOf`, the graph as it stood then. From a FEATURE, its DERIVES lineage and, one hop away "
        "through its container, its dataset's lineage."
    )
    async def lineage(
        self,
        info: Info,
        id: strawberry.ID,
        direction: LineageDirection | None = domain.LineageDirection.BOTH,
        depth: int | None = domain.LINEAGE_DEPTH,
        max_nodes: int | None = domain.LINEAGE_MAX_NODES,
        types: list[EntityType] | None = None,
        as_of: datetime | None = None,
    ) -> Lineage:
        ctx = info.context
        # An explicit null means the default, as the contract's nullable arguments promise.
        graph = await ctx.services.lineage.lineage(
            ctx.principal,
            str(id),
            domain.LineageDirection.BOTH if direction is None else direction,
            domain.LINEAGE_DEPTH if depth is None else depth,
            domain.LINEAGE_MAX_NODES if max_nodes is None else max_nodes,
            types,
            as_of,
        )
        loader = entity_loader(info)
        return Lineage(
            root=strawberry.ID(graph.root),
            nodes=[LineageNode.of(n, loader) for n in graph.nodes],
            edges=[edge_of(e) for e in graph.edges],
            truncated=graph.truncated,
        )

    @strawberry.field(
        description="The ids of one shortest downstream path from `fromId` to `toId`, both included; null "
        "when none is at most `maxDepth` (0-50) hops long."
    )
    async def lineage_path(
        self, info: Info, from_id: strawberry.ID, to_id: strawberry.ID, max_depth: int | None = domain.PATH_MAX_DEPTH
    ) -> list[strawberry.ID] | None:
        ctx = info.context
        max_depth = domain.PATH_MAX_DEPTH if max_depth is None else max_depth
        path = await ctx.services.lineage.path(ctx.principal, str(from_id), str(to_id), max_depth)
        return None if path is None else [strawberry.ID(i) for i in path]

    @strawberry.field(
        description="Everything downstream of `id` within `depth` (0-50) hops: counts by type, the owners "
        "to tell and the deployments affected."
    )
    async def impact(self, info: Info, id: strawberry.ID, depth: int | None = domain.IMPACT_DEPTH) -> Impact:
        ctx = info.context
        found = await ctx.services.lineage.impact(ctx.principal, str(id), domain.IMPACT_DEPTH if depth is None else depth)
        loader = entity_loader(info)
        return Impact(
            root=strawberry.ID(found.root),
            total=found.total,
            by_type=[TypeCount(type=t, count=n) for t, n in found.by_type.items()],
            entities=[LineageNode.of(n, loader) for n in found.entities],
            owners=found.owners,
            deployments=[LineageNode.of(n, loader) for n in found.deployments],
            truncated=found.truncated,
        )

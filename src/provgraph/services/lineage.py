"""Lineage, lineage paths and impact analysis (docs/ARCHITECTURE.md §4, Lineage and impact).

Each answer is one bounded traversal in Cypher (cypher/traversal.cypher explains hops, time travel and
the bounds), then every node is passed through the caller's ReadScope: a node the caller may not see
stays in the answer, so the shape of the lineage is true, but only as `restricted` with its type,
distance and an opaque id (restricted-1, restricted-2, ... numbered nearest first, stable within one
answer, never the real id); its owners are never reported. The root must be visible: a hidden root
gets the same NOT_FOUND as a missing one, so errors never tell whether a hidden entity exists.

Reads are audited like every other (services/audit.py): one event per request, plus one per restricted
entity revealed and one denial per hidden entity met.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..domain.entities import Entity, EntityType, Found, check_id
from ..domain.errors import NotFound
from ..domain.lineage import (
    IMPACT_DEPTH,
    LINEAGE_DEPTH,
    LINEAGE_MAX_NODES,
    MAX_NODES,
    PATH_MAX_DEPTH,
    RESTRICTED_PREFIX,
    GraphEdge,
    Impact,
    LineageDirection,
    LineageGraph,
    LineageNode,
    check_depth,
    check_max_nodes,
)
from ..domain.principals import Principal
from ..governance.access import AccessControl, ReadScope
from ..store import classifications as classification_store
from ..store import entities as entity_store
from ..store import traversal as traversal_store
from ..store.database import Database, Tx
from ..store.traversal import Root
from ..governance.audit import AuditLog
from .audit import ReadAudit, audits_denials
from .references import not_found

BRIDGE = "HAS_FEATURE"  # the edge a Feature root's lineage takes to its container (the dataset level)


@dataclass(frozen=True)
class _Traversed:
    """A traversal's answer before it is shown to the caller."""

    root: Found
    nodes: list[Found]
    edges: list[GraphEdge]
    truncated: bool


@audits_denials
class LineageService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log
        self._audit = ReadAudit(log, access)

    async def lineage(
        self,
        principal: Principal,
        entity_id: str,
        direction: LineageDirection = LineageDirection.BOTH,
        depth: int = LINEAGE_DEPTH,
        max_nodes: int = LINEAGE_MAX_NODES,
        types: Iterable[EntityType] | None = None,
        as_of: datetime | None = None,
    ) -> LineageGraph:
        """The root and every entity within `depth` hops of it, each at its shortest distance, and the
        lineage edges among them. At most `max_nodes` nodes, the root included: the nearest are kept
        and `truncated` is set. `types` filters which nodes are returned, not which are traversed (a
        Run between two datasets still connects them); the root is always returned."""
        check_id(entity_id)
        check_depth(depth)
        check_max_nodes(max_nodes)
        wanted = frozenset(types) if types else None
        as_of = as_utc(as_of)
        limit = max_nodes - 1  # the root takes one place
        # Unfiltered, the nearest `limit` nodes (and one more, to tell truncation) are all the answer
        # needs; with a type filter the search may visit up to MAX_NODES so the filtered answer can fill.
        visit = limit + 1 if wanted is None else MAX_NODES + 1

        async def work(tx: Tx) -> tuple[ReadScope, _Traversed | Root | None]:
            scope = await self._access.scope(principal, tx)
            root = await traversal_store.root(tx, entity_id, as_of)
            if not self._readable(scope, root):
                return scope, root
            found = await traversal_store.traverse(tx, entity_id, direction, depth, visit, as_of)
            nodes = [n for n in found.nodes if wanted is None or n.type in wanted]
            truncated = not found.complete or len(nodes) > limit
            nodes = nodes[:limit]
            edges = await traversal_store.edges_among(tx, [entity_id, *(n.id for n in nodes)], as_of)
            if found.container is not None and found.container.id in {n.id for n in nodes}:
                edges.append(GraphEdge(source=found.container.id, target=entity_id, type=BRIDGE))
            return scope, _Traversed(root.entity, nodes, edges, truncated)

        scope, found = await self._db.read(work)
        if not isinstance(found, _Traversed):
            if found is not None and as_of is not None and self._readable(scope, Root(found.entity, True)):
                # The caller may see it, so saying when it did not exist reveals nothing.
                raise NotFound(f"asOf: entity {entity_id!r} did not exist at {as_of.isoformat()}", field="asOf")
            await self._not_found(principal, scope, "lineage", entity_id, found)
        shown = _Shown(scope, [found.root, *found.nodes])
        await self._audit_answer(principal, scope, "lineage", shown, direction=direction.value, depth=depth)
        return LineageGraph(
            root=entity_id,
            nodes=shown.nodes,
            edges=[shown.edge(e) for e in found.edges],
            truncated=found.truncated,
        )

    async def path(self, principal: Principal, from_id: str, to_id: str, max_depth: int = PATH_MAX_DEPTH) -> list[str] | None:
        """The ids of one shortest live downstream path from one entity to another, both ends included;
        None when there is none within `max_depth` hops. Hidden entities on the way show opaque ids."""
        check_id(from_id, "fromId")
        check_id(to_id, "toId")
        check_depth(max_depth, "maxDepth")

        async def work(tx: Tx) -> tuple[ReadScope, tuple[str, Root | None] | list[Found] | None]:
            scope = await self._access.scope(principal, tx)
            ends = {}
            for field, entity_id in (("fromId", from_id), ("toId", to_id)):
                ends[field] = await traversal_store.root(tx, entity_id, None)
                if not self._readable(scope, ends[field]):
                    return scope, (field, ends[field])
            if from_id == to_id:
                return scope, [ends["fromId"].entity]
            return scope, await traversal_store.shortest_path(tx, from_id, to_id)

        scope, found = await self._db.read(work)
        if isinstance(found, tuple):
            field, end = found
            await self._not_found(principal, scope, "lineagePath", from_id if field == "fromId" else to_id, end, field)
        if found is None or len(found) - 1 > max_depth:
            await self._audit_answer(principal, scope, "lineagePath", _Shown(scope, []), resource_id=from_id)
            return None
        shown = _Shown(scope, found)
        await self._audit_answer(principal, scope, "lineagePath", shown)
        return [node.id for node in shown.nodes]

    async def impact(self, principal: Principal, entity_id: str, depth: int = IMPACT_DEPTH) -> Impact:
        """Everything downstream within `depth` hops (at most MAX_NODES, nearest first; `truncated` when
        more): counts by type, the owners to tell (of the entities the caller may see) and the
        Deployments reached. "I am about to change this: what breaks, and whom do I warn?"."""
        check_id(entity_id)
        check_depth(depth)

        async def work(tx: Tx) -> tuple[ReadScope, _Traversed | Root | None]:
            scope = await self._access.scope(principal, tx)
            root = await traversal_store.root(tx, entity_id, None)
            if not self._readable(scope, root):
                return scope, root
            downstream = LineageDirection.DOWNSTREAM
            found = await traversal_store.traverse(tx, entity_id, downstream, depth, MAX_NODES + 1, None)
            truncated = not found.complete or len(found.nodes) > MAX_NODES
            return scope, _Traversed(root.entity, found.nodes[:MAX_NODES], [], truncated)

        scope, found = await self._db.read(work)
        if not isinstance(found, _Traversed):
            await self._not_found(principal, scope, "impact", entity_id, found)
        shown = _Shown(scope, [found.root, *found.nodes])
        await self._audit_answer(principal, scope, "impact", shown, depth=depth)
        entities = shown.nodes[1:]
        counts = Counter(node.type for node in entities)
        return Impact(
            root=entity_id,
            total=len(entities),
            by_type={t: counts[t] for t in EntityType if counts[t]},
            entities=entities,
            owners=sorted({owner for node in entities for owner in node.owners}),
            deployments=[node for node in entities if node.type is EntityType.DEPLOYMENT],
            truncated=found.truncated,
        )

    async def entities(self, principal: Principal, ids: list[str]) -> dict[str, Entity]:
        """The full entities behind lineage nodes, loaded in one query for a whole answer (the GraphQL
        `entity` field batches through this). Opaque ids and anything the caller may not see are left
        out, so this never reveals more than the answer did."""
        real = list(dict.fromkeys(i for i in ids if not i.startswith(RESTRICTED_PREFIX)))
        if not real:
            return {}

        async def work(tx: Tx) -> dict[str, Entity]:
            scope = await self._access.scope(principal, tx)
            found = await entity_store.get_many(tx, real)
            entities = await classification_store.with_classifications(tx, list(found.values()))
            return {e.id: e for e in entities if scope.can_see(e.type, {a.name for a in e.classifications}, e.id)}

        return await self._db.read(work)

    # -- shared steps ---------------------------------------------------------------------------

    @staticmethod
    def _readable(scope: ReadScope, root: Root | None) -> bool:
        return (
            root is not None
            and root.present
            and scope.can_see(root.entity.type, root.entity.classification_names, root.entity.id)
        )

    async def _not_found(
        self,
        principal: Principal,
        scope: ReadScope,
        operation: str,
        entity_id: str,
        root: Root | None,
        field: str = "id",
    ) -> None:
        """Missing, absent at that time, or hidden: one answer for all three (audited, then raised)."""
        hidden = [root.entity] if root is not None and root.present else []
        await self._audit.reads(
            principal,
            operation,
            scope,
            resource_id=entity_id,
            resource_type=root.entity.type if hidden else None,
            hidden=hidden,
            found=False,
        )
        raise not_found(field, entity_id)

    async def _audit_answer(
        self, principal: Principal, scope: ReadScope, operation: str, shown: "_Shown", **details: object
    ) -> None:
        root = shown.entities[0] if shown.entities else None
        await self._audit.reads(
            principal,
            operation,
            scope,
            resource_id=details.pop("resource_id", None) or (root.id if root else None),
            resource_type=root.type if root else None,
            seen=shown.seen,
            hidden=shown.hidden,
            **details,
        )


class _Shown:
    """Entities as one caller may see them: the visible with their ids, the rest restricted-N."""

    def __init__(self, scope: ReadScope, entities: list[Found]) -> None:
        self.entities = entities
        self.seen: list[Found] = []
        self.hidden: list[Found] = []
        self.ids: dict[str, str] = {}
        self.nodes: list[LineageNode] = []
        opaque = (f"{RESTRICTED_PREFIX}{n}" for n in itertools.count(1))
        for entity in entities:
            visible = scope.can_see(entity.type, entity.classification_names, entity.id)
            (self.seen if visible else self.hidden).append(entity)
            if entity.id not in self.ids:
                self.ids[entity.id] = entity.id if visible else next(opaque)
            shown_id = self.ids[entity.id]
            self.nodes.append(
                LineageNode(
                    id=shown_id,
                    type=entity.type,
                    distance=entity.distance,
                    restricted=not visible,
                    owners=list(entity.owners) if visible else [],
                )
            )

    def edge(self, edge: GraphEdge) -> GraphEdge:
        return edge.model_copy(update={"source": self.ids[edge.source], "target": self.ids[edge.target]})


def as_utc(moment: datetime | None) -> datetime | None:
    """A time without an offset is read as UTC (stored times are UTC; a naive one would compare as
    neither earlier nor later)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)

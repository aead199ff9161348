"""Lineage traversal repository: the bounded searches of cypher/traversal.cypher, as plain results.

Visibility is not decided here: every node comes back with its type and classification names, and the
service passes each through the caller's ReadScope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.entities import Found
from ..domain.lineage import GraphEdge, LineageDirection, LineageKind
from .database import Tx
from .entities import found_from_record

# The ways each direction searches (a closed choice: the query compares them to its own literals).
_WAYS = {
    LineageDirection.DOWNSTREAM: ["DOWNSTREAM"],
    LineageDirection.UPSTREAM: ["UPSTREAM"],
    LineageDirection.BOTH: ["DOWNSTREAM", "UPSTREAM"],
}


@dataclass(frozen=True)
class Root:
    entity: Found
    present: bool  # existed at asOf (is live now, without asOf)


@dataclass(frozen=True)
class Traversal:
    """What one traversal found: every node within depth (root excluded) at its shortest distance,
    nearest first, and whether that is all of them (False when the visit limit cut some)."""

    nodes: list[Found]
    complete: bool
    container: Found | None = None  # a Feature root's container, when it is among the nodes


async def root(tx: Tx, entity_id: str, as_of: datetime | None) -> Root | None:
    record = await tx.single("lineage_root", id=entity_id, asOf=as_of)
    return Root(found_from_record(record, distance=0), bool(record["present"])) if record else None


async def traverse(
    tx: Tx, root_id: str, direction: LineageDirection, depth: int, visit: int, as_of: datetime | None
) -> Traversal:
    """Every entity within `depth` hops of the root in `direction`, visiting at most `visit` entities per
    search (one search per direction and start; see cypher/traversal.cypher)."""
    if depth == 0:
        return Traversal(nodes=[], complete=True)
    rows = await tx.records(
        "lineage_traversal", id=root_id, directions=_WAYS[direction], depth=depth, visit=visit, asOf=as_of
    )
    nearest: dict[str, Found] = {}
    complete = True
    container = None

    def keep(node: Found) -> None:
        if node.id != root_id and (node.id not in nearest or node.distance < nearest[node.id].distance):
            nearest[node.id] = node

    for row in rows:
        offset = row["offset"]
        # Breadth-first: a search cut by its LIMIT saw every node nearer than the farthest it reached.
        if row["visited"] >= visit and row["farthest"] + offset <= depth:
            complete = False
        if offset == 1:  # the start is a Feature root's container, one hop away
            container = found_from_record(row["start"], distance=1)
            keep(container)
        for node in row["nodes"]:
            keep(found_from_record(node))
    nodes = sorted(nearest.values(), key=lambda n: (n.distance, n.id))
    return Traversal(nodes=nodes, complete=complete, container=container)


async def edges_among(tx: Tx, ids: list[str], as_of: datetime | None) -> list[GraphEdge]:
    """Every lineage edge (at as_of) between two of these entities, in data-flow direction."""
    if len(ids) < 2:
        return []
    record = await tx.single("lineage_edges_among", ids=ids, asOf=as_of)
    return [
        GraphEdge(source=s, target=t, type=LineageKind(kind).value, blocked_classifications=blocked)
        for s, t, kind, blocked in record["edges"]
    ]


async def shortest_path(tx: Tx, from_id: str, to_id: str) -> list[Found] | None:
    """The nodes of one shortest live downstream path from one entity to another (ids differ)."""
    record = await tx.single("lineage_shortest_path", fromId=from_id, toId=to_id)
    if record is None:
        return None
    return [found_from_record(node, distance=i) for i, node in enumerate(record["path"])]

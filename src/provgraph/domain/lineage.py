"""Lineage edges: which kind of edge joins two entity types, in the direction data flows."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field

from .entities import DATA_TYPES, FLOW_TYPES, EntityType
from .errors import BadInput, LimitExceeded


class LineageKind(Enum):
    INPUT_TO = "INPUT_TO"  # data -> process
    PRODUCED = "PRODUCED"  # process -> data
    DEPLOYED_AS = "DEPLOYED_AS"  # ModelVersion -> Deployment
    DERIVES = "DERIVES"  # Feature -> Feature (column level)


LINEAGE_REL_TYPES = [kind.value for kind in LineageKind]


def lineage_kind(source: EntityType, target: EntityType, field: str = "targetId") -> LineageKind:
    """The edge that joins source to target in data-flow direction, or BAD_INPUT (naming `field`) if none may."""
    if source is EntityType.FEATURE and target is EntityType.FEATURE:
        return LineageKind.DERIVES
    if source in DATA_TYPES and target in FLOW_TYPES:
        return LineageKind.INPUT_TO
    if source in FLOW_TYPES and target in DATA_TYPES:
        return LineageKind.PRODUCED
    if source is EntityType.MODEL_VERSION and target is EntityType.DEPLOYMENT:
        return LineageKind.DEPLOYED_AS
    raise BadInput(
        f"{field}: no lineage edge may join a {source.name} to a {target.name} "
        "(allowed: data -> RUN/PIPELINE_RUN/PIPELINE, RUN/PIPELINE_RUN/PIPELINE -> data, MODEL_VERSION -> DEPLOYMENT, "
        "FEATURE -> FEATURE)",
        field=field,
    )


class LineageEdge(BaseModel):
    source: str
    target: str
    type: LineageKind
    created_at: datetime | None = None
    removed_at: datetime | None = None
    blocked_classifications: list[str] = []  # classifications that may not propagate across it


# -- lineage answers (services/lineage.py) ------------------------------------------------------------

MAX_DEPTH = 50  # the longest traversal the API accepts (cypher/traversal.cypher expands at most this far)
# The literal length bounds cypher/traversal.cypher searches with (Cypher takes no parameter there): each
# search uses the smallest that covers its depth, the last is MAX_DEPTH. store/queries.py writes one
# search per bound and direction from one text.
SEARCH_BOUNDS = (3, 6, 10, 20, MAX_DEPTH)
MAX_NODES = 10_000  # the most nodes one lineage or impact answer holds
# The defaults of lineage(depth, maxNodes), lineagePath(maxDepth) and impact(depth): the GraphQL
# arguments' defaults and the services' are these.
LINEAGE_DEPTH = 3
LINEAGE_MAX_NODES = 1000
PATH_MAX_DEPTH = 20
IMPACT_DEPTH = 20
RESTRICTED_PREFIX = "restricted-"  # opaque ids of nodes the caller may not see: restricted-1, restricted-2, ...


class LineageDirection(Enum):
    UPSTREAM = "UPSTREAM"  # against the data flow: what this was made from
    DOWNSTREAM = "DOWNSTREAM"  # with the data flow: what was made from this
    BOTH = "BOTH"  # the union of the two, each node at its nearer distance


def check_depth(depth: int, field: str = "depth") -> int:
    if depth < 0:
        raise BadInput(f"{field}: must be between 0 and {MAX_DEPTH}, got {depth}", field=field)
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"{field}: at most {MAX_DEPTH} hops, got {depth}", field=field)
    return depth


def check_max_nodes(max_nodes: int, field: str = "maxNodes") -> int:
    if max_nodes < 1:
        raise BadInput(f"{field}: must be between 1 and {MAX_NODES}, got {max_nodes}", field=field)
    if max_nodes > MAX_NODES:
        raise LimitExceeded(f"{field}: at most {MAX_NODES} nodes, got {max_nodes}", field=field)
    return max_nodes


class LineageNode(BaseModel):
    """A node of a lineage answer. A node the caller may not see keeps only its type and distance and
    an opaque `id` (restricted-N, stable within one answer, never the real id)."""

    id: str
    type: EntityType
    distance: int
    restricted: bool = False
    owners: list[str] = Field(default_factory=list)  # empty when restricted


class GraphEdge(BaseModel):
    """An edge of a lineage answer: a lineage edge in data-flow direction, or the HAS_FEATURE edge from
    a Feature root's container to the root (the step feature-level lineage takes to the dataset level).
    Ends are node ids as the answer shows them (opaque for restricted nodes)."""

    source: str
    target: str
    type: str
    blocked_classifications: list[str] = []


class LineageGraph(BaseModel):
    root: str
    nodes: list[LineageNode]  # the root first (distance 0), then nearest first
    edges: list[GraphEdge]
    truncated: bool


class Impact(BaseModel):
    """Everything downstream of `root`: what breaks if it changes, and who must be told."""

    root: str
    total: int
    by_type: dict[EntityType, int]
    entities: list[LineageNode]  # nearest first, the root excluded
    owners: list[str]  # of the entities the caller may see
    deployments: list[LineageNode]
    truncated: bool

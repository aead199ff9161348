"""Lineage edges: which kind of edge joins two entity types, in the direction data flows."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel

from .entities import DATA_TYPES, PROCESS_TYPES, EntityType
from .errors import BadInput


class LineageKind(Enum):
    INPUT_TO = "INPUT_TO"  # data -> process
    PRODUCED = "PRODUCED"  # process -> data
    DEPLOYED_AS = "DEPLOYED_AS"  # ModelVersion -> Deployment
    DERIVES = "DERIVES"  # Feature -> Feature (column level)


LINEAGE_REL_TYPES = [kind.value for kind in LineageKind]


def lineage_kind(source: EntityType, target: EntityType) -> LineageKind:
    """The edge that joins source to target in data-flow direction, or BAD_INPUT if none may."""
    if source is EntityType.FEATURE and target is EntityType.FEATURE:
        return LineageKind.DERIVES
    if source in DATA_TYPES and target in PROCESS_TYPES:
        return LineageKind.INPUT_TO
    if source in PROCESS_TYPES and target in DATA_TYPES:
        return LineageKind.PRODUCED
    if source is EntityType.MODEL_VERSION and target is EntityType.DEPLOYMENT:
        return LineageKind.DEPLOYED_AS
    raise BadInput(
        f"targetId: no lineage edge may join a {source.name} to a {target.name} "
        "(allowed: data -> RUN/PIPELINE_RUN, RUN/PIPELINE_RUN -> data, MODEL_VERSION -> DEPLOYMENT, "
        "FEATURE -> FEATURE)",
        field="targetId",
    )


class LineageEdge(BaseModel):
    source: str
    target: str
    type: LineageKind
    created_at: datetime | None = None
    removed_at: datetime | None = None

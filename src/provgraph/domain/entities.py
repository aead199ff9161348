"""Entities, references to them, and the rules of which entities may contain or feed which."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .classifications import ClassificationAssignment
from .errors import BadInput

MAX_QUALIFIED_NAME = 1024
MAX_NAME = 1024
MAX_DESCRIPTION = 16 * 1024
MAX_PROPERTIES_BYTES = 64 * 1024
MAX_OWNERS = 100
MAX_BATCH = 10_000
MAX_PROCESS_BATCH = 1_000  # processes per recordProcesses call (their inputs and outputs count against MAX_BATCH)


class EntityType(Enum):
    """The eleven entity types. The value is the node label, the name is the GraphQL enum value."""

    DATASET = "Dataset"
    DATASET_VERSION = "DatasetVersion"
    FEATURE = "Feature"
    EXPERIMENT = "Experiment"
    RUN = "Run"
    MODEL = "Model"
    MODEL_VERSION = "ModelVersion"
    PIPELINE = "Pipeline"
    PIPELINE_RUN = "PipelineRun"
    DEPLOYMENT = "Deployment"
    ARTIFACT = "Artifact"

    @property
    def label(self) -> str:
        return self.value

    @classmethod
    def from_label(cls, label: str) -> "EntityType":
        return cls(label)


PROCESS_TYPES = frozenset({EntityType.RUN, EntityType.PIPELINE_RUN})
# What data may flow through (INPUT_TO it, PRODUCED by it): the processes, and a Pipeline, whose declared
# (static) lineage an OpenLineage JobEvent reports without a run (services/openlineage.py).
FLOW_TYPES = PROCESS_TYPES | {EntityType.PIPELINE}
# Entities that data flows through as inputs and outputs of processes.
DATA_TYPES = frozenset(
    {
        EntityType.DATASET,
        EntityType.DATASET_VERSION,
        EntityType.FEATURE,
        EntityType.MODEL,
        EntityType.MODEL_VERSION,
        EntityType.ARTIFACT,
    }
)


class ContainmentKind(Enum):
    HAS_VERSION = "HAS_VERSION"
    HAS_FEATURE = "HAS_FEATURE"
    HAS_RUN = "HAS_RUN"


# member type -> {allowed container type: edge}
CONTAINERS: dict[EntityType, dict[EntityType, ContainmentKind]] = {
    EntityType.DATASET_VERSION: {EntityType.DATASET: ContainmentKind.HAS_VERSION},
    EntityType.FEATURE: {
        EntityType.DATASET: ContainmentKind.HAS_FEATURE,
        EntityType.DATASET_VERSION: ContainmentKind.HAS_FEATURE,
    },
    EntityType.MODEL_VERSION: {EntityType.MODEL: ContainmentKind.HAS_VERSION},
    EntityType.RUN: {EntityType.EXPERIMENT: ContainmentKind.HAS_RUN},
    EntityType.PIPELINE_RUN: {EntityType.PIPELINE: ContainmentKind.HAS_RUN},
}


def containment_kind(member: EntityType, container: EntityType, field: str) -> ContainmentKind:
    kind = CONTAINERS.get(member, {}).get(container)
    if kind is None:
        allowed = ", ".join(t.name for t in CONTAINERS.get(member, {})) or "nothing"
        raise BadInput(
            f"{field}: a {member.name} cannot be contained in a {container.name} "
            f"(a {member.name} may be contained in: {allowed})",
            field=field,
        )
    return kind


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def new_entity_id() -> str:
    return str(uuid.uuid4())


def check_id(value: str, field: str = "id") -> str:
    """Entity ids are lower-case UUIDs; anything else is rejected before it reaches the store."""
    if not isinstance(value, str) or not _UUID.match(value):
        raise BadInput(f"{field}: {value!r} is not a valid entity id (expected a UUID)", field=field)
    return value


def _clean_qualified_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty or whitespace")
    if len(value) > MAX_QUALIFIED_NAME:
        raise ValueError(f"is {len(value)} characters long; the limit is {MAX_QUALIFIED_NAME}")
    return value


def _check_properties(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"must be a JSON object, not {type(value).__name__}")
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_PROPERTIES_BYTES:
        raise ValueError(f"is {size} bytes of JSON; the limit is {MAX_PROPERTIES_BYTES}")
    return value


class EntityRef(BaseModel):
    """Points at an entity by id, or by (type, qualifiedName)."""

    model_config = ConfigDict(frozen=True)

    id: str | None = None
    type: EntityType | None = None
    qualified_name: str | None = None

    @model_validator(mode="after")
    def _one_way_to_point(self) -> "EntityRef":
        if self.id is not None:
            check_id(self.id)
            return self
        if self.type is None or self.qualified_name is None:
            raise ValueError("give either id, or both type and qualifiedName")
        object.__setattr__(self, "qualified_name", _clean_qualified_name(self.qualified_name))
        return self


class EntityInput(BaseModel):
    """One entity to create or update, keyed on (type, qualifiedName). Omitted fields keep their value."""

    model_config = ConfigDict(frozen=True)

    type: EntityType
    qualified_name: str
    name: str | None = Field(default=None, max_length=MAX_NAME)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    properties: dict[str, Any] | None = None
    owners: list[str] | None = Field(default=None, max_length=MAX_OWNERS)
    container: EntityRef | None = None

    _qn = field_validator("qualified_name")(_clean_qualified_name)

    @field_validator("properties", mode="before")
    @classmethod
    def _props(cls, value: Any) -> Any:
        return _check_properties(value)

    @field_validator("owners")
    @classmethod
    def _owners(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = sorted({o.strip() for o in value})
        if "" in cleaned:
            raise ValueError("owner names must not be empty")
        return cleaned

    @property
    def key(self) -> tuple[EntityType, str]:
        return (self.type, self.qualified_name)


class ProcessInput(BaseModel):
    """A Run or PipelineRun with the exact set of entities it read and wrote."""

    model_config = ConfigDict(frozen=True)

    type: EntityType
    qualified_name: str
    name: str | None = Field(default=None, max_length=MAX_NAME)
    properties: dict[str, Any] | None = None
    container: EntityRef | None = None
    inputs: list[EntityRef] = Field(max_length=MAX_BATCH)
    outputs: list[EntityRef] = Field(max_length=MAX_BATCH)

    _qn = field_validator("qualified_name")(_clean_qualified_name)

    @field_validator("properties", mode="before")
    @classmethod
    def _props(cls, value: Any) -> Any:
        return _check_properties(value)

    @field_validator("type")
    @classmethod
    def _is_process(cls, value: EntityType) -> EntityType:
        if value not in PROCESS_TYPES:
            raise ValueError(f"must be RUN or PIPELINE_RUN, not {value.name}")
        return value

    @property
    def key(self) -> tuple[EntityType, str]:
        return (self.type, self.qualified_name)


class Entity(BaseModel):
    """An entity as stored."""

    id: str
    type: EntityType
    qualified_name: str
    name: str
    description: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    owners: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)  # other qualifiedNames of it (OpenLineage symlinks)
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    classifications: list[ClassificationAssignment] = Field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class Found:
    """An entity as a lookup or a traversal found it, with what the read decision
    (`ReadScope.can_see`) and the read audit need: the one "as found" shape every store function
    returns and every service hands to `services/references.py: visible_or_missing`."""

    id: str
    type: EntityType
    classification_names: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    deleted: bool = False
    distance: int = 0  # lineage hops from where a traversal started (0 for a lookup)

    @classmethod
    def of(cls, entity: "Entity", classification_names: Any = ()) -> "Found":
        """A stored entity as found, with the classification names it carries."""
        return cls(entity.id, entity.type, tuple(classification_names), tuple(entity.owners), entity.deleted)


def default_name(qualified_name: str) -> str:
    """The last path-like segment of a qualified name: `s3://lake/raw/events` -> `events`."""
    tail = re.split(r"[/.:#]", qualified_name.rstrip("/.:#"))[-1]
    return tail or qualified_name

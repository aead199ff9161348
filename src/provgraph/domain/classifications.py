"""Classifications: definitions, the assignments entities carry, and the checks on both (docs/ARCHITECTURE.md §4,
Classification propagation)."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, Field

from .errors import BadInput

MAX_DEF_ATTRIBUTES = 50
MAX_DEF_DESCRIPTION = 16 * 1024
MAX_ATTRIBUTES_BYTES = 16 * 1024

_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
_ATTRIBUTE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


class ClassificationAssignment(BaseModel):
    """Classification `name` on an entity, from `source_id`; `path` runs from the source to the holder.

    A direct assignment has `propagated` False, `source_id` the holder itself and `path` [holder]. A
    propagated copy shows the source's attributes and flag (copies are not stored apart from it)."""

    name: str
    attributes: dict[str, Any] = Field(default_factory=dict)
    propagate: bool = True
    propagated: bool = False
    source_id: str
    path: list[str] = Field(default_factory=list)
    remove_on_source_delete: bool = False


class ClassificationDef(BaseModel):
    """A classification that may be assigned: `propagate` is the default for new assignments;
    `restricted` ones govern who may see the entities that carry them."""

    name: str
    description: str | None = None
    attributes: list[str] = Field(default_factory=list)
    propagate: bool = True
    restricted: bool = False
    built_in: bool = False


BUILT_INS = (
    ClassificationDef(
        name="PII",
        description="Personally identifiable information. Restricted: readable only by cleared principals.",
        restricted=True,
        built_in=True,
    ),
    ClassificationDef(
        name="SENSITIVE",
        description="Sensitive business or personal data. Restricted: readable only by cleared principals.",
        restricted=True,
        built_in=True,
    ),
    ClassificationDef(name="CONFIDENTIAL", description="Confidential to the organisation.", built_in=True),
    ClassificationDef(
        name="EXPIRES_ON",
        description="The data must not be used after `date`.",
        attributes=["date"],
        built_in=True,
    ),
)


def check_classification_name(name: str, field: str = "name") -> str:
    if not isinstance(name, str) or len(name) > 64 or not _UPPER_SNAKE.match(name):
        raise BadInput(
            f"{field}: {name!r} is not a classification name (UPPER_SNAKE, e.g. PII or EXPIRES_ON, at most 64 characters)",
            field=field,
        )
    return name


def check_definition(
    name: str, description: str | None, attributes: list[str] | None
) -> tuple[str, str | None, list[str]]:
    """The definition's name, description and attribute names, validated; attributes deduplicated and sorted."""
    check_classification_name(name)
    if description is not None and len(description) > MAX_DEF_DESCRIPTION:
        raise BadInput(f"description: at most {MAX_DEF_DESCRIPTION} characters", field="description")
    attributes = attributes or []
    if len(attributes) > MAX_DEF_ATTRIBUTES:
        raise BadInput(f"attributes: at most {MAX_DEF_ATTRIBUTES} attribute names", field="attributes")
    for attribute in attributes:
        if not isinstance(attribute, str) or not _ATTRIBUTE.match(attribute):
            raise BadInput(
                f"attributes: {attribute!r} is not an attribute name (a letter, then letters, digits or '_')",
                field="attributes",
            )
    return name, description, sorted(set(attributes))


def check_assignment_attributes(definition: ClassificationDef, attributes: Any) -> dict[str, Any] | None:
    """Attributes given to classify must be a JSON object whose keys the definition names."""
    if attributes is None:
        return None
    if not isinstance(attributes, dict):
        raise BadInput(f"attributes: must be a JSON object, not {type(attributes).__name__}", field="attributes")
    for key in attributes:
        if key not in definition.attributes:
            allowed = ", ".join(definition.attributes) or "none"
            raise BadInput(
                f"attributes.{key}: {definition.name} has no attribute {key!r} (its attributes: {allowed})",
                field=f"attributes.{key}",
            )
    size = len(json.dumps(attributes, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_ATTRIBUTES_BYTES:
        raise BadInput(f"attributes: {size} bytes of JSON; the limit is {MAX_ATTRIBUTES_BYTES}", field="attributes")
    return attributes

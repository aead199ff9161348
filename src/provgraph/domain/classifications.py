"""Classification assignments as entities carry them (DESIGN 4, Classification propagation)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ClassificationAssignment(BaseModel):
    """Classification `name` on an entity, from `source_id`; `path` runs from the source to the holder."""

    name: str
    attributes: dict[str, Any] = Field(default_factory=dict)
    propagate: bool = True
    propagated: bool = False
    source_id: str
    path: list[str] = Field(default_factory=list)

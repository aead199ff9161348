"""The model registry: Models with numbered ModelVersions, aliases, and the promotion workflow.

- A ModelVersion is `:Entity:ModelVersion`, contained in its Model (HAS_VERSION) and produced by the run
  that trained it (PRODUCED). Its `version` number is the Model's counter plus one, taken under the
  Model's write lock, so concurrent registrations never share a number; its qualifiedName is
  `<model qualifiedName>/v<version>`.
- An alias (`champion`, `challenger`, any name) points at one version of its model at a time. Moving it
  ends the current `(:AliasAssignment)` (removedAt) and creates the next one in the same transaction;
  ended assignments are the alias's history.
- A promotion asks for an alias to be moved to a version: REQUESTED -> APPROVED (the alias moves) or
  REJECTED, each step with its principal, time and comment, audited and listed on the version. Nobody
  decides their own request. A version whose upstream (itself included, live lineage and containment
  edges, up to RESTRICTED_UPSTREAM_DEPTH hops) carries a restricted classification needs an approver
  with the `promotions:restricted` right (governance-reviewer or admin); any other version one with
  `promotions` (those roles, or a grant).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from .entities import Entity
from .errors import BadInput

RESTRICTED_UPSTREAM_DEPTH = 20
MAX_COMMENT = 4 * 1024
_ALIAS = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def check_alias(alias: Any, field: str = "alias") -> str:
    if not isinstance(alias, str) or not _ALIAS.match(alias):
        raise BadInput(
            f"{field}: {alias!r} is not an alias (a letter, then up to 63 letters, digits, '_' or '-')", field=field
        )
    return alias


def check_comment(comment: str | None, field: str = "comment") -> str | None:
    if comment is not None and len(comment) > MAX_COMMENT:
        raise BadInput(f"{field}: at most {MAX_COMMENT} characters", field=field)
    return comment


class PromotionStatus(Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@dataclass(frozen=True)
class Promotion:
    id: str
    model_id: str
    version_id: str
    alias: str
    status: PromotionStatus
    requested_by: str
    requested_at: datetime
    comment: str | None
    restricted_upstream: list[str]  # restricted classifications upstream when requested
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_comment: str | None = None

    @property
    def needs_governance(self) -> bool:
        return bool(self.restricted_upstream)


def promotion_from_record(r: dict[str, Any]) -> Promotion:
    return Promotion(
        id=r["id"],
        model_id=r["modelId"],
        version_id=r["versionId"],
        alias=r["alias"],
        status=PromotionStatus(r["status"]),
        requested_by=r["requestedBy"],
        requested_at=r["requestedAt"],
        comment=r.get("comment"),
        restricted_upstream=list(r.get("restrictedUpstream") or []),
        decided_by=r.get("decidedBy"),
        decided_at=r.get("decidedAt"),
        decision_comment=r.get("decisionComment"),
    )


@dataclass(frozen=True)
class AliasAssignment:
    """An alias on a version from `assigned_at` until `removed_at` (None while current)."""

    alias: str
    model_id: str
    version_id: str
    version: int | None
    assigned_at: datetime
    assigned_by: str
    removed_at: datetime | None = None
    removed_by: str | None = None
    promotion_id: str | None = None


def alias_from_record(r: dict[str, Any]) -> AliasAssignment:
    return AliasAssignment(
        alias=r["alias"],
        model_id=r["modelId"],
        version_id=r["versionId"],
        version=r.get("version"),
        assigned_at=r["assignedAt"],
        assigned_by=r["assignedBy"],
        removed_at=r.get("removedAt"),
        removed_by=r.get("removedBy"),
        promotion_id=r.get("promotionId"),
    )


@dataclass(frozen=True)
class ModelVersion:
    """A version as the registry shows it."""

    entity: Entity
    model_id: str
    version: int | None
    run_id: str | None
    aliases: list[str]
    classification_names: tuple[str, ...] = ()
    promotions: list[Promotion] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.entity.id


@dataclass(frozen=True)
class Model:
    entity: Entity
    latest_version: int | None
    aliases: list[AliasAssignment]
    classification_names: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.entity.id

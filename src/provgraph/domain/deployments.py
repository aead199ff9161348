"""Deployments: which ModelVersion serves where, and how that changed.

A Deployment is `:Entity:Deployment` with `environment`, `endpoint` and `trafficShare` (0..1). The
version it serves is its one live `DEPLOYED_AS` edge (a lineage edge, so impact and classification
propagation see it). Every change is a `(:DeploymentEvent)` with its time and principal:
ROLLED_OUT (a version replaced another, or the first one), SCALED (traffic share changed), ROLLED_BACK
(back to the version served before), RETIRED (nothing served any more).

Rollback follows a stack: each rollout pushes the version it replaced onto the deployment's
`rollbackStack`, each rollback pops one. v1 -> v2 -> v3, rollback -> v2, rollback -> v1, rollback ->
CONFLICT (nothing before v1). Moving the edge is one transaction: the live edge ends (removedAt) and the
previous version's edge starts at the same instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from .entities import Entity
from .errors import BadInput

MAX_ROLLBACK_DEPTH = 50
MAX_EVENTS_SHOWN = 100
MAX_ENDPOINT = 2048
_ENVIRONMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
PRODUCTION = "production"


class DeploymentEventKind(Enum):
    ROLLED_OUT = "ROLLED_OUT"
    SCALED = "SCALED"
    ROLLED_BACK = "ROLLED_BACK"
    RETIRED = "RETIRED"


class DeploymentStatus(Enum):
    ACTIVE = "ACTIVE"
    RETIRED = "RETIRED"


def check_environment_name(value: Any, field: str = "environment") -> str:
    if not isinstance(value, str) or not _ENVIRONMENT.match(value):
        raise BadInput(
            f"{field}: {value!r} is not an environment name (1-64 letters, digits, '_', '.' or '-', e.g. production)",
            field=field,
        )
    return value


def check_traffic_share(value: Any, field: str = "trafficShare") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise BadInput(f"{field}: {value!r} is not a share of traffic between 0 and 1", field=field)
    return float(value)


def check_endpoint(value: Any, field: str = "endpoint") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ENDPOINT:
        raise BadInput(f"{field}: a non-empty string of at most {MAX_ENDPOINT} characters", field=field)
    return value.strip()


@dataclass(frozen=True)
class DeploymentEvent:
    seq: int
    kind: DeploymentEventKind
    at: datetime
    principal: str
    version_id: str | None
    previous_version_id: str | None
    traffic_share: float | None
    environment: str | None
    endpoint: str | None
    comment: str | None


def event_from_record(r: dict[str, Any]) -> DeploymentEvent:
    return DeploymentEvent(
        seq=r["seq"],
        kind=DeploymentEventKind(r["kind"]),
        at=r["at"],
        principal=r["principal"],
        version_id=r.get("versionId"),
        previous_version_id=r.get("previousVersionId"),
        traffic_share=r.get("trafficShare"),
        environment=r.get("environment"),
        endpoint=r.get("endpoint"),
        comment=r.get("comment"),
    )


@dataclass(frozen=True)
class Deployment:
    entity: Entity
    environment: str | None
    endpoint: str | None
    traffic_share: float | None
    status: DeploymentStatus | None
    live_version_id: str | None
    live_since: datetime | None
    rollback_stack: list[str]
    events: list[DeploymentEvent] = field(default_factory=list)
    classification_names: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.entity.id


@dataclass(frozen=True)
class LiveDeployment:
    """One answer to "what is in production for model X": a deployment and the version it serves."""

    model_id: str
    deployment: Entity
    version: Entity
    version_number: int | None
    since: datetime
    environment: str | None
    endpoint: str | None
    traffic_share: float | None

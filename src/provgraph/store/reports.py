"""Report repository (cypher/reports.cypher): containers of lineage members and the audit log's view
of a set of entities over a time window, each one statement for a whole report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.entities import Entity, EntityType
from .database import Tx
from .entities import entity_from_record


@dataclass(frozen=True)
class Container:
    member_id: str
    id: str
    type: EntityType
    name: str
    classification_names: tuple[str, ...]


async def containers(tx: Tx, ids: list[str]) -> dict[str, Container]:
    found = {}
    for r in await tx.records("report_containers", ids=ids):
        found[r["memberId"]] = Container(
            r["memberId"], r["id"], EntityType.from_label(r["type"]), r["name"] or "", tuple(r["classificationNames"])
        )
    return found


async def access_counts(tx: Tx, ids: list[str], since: datetime, until: datetime, limit: int) -> list[dict[str, Any]]:
    return await tx.records("report_access_counts", ids=ids, since=since, until=until, limit=limit)


async def access_denials(
    tx: Tx, ids: list[str], since: datetime, until: datetime, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    record = await tx.single("report_access_denials", ids=ids, since=since, until=until, limit=limit)
    return (record["total"], record["newest"]) if record else (0, [])


async def classified(tx: Tx, name: str, visibility: dict[str, list[str]], limit: int) -> list[Entity]:
    """Live entities carrying classification `name` that the ReadScope (as Cypher parameters) may see."""
    records = await tx.records("report_classified_entities", name=name, limit=limit, **visibility)
    return [entity_from_record(r["entity"]) for r in records]

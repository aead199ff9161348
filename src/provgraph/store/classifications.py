"""Classification repository: definitions, direct assignments, edge blocks, and the assignments
(direct and propagated) of many entities at once. Propagated copies are written only by
services/propagation.py."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..cooperative import map_in_slices
from ..domain.classifications import ClassificationAssignment, ClassificationDef
from ..domain.entities import Entity, Found
from ..domain.lineage import LINEAGE_REL_TYPES
from .database import Tx
from .entities import canonical_json, found_from_record

T = TypeVar("T")


@dataclass(frozen=True)
class DirectAssignment:
    attributes: dict[str, Any]
    propagate: bool
    remove_on_source_delete: bool


@dataclass(frozen=True)
class BlockedEdge:
    source: str
    target: str
    kind: str
    created_at: Any
    blocked: tuple[str, ...]


def _definition(record: dict[str, Any]) -> ClassificationDef:
    return ClassificationDef(
        name=record["name"],
        description=record.get("description"),
        attributes=list(record.get("attributes") or []),
        propagate=bool(record.get("propagate", True)),
        restricted=bool(record.get("restricted", False)),
        built_in=bool(record.get("builtIn", False)),
    )


async def seed(tx: Tx, definitions: tuple[ClassificationDef, ...]) -> None:
    rows = [
        {"name": d.name, "description": d.description, "attributes": d.attributes, "propagate": d.propagate, "restricted": d.restricted}
        for d in definitions
    ]
    await tx.records("seed_classification_defs", defs=rows)


async def definitions(tx: Tx) -> list[ClassificationDef]:
    return [_definition(r["def"]) for r in await tx.records("classification_defs")]


async def definition(tx: Tx, name: str) -> tuple[ClassificationDef, bool] | None:
    """The definition and whether any entity holds it directly, or None."""
    record = await tx.single("classification_def", name=name)
    return (_definition(record["def"]), record["assigned"]) if record else None


async def put_definition(tx: Tx, definition: ClassificationDef) -> ClassificationDef:
    record = await tx.single(
        "put_classification_def",
        name=definition.name,
        description=definition.description,
        attributes=definition.attributes,
        propagate=definition.propagate,
        restricted=definition.restricted,
    )
    return _definition(record["def"])


async def restricted_names(tx: Tx) -> frozenset[str]:
    return frozenset(d.name for d in await definitions(tx) if d.restricted)


async def target(tx: Tx, entity_id: str) -> Found | None:
    """The entity to classify, live or deleted."""
    record = await tx.single("classification_target", id=entity_id)
    return None if record is None else found_from_record(record)


def assignment_key(source_id: str, name: str) -> str:
    """The key of source_id's direct assignment of `name` (ids are UUIDs, names UPPER_SNAKE: no '|')."""
    return f"{source_id}|{name}"


async def direct(tx: Tx, entity_id: str, name: str) -> DirectAssignment | None:
    record = await tx.single("direct_assignment", key=assignment_key(entity_id, name))
    if record is None:
        return None
    return DirectAssignment(
        json.loads(record["attributes"] or "{}"), bool(record["propagate"]), bool(record["removeOnSourceDelete"])
    )


async def put_direct(tx: Tx, entity_id: str, name: str, assignment: DirectAssignment) -> None:
    await tx.records(
        "put_direct_assignment",
        id=entity_id,
        name=name,
        key=assignment_key(entity_id, name),
        attributes=canonical_json(assignment.attributes),
        propagate=assignment.propagate,
        removeOnSourceDelete=assignment.remove_on_source_delete,
    )


async def delete_direct(tx: Tx, entity_id: str, name: str) -> None:
    """Deletes the assignment node; its copies must be deleted first (services/propagation.py)."""
    await tx.records("delete_direct_assignment", key=assignment_key(entity_id, name))


async def propagated_sources(tx: Tx, entity_id: str, name: str) -> list[str]:
    return [r["sourceId"] for r in await tx.records("propagated_sources", id=entity_id, name=name)]


async def remove_on_delete_names(tx: Tx, entity_id: str) -> list[str]:
    return [r["name"] for r in await tx.records("remove_on_delete_assignments", id=entity_id)]


async def assignments_for(tx: Tx, ids: list[str]) -> dict[str, list[ClassificationAssignment]]:
    """Every assignment the given entities hold, direct and propagated, with paths: one query for the
    whole batch. Entities holding nothing are absent from the answer."""
    found: dict[str, list[ClassificationAssignment]] = defaultdict(list)
    if not ids:
        return found
    for r in await tx.records("classification_assignments", ids=list(dict.fromkeys(ids))):
        found[r["id"]].append(
            ClassificationAssignment(
                name=r["name"],
                attributes=json.loads(r["attributes"] or "{}"),
                propagate=bool(r["propagate"]),
                propagated=r["propagated"],
                source_id=r["sourceId"],
                path=list(r["path"] or []),
                remove_on_source_delete=r["removeOnSourceDelete"],
            )
        )
    return found


async def with_classifications(tx: Tx, items: list[T]) -> list[T]:
    """The items with their entities' `classifications` filled, loaded for all of them in one query.
    An item is an Entity, or a record holding one as `.entity` (such as store.entities.InScope)."""
    held = await assignments_for(tx, [_entity_of(item).id for item in items])

    def filled(item: Any) -> Any:
        entity = _entity_of(item)
        entity = entity.model_copy(update={"classifications": held.get(entity.id, [])})
        return entity if isinstance(item, Entity) else dataclasses.replace(item, entity=entity)

    return await map_in_slices(filled, items)


async def loaded(tx: Tx, lookup: Awaitable[T | None]) -> T | None:
    """What a lookup finds, with classifications: `loaded(tx, entity_store.get(tx, id))`."""
    found = await lookup
    return None if found is None else (await with_classifications(tx, [found]))[0]


def _entity_of(item: Any) -> Entity:
    return item if isinstance(item, Entity) else item.entity


def _blocked_edge(record: dict[str, Any]) -> BlockedEdge:
    return BlockedEdge(
        record["source"], record["target"], record["kind"], record["createdAt"], tuple(record["blockedClassifications"] or ())
    )


async def live_edge(tx: Tx, source: str, target: str) -> BlockedEdge | None:
    record = await tx.single("live_lineage_edge", source=source, target=target, kinds=LINEAGE_REL_TYPES)
    return _blocked_edge(record) if record else None


async def set_block(tx: Tx, source: str, target: str, name: str, block: bool) -> BlockedEdge | None:
    record = await tx.single("set_edge_blocks", source=source, target=target, name=name, block=block, kinds=LINEAGE_REL_TYPES)
    return _blocked_edge(record) if record else None


"""Entity repository: domain objects in, domain objects out, one named query per call."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from neo4j.exceptions import ClientError

from ..cooperative import map_in_slices
from ..domain.entities import Entity, EntityInput, EntityType, Found, default_name, new_entity_id
from ..domain.errors import BadInput
from .database import Tx


def canonical_json(value: dict[str, Any]) -> str:
    """Properties are stored as canonical JSON text so equal objects compare equal in Cypher."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entity_from_record(record: dict[str, Any]) -> Entity:
    return Entity(
        id=record["id"],
        type=EntityType.from_label(record["type"]),
        qualified_name=record["qualifiedName"],
        name=record["name"],
        description=record.get("description"),
        properties=json.loads(record.get("properties") or "{}"),
        owners=list(record.get("owners") or []),
        aliases=list(record.get("aliases") or []),
        created_at=record["createdAt"],
        updated_at=record["updatedAt"],
        deleted_at=record.get("deletedAt"),
    )


UPSERT_STATEMENT_ROWS = 1_000  # the driver packs a statement's parameters in one call: 10,000 rows ~100 ms


def _upsert_row(item: EntityInput) -> dict[str, Any]:
    return {
        "id": new_entity_id(),
        "qualifiedName": item.qualified_name,
        "defaultName": default_name(item.qualified_name),
        "name": item.name,
        "description": item.description,
        "properties": None if item.properties is None else canonical_json(item.properties),
        "owners": item.owners,
    }


async def upsert(tx: Tx, entity_type: EntityType, items: list[EntityInput]) -> dict[str, Entity]:
    """Upserts items of one type, UPSERT_STATEMENT_ROWS to an UNWIND statement, in the caller's
    transaction; returns the stored entities by qualifiedName."""
    rows = await map_in_slices(_upsert_row, items)
    records = []
    for start in range(0, len(rows), UPSERT_STATEMENT_ROWS):  # one statement packed at once holds the loop
        records += await tx.records("upsert_entities", entity_type, rows=rows[start : start + UPSERT_STATEMENT_ROWS])
    entities = await map_in_slices(lambda r: entity_from_record(r["entity"]), records)
    return {r["qualifiedName"]: entity for r, entity in zip(records, entities)}


def found_from_record(record: dict[str, Any], entity_type: EntityType | None = None, distance: int | None = None) -> Found:
    """A Found from a record with id, type (a label; or `entity_type` when the query is of one type),
    classificationNames and, where the query returns them, owners, deleted and distance."""
    return Found(
        id=record["id"],
        type=entity_type or EntityType.from_label(record["type"]),
        classification_names=tuple(record.get("classificationNames") or ()),
        owners=tuple(record.get("owners") or ()),
        deleted=bool(record.get("deleted", False)),
        distance=record.get("distance", 0) if distance is None else distance,
    )


async def resolve_ids(tx: Tx, ids: list[str]) -> dict[str, Found]:
    """The live entities among these ids."""
    return {r["id"]: found_from_record(r) for r in await tx.records("resolve_ids", ids=ids)}


async def resolve_names(tx: Tx, entity_type: EntityType, names: list[str]) -> dict[str, Found]:
    """The entities of this type with these qualified names, live or deleted, by name."""
    records = await tx.records("resolve_names", entity_type, names=names)
    return {r["qualifiedName"]: found_from_record(r, entity_type) for r in records}


async def set_containers(tx: Tx, rows: list[dict[str, str]]) -> None:
    """rows: {memberId, containerId, kind} with kind from ContainmentKind."""
    if rows:
        await tx.records("set_containers", rows=rows)


async def get(tx: Tx, entity_id: str) -> Entity | None:
    record = await tx.single("get_entity", id=entity_id)
    return entity_from_record(record["entity"]) if record else None


async def get_many(tx: Tx, ids: list[str]) -> dict[str, Entity]:
    record = await tx.single("get_entities", ids=ids)
    return {e["id"]: entity_from_record(e) for e in record["entities"]}


async def by_name(tx: Tx, entity_type: EntityType, qualified_name: str) -> Entity | None:
    record = await tx.single("get_entity_by_name", entity_type, qualifiedName=qualified_name)
    return entity_from_record(record["entity"]) if record else None


@dataclass(frozen=True)
class InScope:
    """An entity with its classification names and whether the caller's ReadScope may see it."""

    entity: Entity
    classification_names: tuple[str, ...]
    visible: bool = True

    @property
    def found(self) -> Found:
        return Found.of(self.entity, self.classification_names)


def _in_scope(record: dict[str, Any]) -> InScope:
    return InScope(entity_from_record(record["entity"]), tuple(record["classificationNames"]), record.get("visible", True))


async def get_in_scope(tx: Tx, entity_id: str, scope: dict[str, list[str]]) -> InScope | None:
    """scope: ReadScope.cypher_params()."""
    record = await tx.single("get_entity_in_scope", id=entity_id, **scope)
    return _in_scope(record) if record else None


async def by_name_in_scope(
    tx: Tx, entity_type: EntityType, qualified_name: str, scope: dict[str, list[str]]
) -> InScope | None:
    record = await tx.single("get_entity_by_name_in_scope", entity_type, qualifiedName=qualified_name, **scope)
    return _in_scope(record) if record else None


async def by_alias_in_scope(
    tx: Tx, entity_type: EntityType, alias: str, alias_query: str, scope: dict[str, list[str]]
) -> InScope | None:
    record = await tx.single(
        "get_entity_by_alias_in_scope", entity_type, qualifiedName=alias, aliasQuery=alias_query, **scope
    )
    return _in_scope(record) if record else None


async def search(
    tx: Tx,
    query: str | None,
    types: list[str] | None,
    skip: int,
    limit: int,
    scope: dict[str, list[str]],
    classification: str | None = None,
) -> tuple[int, list[InScope]]:
    """Only what `scope` (ReadScope.cypher_params()) lets the caller see, counted and paged in Cypher."""
    params: dict[str, Any] = {"types": types, "skip": skip, "limit": limit, "classification": classification, **scope}
    if query is None:
        total = (await tx.single("search_all_count", **params))["total"]
        records = await tx.records("search_all_page", **params)
    else:
        try:
            total = (await tx.single("search_text_count", query=query, **params))["total"]
            records = await tx.records("search_text_page", query=query, **params)
        except ClientError as error:  # the full-text index refused the query: the text is at fault
            raise BadInput(f"text: the full-text index cannot search this text ({error.code})", field="text") from error
    return total, [_in_scope(r) for r in records]


async def soft_delete(tx: Tx, entity_id: str) -> bool:
    return await tx.single("soft_delete_entity", id=entity_id) is not None


async def containers_in_scope(tx: Tx, member_ids: list[str], scope: dict[str, list[str]]) -> dict[str, InScope]:
    """Each member's live container, by member id (members without one are absent), with whether the
    scope (ReadScope.cypher_params()) may see it."""
    records = await tx.records("containers_in_scope", ids=member_ids, **scope)
    return {r["memberId"]: _in_scope(r) for r in records}


@dataclass(frozen=True)
class MembersWanted:
    """One page of a container's members: `types` (labels) None for every type."""

    container_id: str
    skip: int
    limit: int
    types: tuple[str, ...] | None = None


async def members_in_scope(
    tx: Tx, wanted: list[MembersWanted], scope: dict[str, list[str]]
) -> dict[MembersWanted, tuple[int, list[InScope]]]:
    """For each request whose container exists, the total of visible live members and the page asked
    for; hidden members are filtered (and left out of the total) inside the queries. One count for the
    whole batch, then one page query per page shape (skip, limit): its LIMIT is a parameter, so the
    page is a top-k and a large container is never sorted whole."""
    rows = [{"i": i, "id": w.container_id, "types": list(w.types) if w.types else None} for i, w in enumerate(wanted)]
    totals = {r["i"]: r["total"] for r in await tx.records("members_count_in_scope", rows=rows, **scope)}
    shapes: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for i, total in totals.items():
        if total > wanted[i].skip:  # otherwise the page is empty: nothing to read
            shapes.setdefault((wanted[i].skip, wanted[i].limit), []).append(rows[i])
    pages: dict[int, list[InScope]] = {}
    for (skip, limit), shape_rows in shapes.items():
        for r in await tx.records("members_page_in_scope", rows=shape_rows, skip=skip, limit=limit, **scope):
            pages[r["i"]] = [_in_scope(m) for m in r["members"]]
    return {wanted[i]: (total, pages.get(i, [])) for i, total in totals.items()}

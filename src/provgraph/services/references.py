"""Finding the entities a run, registry or deployment call points at, with the read rules applied.

Shared by the ML metadata services (runs, registry, deployments, monitoring): an entity the caller may
not see is reported exactly like one that does not exist (docs/ARCHITECTURE.md §4, No leaks), and an entity of the
wrong type is BAD_INPUT naming the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..domain.entities import MAX_QUALIFIED_NAME, EntityInput, EntityRef, EntityType, check_id
from ..domain.errors import BadInput, NotFound
from ..domain.principals import Principal
from ..domain.validation import parse
from ..domain.audit import AuditRecord
from ..governance.access import READ, WRITE, AccessControl, ReadScope
from ..governance.audit import audit_record
from ..store import entities as entity_store
from ..store.database import Tx
from .audit import Seen


@dataclass(frozen=True)
class Found:
    id: str
    type: EntityType
    owners: tuple[str, ...]
    classification_names: tuple[str, ...] = ()


def check_qualified_name(value: str, field: str) -> str:
    """A qualified name given on its own (not inside an EntityInput), validated the same way."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise BadInput(f"{field}: must not be empty or whitespace", field=field)
    if len(cleaned) > MAX_QUALIFIED_NAME:
        raise BadInput(f"{field}: is {len(cleaned)} characters long; the limit is {MAX_QUALIFIED_NAME}", field=field)
    return cleaned


def entity_input(entity_type: EntityType, qualified_name: str, **fields: Any) -> EntityInput:
    """An EntityInput built from a call's arguments, with BAD_INPUT naming the argument on a bad value."""
    data = {"type": entity_type, "qualified_name": qualified_name, **{k: v for k, v in fields.items() if v is not None}}
    return parse(EntityInput, data, "")


def not_found(field: str, entity_id: str, what: str = "entity") -> NotFound:
    return NotFound(f"{field}: no {what} with id {entity_id!r}", field=field)


async def visible(tx: Tx, scope: ReadScope, ids: Iterable[str]) -> dict[str, Found]:
    """The live entities among ids that the scope may see."""
    return (await partition(tx, scope, ids))[0]


async def partition(tx: Tx, scope: ReadScope, ids: Iterable[str]) -> tuple[dict[str, Found], list[Found]]:
    """The live entities among ids that the scope may see, and those it may not (for the read audit:
    a batch that met a hidden entity records the denial, though it answers as if it were missing)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}, []
    found, hidden = {}, []
    for r in await tx.records("entity_visibility", ids=wanted):
        entity = Found(r["id"], EntityType.from_label(r["type"]), tuple(r["owners"] or ()), tuple(r["classificationNames"]))
        if scope.can_see(entity.type, entity.classification_names, entity.id, entity.owners):
            found[entity.id] = entity
        else:
            hidden.append(entity)
    return found, hidden


async def batch_of(tx: Tx, scope: ReadScope, ids: Iterable[str], entity_type: EntityType) -> tuple[list[str], list[Seen]]:
    """For a request's batch (api/loaders.py): the visible live entities of this type among ids (each
    once, in order), and the hidden ones met, for the read audit. Others are simply absent."""
    shown, hidden = await partition(tx, scope, ids)
    ordered = [i for i in dict.fromkeys(ids) if i in shown and shown[i].type is entity_type]
    return ordered, [Seen(h.id, h.type, h.classification_names) for h in hidden]


class HiddenEntity(NotFound):
    """NOT_FOUND to the caller (hidden looks exactly like missing); the service audits the denial."""

    def __init__(self, message: str, found: Found, **details: Any) -> None:
        super().__init__(message, **details)
        self.found = found

    @property
    def seen(self) -> Seen:
        return Seen(self.found.id, self.found.type, self.found.classification_names)


def seen(found: Found, scope: ReadScope) -> Seen:
    """What the read audit records about a visible entity (owned: read under the owner rule)."""
    return Seen(found.id, found.type, found.classification_names, scope.owns(found.owners))


async def one(tx: Tx, scope: ReadScope, entity_id: str, entity_type: EntityType, field: str) -> Found:
    """The visible, live entity with this id, which must be of this type."""
    check_id(entity_id, field)
    what = entity_type.name.lower().replace("_", " ")
    record = await tx.single("entity_visibility", ids=[entity_id])
    if record is None:
        raise not_found(field, entity_id, what)
    found = Found(
        record["id"], EntityType.from_label(record["type"]), tuple(record["owners"] or ()), tuple(record["classificationNames"])
    )
    if not scope.can_see(found.type, found.classification_names, found.id, found.owners):
        raise HiddenEntity(not_found(field, entity_id, what).message, found, field=field)
    if found.type is not entity_type:
        raise BadInput(f"{field}: {entity_id!r} is a {found.type.name}, not a {entity_type.name}", field=field)
    return found


async def resolve_refs(
    tx: Tx,
    access: AccessControl,
    principal: Principal,
    scope: ReadScope,
    refs: list[tuple[str, EntityRef]],
    allowed: frozenset[EntityType],
    role: str,
    events: list[AuditRecord],
) -> list[Found]:
    """One entity per (field, ref), in order. Unknown ids and hidden entities are NOT_FOUND; unknown
    names are created (the caller needs write on their type, and gets their audit events in `events`
    to append with its own); a type outside `allowed` is BAD_INPUT (`role` says what the entity was
    going to be, e.g. "an input of a run")."""
    for field, ref in refs:
        entity_type = ref.type
        if ref.id is None and entity_type not in allowed:
            raise BadInput(f"{field}.type: a {entity_type.name} cannot be {role}", field=f"{field}.type")
    ids = [ref.id for _, ref in refs if ref.id is not None]
    names: dict[EntityType, set[str]] = defaultdict(set)
    for _, ref in refs:
        if ref.id is None:
            names[ref.type].add(ref.qualified_name)
    by_name: dict[tuple[EntityType, str], str] = {}
    for entity_type, wanted in names.items():
        stored = await entity_store.resolve_names(tx, entity_type, sorted(wanted))
        missing = sorted(n for n in wanted if n not in stored or stored[n].deleted)
        if missing:
            decision = access.require_type(principal, WRITE, entity_type)
            created = await entity_store.upsert(tx, entity_type, [EntityInput(type=entity_type, qualified_name=n) for n in missing])
            by_name.update({(entity_type, n): e.id for n, e in created.items()})
            events += [
                audit_record(principal, WRITE, decision, e.id, entity_type.label, operation="created by reference")
                for e in created.values()
            ]
        by_name.update({(entity_type, n): r.id for n, r in stored.items() if n not in missing})
    seen = await visible(tx, scope, ids + list(by_name.values()))
    result = []
    for field, ref in refs:
        entity_id = ref.id if ref.id is not None else by_name[(ref.type, ref.qualified_name)]
        found = seen.get(entity_id)
        if found is None:
            if ref.id is not None:
                raise not_found(f"{field}.id", entity_id)
            raise NotFound(f"{field}: no {ref.type.name} named {ref.qualified_name!r}", field=field)
        if found.type not in allowed:
            raise BadInput(f"{field}: a {found.type.name} cannot be {role}", field=field)
        access.require_type(principal, READ, found.type)
        result.append(found)
    return result

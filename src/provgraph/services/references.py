"""Finding the entities a call points at, with the read rules applied.

`visible_or_missing` is the one place a hidden entity becomes NOT_FOUND, exactly like one that does not
exist (docs/ARCHITECTURE.md §4, No leaks); every service that looks an entity up by id goes through it
(or through `one` and `resolve_refs`, the one reference resolver, which use it). A hidden entity
named by its qualifiedName is answered by `visible_by_name`. Names are looked up, and the unknown ones
created, by `find_or_create_names`. An entity of the wrong type is BAD_INPUT naming the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Iterable
from typing import Any, Protocol, TypeVar

from ..cooperative import map_in_slices, pause_every
from ..domain.entities import MAX_QUALIFIED_NAME, Entity, EntityInput, EntityRef, EntityType, Found, check_id
from ..domain.errors import BadInput, NotFound
from ..domain.principals import Principal
from ..domain.validation import parse
from ..domain.audit import AuditRecord
from ..governance.access import READ, WRITE, AccessControl, AccessDenied, Decision, ReadScope
from ..governance.audit import audit_record
from ..store import entities as entity_store
from ..store.database import Database, Tx
from .audit import HIDDEN_RULE, ReadAudit


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


class HiddenEntity(NotFound):
    """NOT_FOUND to the caller (hidden looks exactly like missing); the service audits the denial."""

    def __init__(self, message: str, found: Found, **details: Any) -> None:
        super().__init__(message, **details)
        self.found = found


def not_found(field: str, entity_id: str, what: str = "entity") -> NotFound:
    """The one answer for an id that names nothing the caller may see, missing and hidden alike."""
    return NotFound(f"{field}: no {what} with id {entity_id!r}", field=field)


def visible_or_missing(scope: ReadScope, found: Found | None, missing: NotFound, *, owner_rule: bool = True) -> Found:
    """The one place where "hidden" becomes "missing" (docs/ARCHITECTURE.md §4, No leaks): `found` when
    it exists, is live and the scope may see it; otherwise `missing` is raised, as a HiddenEntity (the
    same NOT_FOUND, carrying the entity so the service can audit the denial) when the entity exists.
    `owner_rule=False` for writes that have never let an owner act on what it is not cleared to see
    (deleting, linking, classifying): only direct reads apply governance/access.py's owner rule."""
    if found is None or found.deleted:
        raise missing
    if not scope.can_see(found.type, found.classification_names, found.id, found.owners if owner_rule else ()):
        raise HiddenEntity(missing.message, found, **missing.details)
    return found


async def visible(tx: Tx, scope: ReadScope, ids: Iterable[str]) -> dict[str, Found]:
    """The live entities among ids that the scope may see."""
    return (await partition(tx, scope, ids))[0]


async def partition(tx: Tx, scope: ReadScope, ids: Iterable[str]) -> tuple[dict[str, Found], list[Found]]:
    """The live entities among ids that the scope may see, and those it may not (for the read audit:
    a batch that met a hidden entity records the denial, though it answers as if it were missing)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}, []
    found: dict[str, Found] = {}
    hidden: list[Found] = []
    for entity_id, entity in (await entity_store.resolve_ids(tx, wanted)).items():
        if scope.can_see(entity.type, entity.classification_names, entity.id, entity.owners):
            found[entity_id] = entity
        else:
            hidden.append(entity)
    return found, hidden


async def batch_of(tx: Tx, scope: ReadScope, ids: Iterable[str], entity_type: EntityType) -> tuple[list[str], list[Found]]:
    """For a request's batch (api/loaders.py): the visible live entities of this type among ids (each
    once, in order), and the hidden ones met, for the read audit. Others are simply absent."""
    shown, hidden = await partition(tx, scope, ids)
    ordered = [i for i in dict.fromkeys(ids) if i in shown and shown[i].type is entity_type]
    return ordered, hidden


class Shown(Protocol):
    """What a batched read returns per id: a stored entity with the classification names it carries."""

    entity: Entity
    classification_names: Any


S = TypeVar("S", bound=Shown)


async def batched_read(
    db: Database,
    access: AccessControl,
    reads: ReadAudit,
    principal: Principal,
    ids: list[str],
    entity_type: EntityType,
    load: Callable[[Tx, list[str]], Awaitable[dict[str, S]]],
    operation: str,
) -> dict[str, S]:
    """A request's batch of ids of one type (api/loaders.py: `Promotion.model`, `ModelVersion.run`,
    ...), in one read: read on the type, the visible live ones loaded by `load`, the others simply
    absent, and one audited read naming what was seen and the hidden ones met."""
    access.require_type(principal, READ, entity_type)
    scope = await access.scope(principal)

    async def work(tx: Tx) -> tuple[dict[str, S], list[Found]]:
        shown, hidden = await batch_of(tx, scope, ids, entity_type)
        return await load(tx, shown), hidden

    found, hidden = await db.read(work)
    seen = [Found.of(v.entity, v.classification_names) for v in found.values()]
    await reads.reads(principal, operation, scope, resource_type=entity_type, seen=seen, hidden=hidden)
    return found


async def read_one(
    db: Database,
    access: AccessControl,
    reads: ReadAudit,
    principal: Principal,
    entity_id: str,
    entity_type: EntityType,
    load: Callable[[Tx, ReadScope, str], Awaitable[S]],
    operation: str,
) -> S:
    """One entity of this type by id (`run`, `deployment`, `modelVersion`, `experiment`), in one read:
    read on the type, `one` (missing and hidden alike are NOT_FOUND naming `id`), then `load`; the read
    is audited either way, a hidden one as the denial it is."""
    access.require_type(principal, READ, entity_type)
    scope = await access.scope(principal)

    async def work(tx: Tx) -> S:
        await one(tx, scope, entity_id, entity_type, "id")
        return await load(tx, scope, entity_id)

    audited = {"resource_id": entity_id, "resource_type": entity_type}
    try:
        found = await db.read(work)
    except HiddenEntity as hidden:
        await reads.reads(principal, operation, scope, **audited, hidden=[hidden.found])
        raise
    await reads.reads(principal, operation, scope, **audited, seen=[Found.of(found.entity, found.classification_names)])
    return found


async def one(tx: Tx, scope: ReadScope, entity_id: str, entity_type: EntityType, field: str) -> Found:
    """The visible, live entity with this id, which must be of this type."""
    check_id(entity_id, field)
    what = entity_type.name.lower().replace("_", " ")
    found = (await entity_store.resolve_ids(tx, [entity_id])).get(entity_id)
    visible_or_missing(scope, found, not_found(field, entity_id, what))
    if found.type is not entity_type:
        raise BadInput(f"{field}: {entity_id!r} is a {found.type.name}, not a {entity_type.name}", field=field)
    return found


async def find_or_create_names(
    tx: Tx,
    access: AccessControl,
    principal: Principal,
    entity_type: EntityType,
    wanted: set[str],
    events: list[AuditRecord],
    created_elsewhere: Collection[str] = frozenset(),
) -> tuple[dict[str, Found], set[str]]:
    """The entities of one type that references by name point at, by qualifiedName, in one lookup.
    Unknown (or deleted) names are created: the caller needs write on the type, and their audit events
    are added to `events` for it to append with its own; names in `created_elsewhere` (a batch that
    upserts them itself) are left to it. Returns what was found or created, and the names created."""
    found = await entity_store.resolve_names(tx, entity_type, sorted(wanted))
    missing = sorted(n for n in wanted if (n not in found or found[n].deleted) and n not in created_elsewhere)
    if missing:
        decision = access.require_type(principal, WRITE, entity_type)
        inputs = await map_in_slices(lambda name: EntityInput(type=entity_type, qualified_name=name), missing)
        created = await entity_store.upsert(tx, entity_type, inputs)
        found.update({n: Found(e.id, entity_type, owners=tuple(e.owners)) for n, e in created.items()})
        events += await map_in_slices(
            lambda e: audit_record(principal, WRITE, decision, e.id, entity_type.label, operation="created by reference"),
            created.values(),
        )
    return found, set(missing)


def visible_by_name(principal: Principal, scope: ReadScope, found: Found, field: str | None = None) -> Found:
    """The one answer for an existing entity named by its qualifiedName that the caller may not see.

    An id is unguessable, so a hidden id answers exactly like a missing one (`visible_or_missing`). A
    name is a unique key the caller chose: a missing name is created, and this one cannot be, so
    answering "missing" would be a lie the next call exposes. It is FORBIDDEN, naming the field and
    the entity's type and nothing else of it (no id, owners or classifications), and the denial is
    audited against the entity (docs/ARCHITECTURE.md §4, No leaks)."""
    if not scope.can_see(found.type, found.classification_names, found.id, found.owners):
        where = f"{field}: " if field else ""
        raise AccessDenied(
            f"{where}principal {principal.name!r} may not write or reference this {found.type.name}",
            principal=principal,
            action=WRITE,
            decision=Decision(False, HIDDEN_RULE),
            resource_id=found.id,
            resource_type=found.type.label,
            field=field,
        )
    return found


async def resolve_refs(
    tx: Tx,
    access: AccessControl,
    principal: Principal,
    scope: ReadScope,
    refs: list[tuple[str, EntityRef]],
    events: list[AuditRecord],
    *,
    allowed: frozenset[EntityType] | None = None,
    role: str = "",
    created_elsewhere: Collection[tuple[EntityType, str]] = frozenset(),
) -> dict[EntityRef, Found]:
    """The one reference resolver (ingestion, runs, the registry, MLflow and OpenLineage alike): each
    (field, ref) to the entity it names, with one lookup per kind of reference.

    - By id: unknown, deleted and hidden ids are the same NOT_FOUND naming `{field}.id`.
    - By name: unknown (or deleted) names are created (the caller needs write on the type; the audit
      events go to `events` for the caller to append with its own), except those in `created_elsewhere`
      (a batch upserting them itself, which the caller resolves). An existing hidden one is FORBIDDEN
      (`visible_by_name`).
    - The owner rule applies (an entity's owners may name what they own, as they may read it: a run's
      logger keeps logging its PII inputs), and the caller needs read on every referenced entity's type.
    - With `allowed`, any other type is BAD_INPUT (`role` says what the entity was going to be, e.g.
      "an input of a run")."""
    if allowed is not None:
        for index, (field, ref) in enumerate(refs):
            await pause_every(index)  # every loop here may run over 10,000 refs
            if ref.id is None and ref.type not in allowed:
                raise BadInput(f"{field}.type: a {ref.type.name} cannot be {role}", field=f"{field}.type")
    ids = sorted({ref.id for _, ref in refs if ref.id is not None})
    by_id = await entity_store.resolve_ids(tx, ids) if ids else {}
    resolved: dict[EntityRef, Found] = {}
    for index, (field, ref) in enumerate(refs):
        await pause_every(index)
        if ref.id is not None:
            resolved[ref] = visible_or_missing(scope, by_id.get(ref.id), not_found(f"{field}.id", ref.id))

    names: dict[EntityType, set[str]] = defaultdict(set)
    for _, ref in refs:
        if ref.id is None:
            names[ref.type].add(ref.qualified_name)
    for entity_type, wanted in names.items():
        in_batch = {n for t, n in created_elsewhere if t is entity_type}
        found, created = await find_or_create_names(tx, access, principal, entity_type, wanted, events, in_batch)
        for index, (field, ref) in enumerate(refs):
            await pause_every(index)
            if ref.id is not None or ref.type is not entity_type or ref.qualified_name not in found:
                continue
            hit = found[ref.qualified_name]
            if ref.qualified_name not in created and ref.qualified_name not in in_batch:
                visible_by_name(principal, scope, hit, field)
            resolved[ref] = hit

    for index, (field, ref) in enumerate(refs):
        await pause_every(index)
        hit = resolved.get(ref)
        if hit is None:  # a name the batch creates
            continue
        if allowed is not None and hit.type not in allowed:
            raise BadInput(f"{field}: a {hit.type.name} cannot be {role}", field=field)
        access.require_type(principal, READ, hit.type)
    return resolved

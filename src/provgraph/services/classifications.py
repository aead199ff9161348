"""Classifications: definitions, classify and declassify, blocking propagation on a lineage edge.

Authorization (one place, here): defining a classification is the `define` action on `classifications`
(admin only in policies/policy.csv: a definition can make entities restricted, which is an access-control
change). Classify, declassify, block and unblock are `classify` on `classifications` (data-engineer,
admin) or an instance grant on the entity; the caller must also be able to read the entity, and an entity
it may not read is NOT_FOUND, exactly like one that does not exist. Every write is audited in its own
transaction, and propagation (services/propagation.py) runs in that same transaction too.
"""

from __future__ import annotations

from typing import Any

from ..domain.classifications import (
    BUILT_INS,
    ClassificationDef,
    check_assignment_attributes,
    check_classification_name,
    check_definition,
)
from ..domain.entities import Entity, Found, check_id
from ..domain.errors import Conflict, NotFound, PropagatedClassification
from ..domain.lineage import LineageEdge, LineageKind
from ..domain.principals import Principal
from ..governance.access import AccessControl, Decision, ReadScope
from ..governance.audit import AuditLog, audit_record
from ..store import classifications as classification_store
from ..store import entities as entity_store
from ..store.classifications import BlockedEdge, DirectAssignment
from ..store.database import Database, Tx
from . import propagation
from .references import not_found, visible_or_missing
from .audit import audits_denials

DEFINE = "define"


@audits_denials
class ClassificationService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log

    async def seed_builtins(self) -> None:
        """PII, SENSITIVE (restricted), CONFIDENTIAL and EXPIRES_ON exist in every store."""
        await self._db.write(lambda tx: classification_store.seed(tx, BUILT_INS))

    # -- definitions ------------------------------------------------------------------------------

    async def definitions(self, principal: Principal) -> list[ClassificationDef]:
        """Every definition. Names and flags are not secret: anyone signed in may list them."""
        return await self._db.read(classification_store.definitions)

    async def define(
        self,
        principal: Principal,
        name: str,
        description: str | None,
        attributes: list[str] | None,
        propagate: bool = True,
        restricted: bool = False,
    ) -> ClassificationDef:
        """Creates or updates a definition. Changing `restricted` or the attribute names is CONFLICT while
        any entity holds the classification (and always for a built-in): it would silently change who
        may read those entities, or orphan their attributes. `propagate` is the default for new
        assignments only; existing ones keep theirs."""
        decision = self._access.require(principal, DEFINE, "classifications", "define classifications", resource_type="classifications")
        name, description, attributes = check_definition(name, description, attributes)

        async def work(tx: Tx) -> ClassificationDef:
            existing = await classification_store.definition(tx, name)
            if existing is not None:
                current, assigned = existing
                changed = [
                    field
                    for field, differs in (
                        ("restricted", current.restricted != restricted),
                        ("attributes", current.attributes != attributes),
                    )
                    if differs
                ]
                if changed and (assigned or current.built_in):
                    why = "it is built in" if current.built_in else "entities hold it"
                    raise Conflict(
                        f"{changed[0]}: {name} cannot change its {' and '.join(changed)} because {why}; "
                        f"keep {changed[0]} as it is, or remove the assignments first",
                        field=changed[0],
                    )
            stored = await classification_store.put_definition(
                tx,
                ClassificationDef(
                    name=name, description=description, attributes=attributes, propagate=propagate, restricted=restricted
                ),
            )
            await self._audit(tx, principal, DEFINE, decision, None, None, classification=name, restricted=restricted)
            return stored

        return await self._db.write(work)

    # -- assignments ------------------------------------------------------------------------------

    async def classify(
        self,
        principal: Principal,
        entity_id: str,
        name: str,
        attributes: Any = None,
        propagate: bool | None = None,
        remove_on_source_delete: bool = False,
    ) -> Entity:
        """Assigns `name` to the entity directly, or updates its assignment in place. Omitted
        attributes and propagate keep their current value (a new assignment: no attributes, the
        definition's propagate). Copies show the new attributes at once (they read the source's)."""
        check_id(entity_id, "entityId")
        check_classification_name(name)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Entity:
            target, decision = await self._classifiable(tx, principal, scope, entity_id)
            definition = await self._definition(tx, name)
            checked = check_assignment_attributes(definition, attributes)
            current = await classification_store.direct(tx, entity_id, name)
            was_propagating = current is not None and current.propagate
            wanted = DirectAssignment(
                attributes=checked if checked is not None else (current.attributes if current else {}),
                propagate=propagate if propagate is not None else (current.propagate if current else definition.propagate),
                remove_on_source_delete=remove_on_source_delete,
            )
            await put_assignment(tx, entity_id, name, wanted, was_propagating)
            await self._audit(
                tx, principal, "classify", decision, entity_id, target.type.label,
                classification=name, propagate=wanted.propagate,
            )
            return await self._entity(tx, entity_id)

        return await self._db.write(work)

    async def declassify(self, principal: Principal, entity_id: str, name: str) -> Entity:
        """Removes the entity's direct assignment, and every copy propagated from it. A copy the entity
        only received by propagation cannot be removed here: PROPAGATED_CLASSIFICATION names its source."""
        check_id(entity_id, "entityId")
        check_classification_name(name)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Entity:
            target, decision = await self._classifiable(tx, principal, scope, entity_id)
            await self._definition(tx, name)
            await propagation.hold_lock(tx)
            if await classification_store.direct(tx, entity_id, name) is None:
                sources = await classification_store.propagated_sources(tx, entity_id, name)
                if sources:
                    raise PropagatedClassification(
                        f"name: {entity_id} carries {name} only by propagation from source {', '.join(sources)}; "
                        f"remove it at the source, or block the lineage edge it arrives through "
                        f"(blockPropagation)",
                        field="name",
                        sourceIds=sources,
                    )
                raise NotFound(f"name: entity {entity_id} does not hold {name}", field="name")
            await propagation.remove_assignment(tx, entity_id, name)
            await self._audit(tx, principal, "declassify", decision, entity_id, target.type.label, classification=name)
            return await self._entity(tx, entity_id)

        return await self._db.write(work)

    # -- blocking -----------------------------------------------------------------------------------

    async def block(self, principal: Principal, source_id: str, target_id: str, name: str) -> LineageEdge:
        """The live lineage edge source -> target stops `name`, from every source, from crossing it."""
        return await self._set_block(principal, source_id, target_id, name, block=True)

    async def unblock(self, principal: Principal, source_id: str, target_id: str, name: str) -> LineageEdge:
        return await self._set_block(principal, source_id, target_id, name, block=False)

    async def _set_block(self, principal: Principal, source_id: str, target_id: str, name: str, block: bool) -> LineageEdge:
        check_id(source_id, "sourceId")
        check_id(target_id, "targetId")
        check_classification_name(name, "classification")
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> LineageEdge:
            await self._readable(tx, scope, source_id, "sourceId")
            target = await self._readable(tx, scope, target_id, "targetId")
            decision = self._access.require_classify(principal, target.type, target_id)
            await self._definition(tx, name, "classification")
            await propagation.hold_lock(tx)
            edge = await classification_store.set_block(tx, source_id, target_id, name, block)
            if edge is None:
                raise NotFound(
                    f"targetId: no live lineage edge runs from {source_id} to {target_id}", field="targetId"
                )
            await propagation.refresh_after_edges_changed(tx, [source_id], [target_id])
            await self._audit(
                tx, principal, "block-propagation" if block else "unblock-propagation", decision, target_id,
                target.type.label, classification=name, sourceId=source_id,
            )
            return _lineage_edge(edge)

        return await self._db.write(work)

    # -- shared steps -----------------------------------------------------------------------------

    @staticmethod
    async def _readable(tx: Tx, scope: ReadScope, entity_id: str, field: str) -> Found:
        """The live entity, if the caller's scope lets it read it; otherwise NOT_FOUND, the same answer
        as for an entity that does not exist (docs/ARCHITECTURE.md §4: errors never reveal a hidden entity)."""
        target = await classification_store.target(tx, entity_id)
        return visible_or_missing(scope, target, not_found(field, entity_id), owner_rule=False)

    async def _classifiable(
        self, tx: Tx, principal: Principal, scope: ReadScope, entity_id: str
    ) -> tuple[Found, Decision]:
        target = await self._readable(tx, scope, entity_id, "entityId")
        return target, self._access.require_classify(principal, target.type, entity_id)

    @staticmethod
    async def _definition(tx: Tx, name: str, field: str = "name") -> ClassificationDef:
        found = await classification_store.definition(tx, name)
        if found is None:
            raise NotFound(f"{field}: no classification named {name!r} is defined", field=field)
        return found[0]

    @staticmethod
    async def _entity(tx: Tx, entity_id: str) -> Entity:
        entity = await entity_store.get(tx, entity_id)
        assert entity is not None  # checked at the start of this same transaction
        return (await classification_store.with_classifications(tx, [entity]))[0]

    async def _audit(
        self,
        tx: Tx,
        principal: Principal,
        action: str,
        decision: Decision,
        resource_id: str | None,
        resource_type: str | None,
        **details: Any,
    ) -> None:
        await self._log.append(tx, [audit_record(principal, action, decision, resource_id, resource_type or "classifications", **details)])


async def put_assignment(tx: Tx, entity_id: str, name: str, wanted: DirectAssignment, was_propagating: bool) -> None:
    """Stores the entity's direct assignment of `name` and makes propagation exact again (the caller
    has authorized it: classify here, tags at OpenLineage ingestion)."""
    await propagation.hold_lock(tx)
    await classification_store.put_direct(tx, entity_id, name, wanted)
    if wanted.propagate and not was_propagating:
        await propagation.start_propagating(tx, entity_id, name)
    elif was_propagating and not wanted.propagate:
        await propagation.stop_propagating(tx, entity_id, name)
    else:
        await propagation.refresh_names(tx, [entity_id])


def _lineage_edge(edge: BlockedEdge) -> LineageEdge:
    return LineageEdge(
        source=edge.source,
        target=edge.target,
        type=LineageKind(edge.kind),
        created_at=edge.created_at,
        blocked_classifications=list(edge.blocked),
    )

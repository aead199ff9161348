"""Writing the graph: entity upserts, processes with their inputs and outputs, lineage edges, deletes.

Each public method is one write transaction: either all of it is stored or none of it.
"""

from __future__ import annotations

from collections import defaultdict

from ..domain.entities import (
    DATA_TYPES,
    MAX_BATCH,
    PROCESS_TYPES,
    Entity,
    EntityInput,
    EntityRef,
    EntityType,
    ProcessInput,
    check_id,
    containment_kind,
)
from ..domain.errors import BadInput, LimitExceeded, NotFound
from ..domain.lineage import LineageEdge, LineageKind, lineage_kind
from ..domain.principals import Principal
from ..governance.access import READ, WRITE, AccessControl
from ..store import entities as entity_store
from ..store import lineage as lineage_store
from ..store.database import Database, Tx
from ..store.entities import Resolved


class IngestService:
    def __init__(self, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    # -- entities -------------------------------------------------------------------------------

    async def upsert_entities(self, principal: Principal, items: list[EntityInput]) -> list[Entity]:
        """Creates or updates entities keyed on (type, qualifiedName), in input order."""
        if len(items) > MAX_BATCH:
            raise LimitExceeded(f"input: at most {MAX_BATCH} entities per call, got {len(items)}", field="input")
        unique = _deduplicate(items)
        for entity_type in {item.type for item in unique}:
            self._access.require_type(principal, WRITE, entity_type)
        for index, item in enumerate(items):
            if item.container is not None and item.container.type is not None:
                containment_kind(item.type, item.container.type, f"input[{index}].container")

        async def work(tx: Tx) -> list[Entity]:
            refs = [(f"input[{i}].container", item.container) for i, item in enumerate(items) if item.container]
            resolved = await self._resolve(tx, principal, refs, batch={item.key for item in unique})
            stored = await self._upsert_grouped(tx, unique)
            await self._set_containers(tx, items, stored, resolved)
            return [stored[item.key] for item in items]

        return await self._db.write(work)

    async def delete_entity(self, principal: Principal, entity_id: str) -> bool:
        """Soft delete: the entity leaves search and lookups but stays in history and lineage."""
        check_id(entity_id)

        async def work(tx: Tx) -> bool:
            found = (await entity_store.resolve_ids(tx, [entity_id])).get(entity_id)
            if found is None:
                raise NotFound(f"id: no entity with id {entity_id!r}", field="id")
            self._access.require_type(principal, WRITE, found.type)
            return await entity_store.soft_delete(tx, entity_id)

        return await self._db.write(work)

    # -- processes and lineage ------------------------------------------------------------------

    async def record_process(self, principal: Principal, process: ProcessInput) -> Entity:
        """Upserts a Run or PipelineRun and makes its live inputs and outputs exactly the given ones.

        Unknown references by name are created, unknown ids are NOT_FOUND; edges no longer listed are
        ended (removedAt), not deleted. Replaying the same process changes nothing.
        """
        self._access.require_type(principal, WRITE, process.type)
        if process.container is not None and process.container.type is not None:
            containment_kind(process.type, process.container.type, "input.container")
        as_entity = EntityInput(
            type=process.type,
            qualified_name=process.qualified_name,
            name=process.name,
            properties=process.properties,
            container=process.container,
        )

        async def work(tx: Tx) -> Entity:
            refs = [(f"input.inputs[{i}]", ref) for i, ref in enumerate(process.inputs)]
            refs += [(f"input.outputs[{i}]", ref) for i, ref in enumerate(process.outputs)]
            if process.container is not None:
                refs.append(("input.container", process.container))
            resolved = await self._resolve(tx, principal, refs)
            for field, ref in refs[: len(process.inputs) + len(process.outputs)]:
                entity_type = resolved[ref].type
                if entity_type not in DATA_TYPES:
                    raise BadInput(f"{field}: a {entity_type.name} cannot be an input or output of a process", field=field)
            stored = await self._upsert_grouped(tx, [as_entity])
            await self._set_containers(tx, [as_entity], stored, resolved)
            process_id = stored[as_entity.key].id
            input_ids = list(dict.fromkeys(resolved[ref].id for ref in process.inputs))
            output_ids = list(dict.fromkeys(resolved[ref].id for ref in process.outputs))
            await lineage_store.end_process_edges_except(tx, process_id, input_ids, output_ids)
            await lineage_store.link(
                tx,
                [(i, process_id, LineageKind.INPUT_TO) for i in input_ids]
                + [(process_id, o, LineageKind.PRODUCED) for o in output_ids],
            )
            return stored[as_entity.key]

        return await self._db.write(work)

    async def link_lineage(self, principal: Principal, source_id: str, target_id: str) -> LineageEdge:
        check_id(source_id, "sourceId")
        check_id(target_id, "targetId")
        if source_id == target_id:
            raise BadInput("targetId: an entity cannot be its own lineage source", field="targetId")

        async def work(tx: Tx) -> LineageEdge:
            source, target = await self._edge_ends(tx, principal, source_id, target_id)
            kind = lineage_kind(source.type, target.type)
            return (await lineage_store.link(tx, [(source_id, target_id, kind)]))[0]

        return await self._db.write(work)

    async def unlink_lineage(self, principal: Principal, source_id: str, target_id: str) -> bool:
        """Ends the live edge (kept in history for time travel). False when there was none."""
        check_id(source_id, "sourceId")
        check_id(target_id, "targetId")

        async def work(tx: Tx) -> bool:
            await self._edge_ends(tx, principal, source_id, target_id)
            return bool(await lineage_store.unlink(tx, source_id, target_id))

        return await self._db.write(work)

    # -- shared steps ---------------------------------------------------------------------------

    async def _edge_ends(self, tx: Tx, principal: Principal, source_id: str, target_id: str) -> tuple[Resolved, Resolved]:
        """Both ends must exist. An edge belongs to its process end (or, without one, its target):
        the caller needs write on that end's type and read on the other."""
        found = await entity_store.resolve_ids(tx, [source_id, target_id])
        for field, entity_id in (("sourceId", source_id), ("targetId", target_id)):
            if entity_id not in found:
                raise NotFound(f"{field}: no entity with id {entity_id!r}", field=field)
        source, target = found[source_id], found[target_id]
        owner, other = (source, target) if source.type in PROCESS_TYPES else (target, source)
        self._access.require_type(principal, WRITE, owner.type)
        self._access.require_type(principal, READ, other.type)
        return source, target

    async def _resolve(
        self,
        tx: Tx,
        principal: Principal,
        refs: list[tuple[str, EntityRef]],
        batch: set[tuple[EntityType, str]] = frozenset(),
    ) -> dict[EntityRef, Resolved]:
        """Finds every referenced entity with one query per kind of reference. Unknown ids are
        NOT_FOUND; unknown names are created (the caller needs write on their type) unless the
        batch being upserted creates them anyway."""
        by_id = [ref for _, ref in refs if ref.id is not None]
        found_ids = await entity_store.resolve_ids(tx, list({ref.id for ref in by_id})) if by_id else {}
        resolved: dict[EntityRef, Resolved] = {}
        for field, ref in refs:
            if ref.id is not None:
                if ref.id not in found_ids:
                    raise NotFound(f"{field}.id: no entity with id {ref.id!r}", field=f"{field}.id")
                resolved[ref] = found_ids[ref.id]

        names: dict[EntityType, set[str]] = defaultdict(set)
        for _, ref in refs:
            if ref.id is None:
                names[ref.type].add(ref.qualified_name)
        for entity_type, wanted in names.items():
            found = await entity_store.resolve_names(tx, entity_type, sorted(wanted))
            missing = sorted(n for n in wanted if (n not in found or found[n].deleted) and (entity_type, n) not in batch)
            if missing:
                self._access.require_type(principal, WRITE, entity_type)
                created = await entity_store.upsert(
                    tx, entity_type, [EntityInput(type=entity_type, qualified_name=n) for n in missing]
                )
                found.update({n: Resolved(e.id, entity_type, tuple(e.owners)) for n, e in created.items()})
            existing = {n for n in wanted if n in found and n not in missing}
            if existing:
                self._access.require_type(principal, READ, entity_type)
            for _, ref in refs:
                if ref.id is None and ref.type is entity_type and ref.qualified_name in found:
                    resolved[ref] = found[ref.qualified_name]
        return resolved

    async def _upsert_grouped(self, tx: Tx, items: list[EntityInput]) -> dict[tuple[EntityType, str], Entity]:
        """One UNWIND per entity type present (labels cannot be parameters)."""
        by_type: dict[EntityType, list[EntityInput]] = defaultdict(list)
        for item in items:
            by_type[item.type].append(item)
        stored: dict[tuple[EntityType, str], Entity] = {}
        for entity_type, group in by_type.items():
            for qualified_name, entity in (await entity_store.upsert(tx, entity_type, group)).items():
                stored[(entity_type, qualified_name)] = entity
        return stored

    async def _set_containers(
        self,
        tx: Tx,
        items: list[EntityInput],
        stored: dict[tuple[EntityType, str], Entity],
        resolved: dict[EntityRef, Resolved],
    ) -> None:
        rows = []
        for index, item in enumerate(items):
            if item.container is None:
                continue
            ref = item.container
            if ref in resolved:
                container_id, container_type = resolved[ref].id, resolved[ref].type
            else:  # a container upserted in this same batch
                container = stored[(ref.type, ref.qualified_name)]
                container_id, container_type = container.id, container.type
            kind = containment_kind(item.type, container_type, f"input[{index}].container")
            rows.append({"memberId": stored[item.key].id, "containerId": container_id, "kind": kind.value})
        await entity_store.set_containers(tx, rows)


def _deduplicate(items: list[EntityInput]) -> list[EntityInput]:
    """Identical repeats collapse to one; the same key with different fields is BAD_INPUT."""
    seen: dict[tuple[EntityType, str], tuple[int, EntityInput]] = {}
    for index, item in enumerate(items):
        if item.key in seen:
            first_index, first = seen[item.key]
            if first != item:
                raise BadInput(
                    f"input[{index}]: ({item.type.name}, {item.qualified_name!r}) also appears as "
                    f"input[{first_index}] with different fields",
                    field=f"input[{index}]",
                )
            continue
        seen[item.key] = (index, item)
    return [item for _, item in seen.values()]

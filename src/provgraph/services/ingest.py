"""Writing the graph: entity upserts, processes with their inputs and outputs, lineage edges, deletes.

Each public method is one write transaction: either all of it is stored or none of it.
"""

from __future__ import annotations

from collections import defaultdict

from ..cooperative import map_in_slices, pause_every
from ..domain.audit import AuditRecord
from ..domain.entities import (
    DATA_TYPES,
    FLOW_TYPES,
    MAX_BATCH,
    MAX_PROCESS_BATCH,
    Entity,
    EntityInput,
    EntityRef,
    EntityType,
    Found,
    ProcessInput,
    check_id,
    containment_kind,
)
from ..domain.errors import BadInput, LimitExceeded
from ..domain.lineage import LineageEdge, LineageKind, lineage_kind
from ..domain.principals import Principal
from ..governance.access import READ, WRITE, AccessControl, Decision, ReadScope
from ..governance.audit import AuditLog, audit_record
from ..store import classifications as classification_store
from ..store import entities as entity_store
from ..store import lineage as lineage_store
from ..store.database import Database, Tx
from . import propagation
from .audit import audits_denials
from .references import not_found, resolve_refs, visible_by_name, visible_or_missing


@audits_denials
class IngestService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log  # every write's audit event commits in the write's own transaction

    # -- entities -------------------------------------------------------------------------------

    async def upsert_entities(self, principal: Principal, items: list[EntityInput]) -> list[Entity]:
        """Creates or updates entities keyed on (type, qualifiedName), in input order."""
        if len(items) > MAX_BATCH:
            raise LimitExceeded(f"input: at most {MAX_BATCH} entities per call, got {len(items)}", field="input")
        unique = _deduplicate(items)
        scope = await self._access.scope(principal)
        for index, item in enumerate(items):
            if item.container is not None and item.container.type is not None:
                containment_kind(item.type, item.container.type, f"input[{index}].container")

        async def work(tx: Tx) -> list[Entity]:
            refs = [(f"input[{i}].container", item.container) for i, item in enumerate(items) if item.container]
            if refs:  # containment carries classifications: lock before writing (services/propagation.py)
                await propagation.hold_lock(tx)
            named = _first_fields(items, [f"input[{i}]" for i in range(len(items))])
            decisions = await self._authorize_writes(tx, principal, scope, named)
            events: list[AuditRecord] = []
            resolved = await resolve_refs(
                tx, self._access, principal, scope, refs, events, created_elsewhere={item.key for item in unique}
            )
            stored = await self._upsert_grouped(tx, unique)
            await self._set_containers(tx, items, stored, resolved)
            events += await map_in_slices(
                lambda key: audit_record(principal, WRITE, decisions[key], stored[key].id, key[0].label, operation="upsertEntities"),
                decisions,
            )
            await self._log.append(tx, events)
            return await classification_store.with_classifications(tx, [stored[item.key] for item in items])

        return await self._db.write(work)

    async def delete_entity(self, principal: Principal, entity_id: str) -> bool:
        """Soft delete: the entity leaves search and lookups but stays in history and lineage."""
        check_id(entity_id)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> bool:
            found = visible_or_missing(
                scope, (await entity_store.resolve_ids(tx, [entity_id])).get(entity_id), not_found("id", entity_id), owner_rule=False
            )
            decision = self._access.require_write(principal, found.type, found.owners, entity_id, operation="delete")
            await propagation.hold_lock(tx)
            deleted = await entity_store.soft_delete(tx, entity_id)
            await propagation.remove_assignments_on_delete(tx, entity_id)
            await self._log.append(tx, [audit_record(principal, "delete", decision, entity_id, found.type.label)])
            return deleted

        return await self._db.write(work)

    # -- processes and lineage ------------------------------------------------------------------

    async def record_process(self, principal: Principal, process: ProcessInput) -> Entity:
        """One process: `record_processes` of one, with its errors naming `input.` fields."""
        return (await self._record(principal, [process], ["input"]))[0]

    async def record_processes(self, principal: Principal, processes: list[ProcessInput]) -> list[Entity]:
        """Upserts Runs or PipelineRuns and makes each one's live inputs and outputs exactly the given
        ones, all in one transaction, returned in input order.

        Unknown references by name are created, unknown ids are NOT_FOUND; edges no longer listed are
        ended (removedAt), not deleted. Replaying the same processes changes nothing. The same process
        twice in one batch must be identical (it is recorded once) or the batch is BAD_INPUT.
        """
        if len(processes) > MAX_PROCESS_BATCH:
            raise LimitExceeded(
                f"input: at most {MAX_PROCESS_BATCH} processes per call, got {len(processes)}", field="input"
            )
        references = sum(len(p.inputs) + len(p.outputs) for p in processes)
        if references > MAX_BATCH:
            raise LimitExceeded(
                f"input: at most {MAX_BATCH} inputs and outputs per call in all, got {references}", field="input"
            )
        _deduplicate(processes)
        return await self._record(principal, processes, [f"input[{i}]" for i in range(len(processes))])

    async def _record(self, principal: Principal, processes: list[ProcessInput], fields: list[str]) -> list[Entity]:
        """Every step runs once for the whole batch (one UNWIND each), so a batch of N processes costs
        about as many statements as one process: the round trips do not grow with N."""
        scope = await self._access.scope(principal)
        for field, process in zip(fields, processes):
            if process.container is not None and process.container.type is not None:
                containment_kind(process.type, process.container.type, f"{field}.container")
        as_entities = [
            EntityInput(
                type=p.type, qualified_name=p.qualified_name, name=p.name, properties=p.properties, container=p.container
            )
            for p in processes
        ]
        unique = list({e.key: e for e in as_entities}.values())
        refs: list[tuple[str, EntityRef]] = []
        for field, process in zip(fields, processes):
            refs += [(f"{field}.inputs[{i}]", ref) for i, ref in enumerate(process.inputs)]
            refs += [(f"{field}.outputs[{i}]", ref) for i, ref in enumerate(process.outputs)]
        ends = len(refs)
        refs += [(f"{field}.container", p.container) for field, p in zip(fields, processes) if p.container is not None]

        async def work(tx: Tx) -> list[Entity]:
            await propagation.hold_lock(tx)
            decisions = await self._authorize_writes(tx, principal, scope, _first_fields(as_entities, fields))
            events: list[AuditRecord] = []
            resolved = await resolve_refs(tx, self._access, principal, scope, refs, events)
            for index, (field, ref) in enumerate(refs[:ends]):
                await pause_every(index)
                entity_type = resolved[ref].type
                if entity_type not in DATA_TYPES:
                    raise BadInput(f"{field}: a {entity_type.name} cannot be an input or output of a process", field=field)
            stored = await self._upsert_grouped(tx, unique)
            await self._set_containers(tx, unique, stored, resolved)
            wanted = {
                stored[e.key].id: (
                    list(dict.fromkeys(resolved[ref].id for ref in p.inputs)),
                    list(dict.fromkeys(resolved[ref].id for ref in p.outputs)),
                )
                for e, p in zip(as_entities, processes)
            }
            kept = await lineage_store.end_process_edges_except(tx, wanted)
            edges: list[tuple[str, str, LineageKind]] = []
            for process_id, (input_ids, output_ids) in wanted.items():
                edges += [(i, process_id, LineageKind.INPUT_TO) for i in input_ids if i not in kept.live_inputs[process_id]]
                edges += [(process_id, o, LineageKind.PRODUCED) for o in output_ids if o not in kept.live_outputs[process_id]]
            events += [
                audit_record(
                    principal, WRITE, decisions[e.key], stored[e.key].id, e.type.label,
                    operation="recordProcess", inputs=wanted[stored[e.key].id][0], outputs=wanted[stored[e.key].id][1],
                )
                for e in unique
            ]
            await lineage_store.create(tx, edges)
            # A new output of a tagged input is tagged, and an ended edge's tags go, in this transaction.
            await propagation.refresh_after_edges_changed(
                tx,
                [*(i for ins, _ in wanted.values() for i in ins), *kept.ended_inputs, *wanted],
                [*wanted, *(o for _, outs in wanted.values() for o in outs), *kept.ended_outputs],
            )
            await self._log.append(tx, events)
            shown = await classification_store.with_classifications(tx, [stored[e.key] for e in unique])
            by_key = {(e.type, e.qualified_name): e for e in shown}
            return [by_key[e.key] for e in as_entities]

        return await self._db.write(work)

    async def link_lineage(self, principal: Principal, source_id: str, target_id: str) -> LineageEdge:
        """One edge: `link_lineages` of one, with its errors naming `sourceId` and `targetId`."""
        return (await self._link(principal, [(source_id, target_id)], [("sourceId", "targetId")]))[0]

    async def link_lineages(self, principal: Principal, pairs: list[tuple[str, str]]) -> list[LineageEdge]:
        """Adds lineage edges (source, target), each kind decided by its ends' types, in one
        transaction; returned in input order. An edge already live is left as it is (idempotent), and
        the same pair twice is one edge. Any bad pair rejects the whole batch, naming input[i]."""
        if len(pairs) > MAX_BATCH:
            raise LimitExceeded(f"input: at most {MAX_BATCH} edges per call, got {len(pairs)}", field="input")
        fields = [(f"input[{i}].sourceId", f"input[{i}].targetId") for i in range(len(pairs))]
        return await self._link(principal, pairs, fields)

    async def _link(
        self, principal: Principal, pairs: list[tuple[str, str]], fields: list[tuple[str, str]]
    ) -> list[LineageEdge]:
        for (source_id, target_id), (source_field, target_field) in zip(pairs, fields):
            check_id(source_id, source_field)
            check_id(target_id, target_field)
            if source_id == target_id:
                raise BadInput(f"{target_field}: an entity cannot be its own lineage source", field=target_field)
        unique = list(dict.fromkeys(pairs))
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> list[LineageEdge]:
            found = await entity_store.resolve_ids(tx, list({i for pair in unique for i in pair}))
            rows: dict[tuple[str, str], LineageKind] = {}
            events: list[AuditRecord] = []
            for (source_id, target_id), (source_field, target_field) in zip(pairs, fields):
                source, target, event = self._edge_ends(
                    principal, scope, found, (source_id, source_field), (target_id, target_field), "link"
                )
                if (source_id, target_id) not in rows:
                    rows[(source_id, target_id)] = lineage_kind(source.type, target.type, target_field)
                    events.append(event)
            await propagation.hold_lock(tx)
            linked = await lineage_store.link(tx, [(s, t, kind) for (s, t), kind in rows.items()])
            await propagation.refresh_after_edges_changed(tx, [s for s, _ in unique], [t for _, t in unique])
            await self._log.append(tx, events)
            by_pair = {(edge.source, edge.target): edge for edge in linked}
            return [by_pair[pair] for pair in pairs]

        return await self._db.write(work)

    async def unlink_lineage(self, principal: Principal, source_id: str, target_id: str) -> bool:
        """Ends the live edge (kept in history for time travel). False when there was none."""
        check_id(source_id, "sourceId")
        check_id(target_id, "targetId")

        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> bool:
            found = await entity_store.resolve_ids(tx, [source_id, target_id])
            _, _, event = self._edge_ends(principal, scope, found, (source_id, "sourceId"), (target_id, "targetId"), "unlink")
            await propagation.hold_lock(tx)
            ended = await lineage_store.unlink(tx, source_id, target_id)
            if ended:  # tags that no longer have a path go; those with another path stay
                await propagation.refresh_after_edges_changed(tx, [source_id], [target_id])
            await self._log.append(tx, [event])
            return bool(ended)

        return await self._db.write(work)

    # -- shared steps ---------------------------------------------------------------------------

    def _edge_ends(
        self,
        principal: Principal,
        scope: ReadScope,
        found: dict[str, Found],
        source: tuple[str, str],
        target: tuple[str, str],
        action: str,
    ) -> tuple[Found, Found, AuditRecord]:
        """Both ends, each (id, field), must exist in `found` and be visible to the caller (a hidden end
        is NOT_FOUND, exactly like a missing one). An edge belongs to its process end (or, without one,
        its target): the caller needs write on that end (its type, ownership or a grant) and read on the
        other's type. Returns the audit event for the change, against the owning end, to append last."""
        for entity_id, field in (source, target):
            visible_or_missing(scope, found.get(entity_id), not_found(field, entity_id), owner_rule=False)
        source_end, target_end = found[source[0]], found[target[0]]
        owner, other = (source_end, target_end) if source_end.type in FLOW_TYPES else (target_end, source_end)
        decision = self._access.require_write(principal, owner.type, owner.owners, owner.id, operation=action)
        self._access.require_type(principal, READ, other.type)
        event = audit_record(
            principal, action, decision, owner.id, owner.type.label, source=source[0], target=target[0]
        )
        return source_end, target_end, event

    async def _authorize_writes(
        self, tx: Tx, principal: Principal, scope: ReadScope, keys: dict[tuple[EntityType, str], str]
    ) -> dict[tuple[EntityType, str], Decision]:
        """The write decision for each entity named by (type, qualifiedName), keyed to the field naming
        it first. A new one needs its type's write rule; an existing one may also be written by its
        owners or through an instance grant, but only by a caller who may see it (`visible_by_name`)."""
        by_type: dict[EntityType, list[str]] = defaultdict(list)
        for entity_type, qualified_name in keys:
            by_type[entity_type].append(qualified_name)
        decisions: dict[tuple[EntityType, str], Decision] = {}
        for entity_type, names in by_type.items():
            existing = await entity_store.resolve_names(tx, entity_type, sorted(set(names)))
            for index, name in enumerate(names):
                await pause_every(index)
                found = existing.get(name)
                if found is None:
                    decisions[(entity_type, name)] = self._access.require_write(principal, entity_type)
                    continue
                visible_by_name(principal, scope, found, keys[(entity_type, name)])
                decisions[(entity_type, name)] = self._access.require_write(principal, entity_type, found.owners, found.id)
        return decisions

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
        resolved: dict[EntityRef, Found],
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
        if not rows:
            return
        members = [row["memberId"] for row in rows]
        old_containers = await propagation.containers_of(tx, members)
        await entity_store.set_containers(tx, rows)
        await propagation.refresh_after_edges_changed(
            tx, [*old_containers, *(row["containerId"] for row in rows)], members
        )


def _first_fields(items: list[EntityInput], fields: list[str]) -> dict[tuple[EntityType, str], str]:
    """Each (type, qualifiedName) to the field of its first appearance, in order."""
    first: dict[tuple[EntityType, str], str] = {}
    for item, field in zip(items, fields):
        first.setdefault(item.key, field)
    return first


def _deduplicate(items: list[EntityInput] | list[ProcessInput]) -> list[EntityInput] | list[ProcessInput]:
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

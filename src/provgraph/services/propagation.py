"""The propagation engine: keeps stored propagated copies equal to the rule (docs/ARCHITECTURE.md §4) after every
mutation, inside the mutation's own transaction.

The rule: X carries C from S when S has C directly with propagate true and a path S => X exists over
live propagation edges none of which blocks C. S's assignment of C is one node, and each holder X has
one CARRIES relationship to it with `distance`, the length of a shortest such path
(cypher/propagation.cypher explains the storage).
Keeping distances makes every repair local to what changed instead of recomputing a source's whole
downstream:

* edges added or unblocked: a breadth-first relaxation from the edges' upstream ends offers each target
  distance + 1, and only targets that gain a copy or a shorter distance continue the search;
* edges ended, deleted or blocked: a copy keeps its distance while an edge still reaches it from a holder
  one step closer to the source (the Even-Shiloach deletion rule). Copies that lose that support become
  pending, their children are checked in turn, and the relaxation restarts from the holders that still
  reach a pending copy. Whatever stays pending has no path any more and is deleted.

Every step is one set-based Cypher statement over a batch of (assignment, entity) rows, for all
assignments at once: the number of round trips grows with the depth of the change (and one per 10,000
rows), never with the number of entities.
Everything runs in the caller's managed transaction (`CALL { } IN TRANSACTIONS` is not allowed there),
so a mutation and its propagation commit or fail together and no reader ever sees a half-propagated
state. Writers serialise on one lock node (see `hold_lock`).

Who takes the lock: only mutations that can change propagation, i.e. that add, end or block a lineage or
containment edge or change a classification assignment: recordProcess(es), linkLineage(s),
unlinkLineage, blockPropagation, classify/declassify, deleteEntity, upsertEntities *with* a container,
startRun (HAS_RUN), createModelVersion (HAS_VERSION), deploy/undeploy/rollback (DEPLOYED_AS), run
inputs and outputs, and OpenLineage run events. Everything else never takes it and runs concurrently
with them: upsertEntities without containers (properties only), logParams, setRunTags, logMetrics,
finishRun, deployment metrics, aliases and promotions, alert rules, principals and grants
(tests/test_propagation_lock.py holds the lock and writes them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..store import classifications as classification_store
from ..store import propagation as store
from ..store.database import Tx
from ..store.propagation import SPREAD_HOPS, Row


async def hold_lock(tx: Tx) -> None:
    """Takes the propagation lock for the rest of the transaction (idempotent within it).

    Neo4j reads committed data, so two concurrent repairs could each miss the other's new edge or copy.
    Every function here takes this lock before it reads propagation state; a writer that changes edges
    may take it first, before its edge writes, to avoid waiting on a deadlock retry."""
    await store.lock(tx)


async def refresh_after_edges_changed(tx: Tx, from_ids: Iterable[str], to_ids: Iterable[str]) -> None:
    """Makes propagation exact again after propagation edges changed in this transaction.

    Call it once, after the edge writes, with the upstream ends (`from_ids`) and the downstream ends
    (`to_ids`) of every edge added, ended, deleted, blocked or unblocked: lineage edges (INPUT_TO,
    PRODUCED, DEPLOYED_AS, DERIVES, including `blockedClassifications` changes) and containment edges
    (HAS_VERSION, HAS_FEATURE, HAS_RUN). Extra ids cost a little time, never correctness; a missing one
    leaves stale or missing tags."""
    await hold_lock(tx)
    seeds = await store.pairs_at(tx, _unique(from_ids))
    if not seeds:
        return
    keys = sorted({r["key"] for r in seeds})
    suspects = await store.holders_among(tx, _unique(to_ids), keys)
    pending = await _orphan(tx, suspects)
    boundary = await store.boundary(tx, pending)
    await _relax(tx, [*seeds, *boundary])
    await store.delete_pending(tx, pending)


async def start_propagating(tx: Tx, source_id: str, name: str) -> None:
    """The source's direct assignment of `name` now propagates: every entity it reaches gets a copy.
    Call only while the assignment has no copies (it is new, or stop_propagating just removed them)."""
    await hold_lock(tx)
    key = classification_store.assignment_key(source_id, name)
    # It has no copies yet, so there is nothing to repair, only to add: one search writes them all.
    frontier = await store.spread(tx, key, name)
    await _relax(tx, [{"key": key, "nodeId": node_id, "distance": SPREAD_HOPS} for node_id in frontier])
    await refresh_names(tx, [source_id])


async def stop_propagating(tx: Tx, source_id: str, name: str) -> None:
    """The source's direct assignment of `name` no longer propagates (propagate turned off): its copies go."""
    await hold_lock(tx)
    await store.delete_copies(tx, classification_store.assignment_key(source_id, name))
    await refresh_names(tx, [source_id])


async def remove_assignment(tx: Tx, source_id: str, name: str) -> None:
    """Removes the source's direct assignment of `name` and every copy of it."""
    await hold_lock(tx)
    await store.delete_copies(tx, classification_store.assignment_key(source_id, name))
    await classification_store.delete_direct(tx, source_id, name)
    await refresh_names(tx, [source_id])


async def remove_assignments_on_delete(tx: Tx, entity_id: str) -> None:
    """The entity is being deleted: its assignments made with removeOnSourceDelete disappear everywhere.
    Its other assignments stay, and so does propagation through it (the data was still derived from it)."""
    await hold_lock(tx)
    for name in await classification_store.remove_on_delete_names(tx, entity_id):
        await remove_assignment(tx, entity_id, name)


async def containers_of(tx: Tx, member_ids: Iterable[str]) -> list[str]:
    """The current containers of these members: call before changing containment, so the old
    containers can be passed to `refresh_after_edges_changed` as upstream ends."""
    return await store.containers_of(tx, _unique(member_ids))


async def refresh_names(tx: Tx, ids: Iterable[str]) -> None:
    """Recomputes `classificationNames` on these entities (the queries that add or delete copies keep
    their holders' names themselves; this is for direct assignments)."""
    await store.refresh_names(tx, list(ids))


# -- the two repairs -------------------------------------------------------------------------------


async def _orphan(tx: Tx, suspects: set[Row]) -> set[Row]:
    """Marks pending every copy that lost its support, following children level by level. A copy is
    marked once (a pending copy is never a suspect again), so this ends."""
    pending: set[Row] = set()
    frontier = suspects
    while frontier:
        children: set[Row] = set()
        for r in await store.orphan_step(tx, list(frontier)):
            pending.add((r["key"], r["nodeId"]))
            children.update((r["key"], child) for child in r["children"])
        frontier = children - pending
    return pending


async def _relax(tx: Tx, seeds: list[dict[str, Any]]) -> None:
    """Breadth-first relaxation from the seeds (rows with their distance), nearest first: the frontier
    at distance k is expanded before anything at k + 1, so each copy gets its final distance the first
    time it changes."""
    buckets: dict[int, set[Row]] = {}
    for seed in seeds:
        buckets.setdefault(seed["distance"], set()).add((seed["key"], seed["nodeId"]))
    while buckets:
        distance = min(buckets)
        for r in await store.relax_step(tx, list(buckets.pop(distance))):
            buckets.setdefault(r["distance"], set()).add((r["key"], r["nodeId"]))


def _unique(ids: Iterable[str]) -> list[str]:
    return sorted({i for i in ids if i})

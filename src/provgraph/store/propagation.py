"""The propagation engine's statements (cypher/propagation.cypher), each over batches of ids or
(assignment key, entity id) rows. The engine itself, which decides what to run next, is
services/propagation.py; this module only runs the statements and returns their rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .database import Tx

BATCH = 10_000
SPREAD_HOPS = 50  # the path bound of propagation_spread (cypher/propagation.cypher)

# (assignment key, entity id)
Row = tuple[str, str]


async def lock(tx: Tx) -> None:
    """Takes the propagation lock node for the rest of the transaction (idempotent within it)."""
    await tx.records("propagation_lock")


async def pairs_at(tx: Tx, ids: list[str]) -> list[dict[str, Any]]:
    """(key, nodeId, distance) of every propagating assignment these entities hold or carry."""
    return await _batched(tx, "propagation_pairs_at", ids)


async def holders_among(tx: Tx, ids: list[str], keys: list[str]) -> set[Row]:
    """The copies of these assignments held by these entities."""
    return {(r["key"], r["nodeId"]) for r in await _batched(tx, "propagation_holders_among", ids, keys=keys)}


async def spread(tx: Tx, key: str, name: str) -> list[str]:
    """Writes the copies of a new propagating assignment within SPREAD_HOPS; returns the frontier the
    search stopped at (to relax further)."""
    record = await tx.single("propagation_spread", key=key, name=name)
    return record["frontier"] if record else []


async def orphan_step(tx: Tx, suspects: list[Row]) -> list[dict[str, Any]]:
    """Marks pending the suspects that lost their support; rows (key, nodeId, children) for each."""
    rows: list[dict[str, Any]] = []
    for chunk in chunks(sorted(suspects)):
        rows.extend(await tx.records("propagation_orphan_step", suspects=[_row(r) for r in chunk]))
    return rows


async def boundary(tx: Tx, pending: set[Row]) -> list[dict[str, Any]]:
    """The holders that still reach a pending copy, with the distance they offer it."""
    return await _batched_rows(tx, "propagation_boundary", "pending", pending)


async def delete_pending(tx: Tx, pending: set[Row]) -> None:
    await _batched_rows(tx, "propagation_delete_pending", "pending", pending)


async def relax_step(tx: Tx, frontier: list[Row]) -> list[dict[str, Any]]:
    """Offers the frontier's children distance + 1; rows (key, nodeId, distance) for those that changed."""
    changed: list[dict[str, Any]] = []
    for chunk in chunks(sorted(frontier)):
        changed.extend(await tx.records("propagation_relax", frontier=[_row(row) for row in chunk]))
    return changed


async def delete_copies(tx: Tx, key: str) -> None:
    """Deletes every copy of one assignment, a batch at a time."""
    while (await tx.single("propagation_delete_copies", key=key, limit=BATCH))["holders"] == BATCH:
        pass


async def refresh_names(tx: Tx, ids: list[str]) -> None:
    """Recomputes `classificationNames` on these entities."""
    for chunk in chunks(sorted(set(ids))):
        await tx.records("propagation_refresh_names", ids=chunk)


async def containers_of(tx: Tx, member_ids: list[str]) -> list[str]:
    return [r["id"] for r in await _batched(tx, "propagation_containers_of", member_ids)]


def chunks(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row(row: Row) -> dict[str, str]:
    return {"key": row[0], "nodeId": row[1]}


async def _batched(tx: Tx, query: str, ids: list[str], **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for chunk in chunks(ids):
        rows.extend(await tx.records(query, ids=chunk, **params))
    return rows


async def _batched_rows(tx: Tx, query: str, param: str, rows: set[Row]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for chunk in chunks(sorted(rows)):
        found.extend(await tx.records(query, **{param: [_row(r) for r in chunk]}))
    return found

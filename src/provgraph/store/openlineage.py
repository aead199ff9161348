"""OpenLineage ingestion's own bookkeeping (cypher/openlineage.cypher): the locks and merge versions an
event's write transaction reads and writes, the texts its facets set, and its column-lineage edges.
Entities themselves go through the ordinary upsert (store/entities.py)."""

from __future__ import annotations

from typing import Any

from .database import Tx


async def lock_and_read(tx: Tx, ids: list[str]) -> list[dict[str, Any]]:
    """Locks the entities in the order given, then returns what is stored of each: id, properties and
    versions (JSON text), description, owners, aliases."""
    return await tx.records("openlineage_lock_and_read", ids=ids)


async def set_descriptions(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """rows: [{id, description}] (a null description clears it)."""
    if rows:
        await tx.records("openlineage_set_descriptions", rows=rows)


async def set_aliases(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """rows: [{id, aliases}]: each entity's aliases become exactly those."""
    if rows:
        await tx.records("openlineage_set_aliases", rows=rows)


async def set_versions(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """rows: [{id, versions}], versions as canonical JSON text."""
    if rows:
        await tx.records("openlineage_set_versions", rows=rows)


async def link_derives(tx: Tx, edges: list[dict[str, Any]], masking_blocks: list[str]) -> None:
    """Column lineage: edges [{source, target, version, masking, properties}], Feature ids."""
    if edges:
        await tx.records("openlineage_link_derives", edges=edges, maskingBlocks=masking_blocks)


async def direct_classifications(tx: Tx, ids: list[str]) -> dict[str, set[str]]:
    """id -> the classification names assigned to it directly (not propagated)."""
    return {r["id"]: set(r["names"]) for r in await tx.records("openlineage_direct_classifications", ids=ids)}

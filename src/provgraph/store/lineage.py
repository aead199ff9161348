"""Lineage edge repository: link, end, and set a process's inputs and outputs."""

from __future__ import annotations

from ..domain.lineage import LINEAGE_REL_TYPES, LineageEdge, LineageKind
from .database import Tx


async def link(tx: Tx, edges: list[tuple[str, str, LineageKind]]) -> list[LineageEdge]:
    """Creates the live edges that are missing; returns every requested edge as stored."""
    if not edges:
        return []
    records = await tx.records(
        "link_lineage", edges=[{"source": s, "target": t, "kind": k.value} for s, t, k in edges]
    )
    return [
        LineageEdge(source=r["source"], target=r["target"], type=LineageKind(r["kind"]), created_at=r["createdAt"])
        for r in records
    ]


async def unlink(tx: Tx, source: str, target: str) -> list[LineageEdge]:
    records = await tx.records("unlink_lineage", source=source, target=target, kinds=LINEAGE_REL_TYPES)
    return [
        LineageEdge(source=r["source"], target=r["target"], type=LineageKind(r["kind"]), removed_at=tx.now)
        for r in records
    ]


async def end_process_edges_except(
    tx: Tx, process_id: str, input_ids: list[str], output_ids: list[str]
) -> tuple[list[str], list[str]]:
    """Ends the live edges not listed; returns the ids of the inputs and outputs whose edge ended."""
    record = await tx.single("end_process_edges_except", processId=process_id, inputIds=input_ids, outputIds=output_ids)
    return (list(record["endedInputs"]), list(record["endedOutputs"])) if record else ([], [])

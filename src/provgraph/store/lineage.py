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


async def end_process_edges_except(tx: Tx, wanted: dict[str, tuple[list[str], list[str]]]) -> tuple[list[str], list[str]]:
    """Ends each process's live edges not listed (`wanted`: process id -> (input ids, output ids));
    returns the ids of the inputs and outputs whose edge ended, over all the processes."""
    if not wanted:
        return [], []
    processes = [{"id": p, "inputIds": ins, "outputIds": outs} for p, (ins, outs) in wanted.items()]
    record = await tx.single("end_process_edges_except", processes=processes)
    return list(record["endedInputs"]), list(record["endedOutputs"])

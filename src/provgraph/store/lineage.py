"""Lineage edge repository: link, end, and set a process's inputs and outputs."""

from __future__ import annotations

from dataclasses import dataclass

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
        LineageEdge(
            source=r["source"],
            target=r["target"],
            type=LineageKind(r["kind"]),
            created_at=r["createdAt"],
            blocked_classifications=r["blockedClassifications"],
        )
        for r in records
    ]


async def unlink(tx: Tx, source: str, target: str) -> list[LineageEdge]:
    records = await tx.records("unlink_lineage", source=source, target=target, kinds=LINEAGE_REL_TYPES)
    return [
        LineageEdge(source=r["source"], target=r["target"], type=LineageKind(r["kind"]), removed_at=tx.now)
        for r in records
    ]


@dataclass(frozen=True)
class ProcessEdges:
    """What end_process_edges_except did: the ends whose edge it ended, over all the processes, and
    per process id the ends whose live edge stays."""

    ended_inputs: list[str]
    ended_outputs: list[str]
    live_inputs: dict[str, set[str]]
    live_outputs: dict[str, set[str]]


async def end_process_edges_except(tx: Tx, wanted: dict[str, tuple[list[str], list[str]]]) -> ProcessEdges:
    """Ends each process's live edges not listed (`wanted`: process id -> (input ids, output ids))."""
    if not wanted:
        return ProcessEdges([], [], {}, {})
    processes = [{"id": p, "inputIds": ins, "outputIds": outs} for p, (ins, outs) in wanted.items()]
    rows = await tx.records("end_process_edges_except", processes=processes)
    return ProcessEdges(
        ended_inputs=[i for r in rows for i in r["endedInputs"]],
        ended_outputs=[o for r in rows for o in r["endedOutputs"]],
        live_inputs={r["id"]: set(r["liveInputs"]) for r in rows},
        live_outputs={r["id"]: set(r["liveOutputs"]) for r in rows},
    )


async def create(tx: Tx, edges: list[tuple[str, str, LineageKind]]) -> None:
    """Creates edges known not to be live (unlike `link`, which checks each one)."""
    if edges:
        await tx.records("create_lineage_edges", edges=[{"source": s, "target": t, "kind": k.value} for s, t, k in edges])

"""Experiment repository (cypher/experiments.cypher): the experiment list and run summaries."""

from __future__ import annotations

from ..domain.experiments import KEY_RUNS, MAX_KEYS, Experiment
from .database import Tx
from .entities import entity_from_record


async def page(
    tx: Tx, text: str | None, visibility: dict[str, list[str]], owner: str, skip: int, limit: int
) -> tuple[int, list[str]]:
    """Visible experiments whose name contains `text` (any case), newest run first: (total, page of ids)."""
    record = await tx.single(
        "experiments_page", text=text.lower() if text else None, owner=owner, skip=skip, limit=limit, **visibility
    )
    return record["total"], list(record["page"])


async def summaries(tx: Tx, ids: list[str], visibility: dict[str, list[str]], owner: str) -> dict[str, Experiment]:
    """Experiments by id (those that exist) with their visible runs' summary, in one query."""
    records = await tx.records(
        "experiment_summaries",
        ids=ids,
        owner=owner,
        keyLimit=MAX_KEYS,
        keyRuns=KEY_RUNS,
        **visibility,  # ReadScope.cypher_params(): the fragment visible_or_owned_in_scope reads them all
    )
    found = {}
    for r in records:
        node = r["experiment"]
        found[node["id"]] = Experiment(
            entity=entity_from_record(node),
            run_count=r["runCount"],
            last_run_started_at=r["lastRunStartedAt"],
            param_keys=list(r["paramKeys"]),
            metric_keys=list(r["metricKeys"]),
            classification_names=tuple(node.get("classificationNames") or ()),
        )
    return found

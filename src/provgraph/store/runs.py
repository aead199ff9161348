"""Run repository (cypher/runs.cypher): run state, parameters, tags, details and the filtered run list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.metrics import MetricSummary
from ..domain.runs import (
    CodeVersion,
    Environment,
    Hardware,
    Param,
    ParamType,
    Run,
    RunFilter,
    RunOrder,
    RunStatus,
    StatusChange,
)
from ..domain.run_search import RunSearch
from .database import Tx
from ..domain.entities import Entity
from .entities import entity_from_record


async def start(tx: Tx, run_id: str, code: CodeVersion, env: Environment, hw: Hardware, started_at: datetime | None) -> None:
    await tx.single(
        "start_run",
        runId=run_id,
        startedAt=started_at,
        code={"commit": code.commit, "repoUrl": code.repo_url, "branch": code.branch, "dirty": code.dirty},
        env={
            "pythonVersion": env.python_version,
            "os": env.os,
            "packages": env.packages,
            "packagesDigest": env.packages_digest,
        },
        hw={"cpuCount": hw.cpu_count, "memoryBytes": hw.memory_bytes, "gpus": hw.gpus},
    )


async def lock(tx: Tx, run_id: str) -> dict[str, Any] | None:
    """The live run's status and owners, with its write lock taken; None when there is no such run."""
    return await tx.single("lock_run", runId=run_id)


async def log_params(tx: Tx, run_id: str, params: list[Param]) -> list[tuple[Param, Param | None]]:
    """Creates the new parameters; returns each requested one with what was stored before (or None)."""
    rows = [{"name": p.name, "type": p.type.value, "value": p.value} for p in params]
    by_name = {p.name: p for p in params}
    found = []
    for record in await tx.records("log_run_params", runId=run_id, params=rows):
        before = None
        if record["oldType"] is not None:
            before = Param(record["name"], ParamType(record["oldType"]), record["oldValue"])
        found.append((by_name[record["name"]], before))
    return found


async def set_tags(tx: Tx, run_id: str, tags: dict[str, str]) -> None:
    if tags:
        await tx.single("set_run_tags", runId=run_id, tags=[{"name": k, "value": v} for k, v in tags.items()])


async def finish(
    tx: Tx, run_id: str, status: RunStatus, ended_at: datetime | None, hw: Hardware
) -> None:
    await tx.single(
        "finish_run",
        runId=run_id,
        status=status.value,
        endedAt=ended_at,
        peakMemoryBytes=hw.peak_memory_bytes,
        peakGpuMemoryBytes=hw.peak_gpu_memory_bytes,
    )


def _run(record: dict[str, Any], metrics: list[MetricSummary]) -> Run:
    node = record["run"]
    return Run(
        entity=entity_from_record(node),
        experiment_id=record["experimentId"],
        status=RunStatus(node["status"]) if node.get("status") else None,
        started_at=node.get("startedAt"),
        ended_at=node.get("endedAt"),
        code=CodeVersion(node.get("codeCommit"), node.get("codeRepoUrl"), node.get("codeBranch"), node.get("codeDirty")),
        environment=Environment(
            node.get("envPythonVersion"), node.get("envOs"), list(node.get("envPackages") or []), node.get("envPackagesDigest")
        ),
        hardware=Hardware(
            node.get("hwCpuCount"),
            node.get("hwMemoryBytes"),
            list(node.get("hwGpus") or []),
            node.get("hwPeakMemoryBytes"),
            node.get("hwPeakGpuMemoryBytes"),
        ),
        params=[Param(p["name"], ParamType(p["type"]), p["value"]) for p in record["params"]],
        tags={t["name"]: t["value"] for t in record["tags"]},
        metrics=metrics,
        input_ids=list(record["inputIds"]),
        output_ids=list(record["outputIds"]),
        classification_names=tuple(node.get("classificationNames") or ()),
    )


async def details(tx: Tx, ids: list[str], metrics: dict[str, list[MetricSummary]]) -> dict[str, Run]:
    """Runs by id (the ones that exist), with the metric summaries given per run id."""
    records = await tx.records("run_details", ids=ids)
    return {r["run"]["id"]: _run(r, metrics.get(r["run"]["id"], [])) for r in records}


async def page(
    tx: Tx,
    experiment_id: str,
    filters: list[RunFilter],
    order: RunOrder,
    statuses: list[RunStatus] | None,
    visibility: dict[str, list[str]],
    skip: int,
    limit: int,
    owner: str | None = None,
) -> tuple[int, list[str]]:
    order_kind = "METRIC" if order.metric else "PARAM" if order.param else "STARTED"
    record = await tx.single(
        "experiment_runs_page",
        experimentId=experiment_id,
        statuses=None if statuses is None else [s.value for s in statuses],
        paramFilters=[{"name": f.param, "op": f.comparison.value, "value": f.value} for f in filters if f.param],
        metricFilters=[
            {"name": f.metric, "agg": f.aggregate.value, "op": f.comparison.value, "value": float(f.value)}
            for f in filters
            if f.metric
        ],
        orderKind=order_kind,
        orderName=order.metric or order.param,
        orderAgg=order.aggregate.value,
        descending=order.direction.value == "DESC",
        **visibility,  # ReadScope.cypher_params(): the fragment visible_or_owned_in_scope reads them all
        owner=owner,
        skip=skip,
        limit=limit,
    )
    return record["total"], list(record["page"])



async def record_status(tx: Tx, run_id: str, status: RunStatus, principal: str, reason: str) -> None:
    await tx.single("record_run_status", runId=run_id, status=status.value, principal=principal, reason=reason)


async def status_history(tx: Tx, ids: list[str]) -> dict[str, list[StatusChange]]:
    records = await tx.records("run_status_history", ids=ids)
    return {
        r["id"]: [StatusChange(RunStatus(s["status"]), s["at"], s["by"], s["reason"]) for s in r["history"]]
        for r in records
    }


async def reopen(tx: Tx, run_id: str) -> None:
    await tx.single("reopen_run", runId=run_id)


async def update_identity(tx: Tx, run_id: str, name: str | None, code: CodeVersion) -> None:
    await tx.single(
        "update_run_identity",
        runId=run_id,
        name=name,
        code={"commit": code.commit, "repoUrl": code.repo_url, "branch": code.branch},
    )


async def set_input_contexts(tx: Tx, run_id: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        await tx.single("set_input_contexts", runId=run_id, rows=rows)


async def dataset_inputs(tx: Tx, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for r in await tx.records("run_dataset_inputs", ids=ids):
        found.setdefault(r["runId"], []).append(r)
    return found


async def search(tx: Tx, query: RunSearch, visibility: dict[str, list[str]], owner: str) -> tuple[int, list[str]]:
    order = query.order
    record = await tx.single(
        "search_runs",
        experimentIds=query.experiment_ids,
        conditions=[c.row() for c in query.conditions],
        orderField=order.field.value if order else None,
        orderKey=order.key if order else None,
        descending=order.descending if order else True,
        **visibility,  # ReadScope.cypher_params(): the fragment visible_or_owned_in_scope reads them all
        owner=owner,
        skip=query.offset,
        limit=query.max_results,
    )
    return record["total"], list(record["page"])


async def qualified_name(tx: Tx, run_id: str) -> str:
    return (await tx.single("run_qualified_name", runId=run_id))["qualifiedName"]


async def logged_models(
    tx: Tx, experiment_ids: list[str], visibility: dict[str, list[str]], owner: str, limit: int
) -> list[Entity]:
    records = await tx.records(
        "logged_models_of_experiments", experimentIds=experiment_ids, limit=limit, owner=owner, **visibility
    )
    return [entity_from_record(r["entity"]) for r in records]

"""Deployment repository (cypher/deployments.cypher): state, the DEPLOYED_AS move, history, production."""

from __future__ import annotations

from typing import Any

from ..domain.deployments import (
    Deployment,
    DeploymentEvent,
    DeploymentEventKind,
    DeploymentStatus,
    LiveDeployment,
    event_from_record,
)
from .database import Tx
from .entities import entity_from_record


async def lock(tx: Tx, deployment_id: str) -> dict[str, Any] | None:
    """{id, owners, rollbackStack, status, trafficShare, environment, endpoint, liveVersionId}, locked."""
    return await tx.single("lock_deployment", id=deployment_id)


async def configure(
    tx: Tx,
    deployment_id: str,
    *,
    status: DeploymentStatus,
    rollback_stack: list[str],
    environment: str | None = None,
    endpoint: str | None = None,
    traffic_share: float | None = None,
) -> None:
    await tx.single(
        "configure_deployment",
        id=deployment_id,
        environment=environment,
        endpoint=endpoint,
        trafficShare=traffic_share,
        status=status.value,
        rollbackStack=rollback_stack,
    )


async def end_live(tx: Tx, deployment_id: str, principal: str) -> str | None:
    record = await tx.single("end_live_deployment", id=deployment_id, principal=principal)
    return record["versionId"] if record else None


async def mark_edge(tx: Tx, version_id: str, deployment_id: str, principal: str) -> None:
    await tx.single("mark_deployment_edge", versionId=version_id, deploymentId=deployment_id, principal=principal)


async def add_event(
    tx: Tx,
    deployment_id: str,
    kind: DeploymentEventKind,
    principal: str,
    version_id: str | None,
    previous_version_id: str | None,
    comment: str | None,
) -> DeploymentEvent:
    record = await tx.single(
        "add_deployment_event",
        id=deployment_id,
        kind=kind.value,
        principal=principal,
        versionId=version_id,
        previousVersionId=previous_version_id,
        comment=comment,
    )
    return event_from_record(record["event"])


async def details(tx: Tx, ids: list[str]) -> dict[str, Deployment]:
    found = {}
    for r in await tx.records("deployment_details", ids=ids):
        node, live = r["deployment"], r["live"]
        found[node["id"]] = Deployment(
            entity=entity_from_record(node),
            environment=node.get("environment"),
            endpoint=node.get("endpoint"),
            traffic_share=node.get("trafficShare"),
            status=DeploymentStatus(node["deploymentStatus"]) if node.get("deploymentStatus") else None,
            live_version_id=live["versionId"] if live else None,
            live_since=live["since"] if live else None,
            rollback_stack=list(node.get("rollbackStack") or []),
            events=[event_from_record(e) for e in r["events"]],
            classification_names=tuple(node.get("classificationNames") or ()),
        )
    return found


async def production(
    tx: Tx, model_id: str | None, model_name: str | None, environment: str | None
) -> list[tuple[LiveDeployment, tuple[str, ...], tuple[str, ...]]]:
    """Each live deployment with the classification names of its deployment and version (for the read
    decision the service makes)."""
    rows = []
    for r in await tx.records("production", modelId=model_id, modelName=model_name, environment=environment):
        d, v = r["deployment"], r["version"]
        live = LiveDeployment(
            model_id=r["modelId"],
            deployment=entity_from_record(d),
            version=entity_from_record(v),
            version_number=v.get("version"),
            since=r["since"],
            environment=d.get("environment"),
            endpoint=d.get("endpoint"),
            traffic_share=d.get("trafficShare"),
        )
        rows.append((live, tuple(d.get("classificationNames") or ()), tuple(v.get("classificationNames") or ())))
    return rows


async def page(
    tx: Tx,
    model_id: str | None,
    environment: str | None,
    visibility: dict[str, list[str]],
    owner: str,
    skip: int,
    limit: int,
) -> tuple[int, list[str]]:
    """Visible deployments (of one model's versions, in one environment, when given): (total, page of ids)."""
    record = await tx.single(
        "deployments_page", modelId=model_id, environment=environment, owner=owner, skip=skip, limit=limit, **visibility
    )
    return record["total"], list(record["page"])

"""Stored files and logged models: ARTIFACT entities a run PRODUCED (what MLflow's artifact store and
`logged-models` hold), with the same rules as every run write.

- A stored file is an ARTIFACT named by its URI (`mlflow-artifacts:/<path>`) with its size and SHA-256
  in its properties, PRODUCED by the run whose artifact directory holds it (or by the run that logged
  the model whose directory holds it). Storing one needs write on that run, which must be open (a
  finished run is reopened first, as the MLflow client's log_model does); reading one needs to see
  that run or model: a hidden one is NOT_FOUND exactly like a missing one.
- A logged model is an ARTIFACT named `mlflow-models:/<model id>`, PRODUCED by its source run when it
  has one; its MLflow fields (name, status, tags, params, artifact location) are its properties.
Every write is audited in its own transaction; authorization happens before any byte is stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from ..domain.entities import Entity, EntityType, check_id
from ..domain.errors import BadInput, NotFound
from ..domain.lineage import LineageKind
from ..domain.principals import Principal
from ..governance.access import READ, WRITE, AccessControl, Decision
from ..governance.audit import AuditLog, audit_record
from ..store import classifications as classification_store
from ..store import entities as entity_store
from ..store import lineage as lineage_store
from ..store import runs as run_store
from ..store.database import Database, Tx
from . import propagation, references
from .audit import ReadAudit, audits_denials
from .runs import RunService

ARTIFACT, RUN = EntityType.ARTIFACT, EntityType.RUN
MODEL_PREFIX = "mlflow-models:/"
FILE_PREFIX = "mlflow-artifacts:/"


@dataclass(frozen=True)
class ArtifactOwner:
    """Whose directory an artifact path is in: a run, or a logged model (and the run that logged it)."""

    run_id: str | None
    model: Entity | None = None


def logged_model_name(model_id: str) -> str:
    return MODEL_PREFIX + model_id


def new_model_id() -> str:
    return f"m-{uuid.uuid4().hex}"


@audits_denials
class ArtifactService:
    def __init__(self, db: Database, access: AccessControl, runs: RunService, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._runs = runs
        self._log = log
        self._reads = ReadAudit(self._log, access)

    # -- logged models ------------------------------------------------------------------------------

    async def create_logged_model(
        self, principal: Principal, run_id: str | None, properties: dict[str, Any], location: str
    ) -> Entity:
        """A new logged model (PRODUCED by `run_id` when given, which must be open and writable)."""
        decision = self._access.require_type(principal, WRITE, ARTIFACT)
        model_id = new_model_id()
        item = references.entity_input(
            ARTIFACT, logged_model_name(model_id), name=properties.get("name"), owners=[principal.name],
            properties={**properties, "model_id": model_id, "artifact_location": location.format(model_id=model_id)},
        )

        async def work(tx: Tx) -> str:
            await propagation.hold_lock(tx)
            if run_id is not None:
                await self._runs.open_for_write(tx, principal, run_id)
            entity = (await entity_store.upsert(tx, ARTIFACT, [item]))[item.qualified_name]
            if run_id is not None:
                await lineage_store.link(tx, [(run_id, entity.id, LineageKind.PRODUCED)])
                await propagation.refresh_after_edges_changed(tx, [run_id], [entity.id])
            await self._log.append(
                tx, [audit_record(principal, "create-logged-model", decision, entity.id, ARTIFACT.label, runId=run_id)]
            )
            return entity.id

        await self._db.write(work)
        return await self.logged_model(principal, model_id)

    async def logged_model(self, principal: Principal, model_id: str) -> Entity:
        """The logged model; NOT_FOUND when missing or hidden (the owner rule applies)."""
        self._access.require_type(principal, READ, ARTIFACT)
        scope = await self._access.scope(principal)
        name = logged_model_name(_check_model_id(model_id))

        async def work(tx: Tx) -> Entity | None:
            found = (await entity_store.resolve_names(tx, ARTIFACT, [name])).get(name)
            if found is None or found.deleted or not scope.can_see(ARTIFACT, found.classification_names, found.id, found.owners):
                return None
            entity = await entity_store.get(tx, found.id)
            return (await classification_store.with_classifications(tx, [entity]))[0]

        entity = await self._db.read(work)
        if entity is None:
            raise NotFound(f"model_id: no logged model with id {model_id!r}", field="model_id")
        await self._reads.reads(principal, "logged-model", scope, resource_id=entity.id, resource_type=ARTIFACT)
        return entity

    async def update_logged_model(self, principal: Principal, model_id: str, changes: dict[str, Any]) -> Entity:
        """Merges `changes` into the logged model's properties (status, tags): write on the model."""
        current = await self.logged_model(principal, model_id)
        decision = self._access.require_write(principal, ARTIFACT, current.owners, current.id)
        item = references.entity_input(
            ARTIFACT, current.qualified_name, properties={**current.properties, **changes}
        )

        async def work(tx: Tx) -> None:
            await entity_store.upsert(tx, ARTIFACT, [item])
            await self._log.append(
                tx, [audit_record(principal, "update-logged-model", decision, current.id, ARTIFACT.label, fields=sorted(changes))]
            )

        await self._db.write(work)
        return await self.logged_model(principal, model_id)

    async def logged_models(self, principal: Principal, experiment_ids: list[str], limit: int) -> list[Entity]:
        """The logged models the runs of these experiments produced, newest first."""
        for i, experiment_id in enumerate(experiment_ids):
            check_id(experiment_id, f"experiment_ids[{i}]")
        self._access.require_type(principal, READ, ARTIFACT)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> list[Entity]:
            return await run_store.logged_models(tx, experiment_ids, scope.cypher_params(), scope.principal_name or "", limit)

        models = await self._db.read(work)
        await self._reads.reads(principal, "logged-models", scope, resource_type=ARTIFACT)
        return models

    # -- stored files -------------------------------------------------------------------------------

    async def owner(self, principal: Principal, parts: list[str], write: bool) -> ArtifactOwner:
        """Whose directory `<experiment>/<run id>/artifacts/...` or `<experiment>/models/<model id>/
        artifacts/...` is, checked: to write, the caller may write that run (open) or model; to read,
        it sees it. Anything else is NOT_FOUND (hidden looks like missing) or BAD_INPUT for a bad path."""
        if len(parts) >= 3 and parts[1] == "models":
            model = await self.logged_model(principal, parts[2])
            run_id = model.properties.get("source_run_id") or None
            if write:
                if run_id is not None:
                    await self._runs.check_writable(principal, run_id)
                else:
                    self._access.require_write(principal, ARTIFACT, model.owners, model.id)
            return ArtifactOwner(run_id, model)
        if len(parts) >= 2:
            run_id = parts[1]
            check_id(run_id, "path")
            if write:
                await self._runs.check_writable(principal, run_id)
            else:
                await self._runs.get(principal, run_id)
            return ArtifactOwner(run_id)
        raise BadInput(
            "path: an artifact path is <experiment id>/<run id>/artifacts/... or <experiment id>/models/<model id>/artifacts/...",
            field="path",
        )

    async def record_file(self, principal: Principal, owner: ArtifactOwner, path: str, size: int, sha256: str) -> str:
        """The stored file as an ARTIFACT (size, SHA-256) PRODUCED by the owner's run; its entity id."""
        decision = self._access.require_type(principal, WRITE, ARTIFACT)
        item = references.entity_input(
            ARTIFACT, FILE_PREFIX + path, properties={"size": size, "sha256": sha256, "path": path},
        )

        async def work(tx: Tx) -> str:
            await propagation.hold_lock(tx)
            run_decision: Decision | None = None
            if owner.run_id is not None:
                run_decision = await self._runs.open_for_write(tx, principal, owner.run_id)
            entity = (await entity_store.upsert(tx, ARTIFACT, [item]))[item.qualified_name]
            if owner.run_id is not None:
                await lineage_store.link(tx, [(owner.run_id, entity.id, LineageKind.PRODUCED)])
                await propagation.refresh_after_edges_changed(tx, [owner.run_id], [entity.id])
            await self._log.append(tx, [audit_record(
                principal, "store-artifact", run_decision or decision, entity.id, ARTIFACT.label,
                runId=owner.run_id, size=size, sha256=sha256,
            )])
            return entity.id

        return await self._db.write(work)


def _check_model_id(model_id: Any) -> str:
    if not isinstance(model_id, str) or not model_id.startswith("m-") or len(model_id) != 34 or not all(
        c in "0123456789abcdef" for c in model_id[2:]
    ):
        raise NotFound(f"model_id: no logged model with id {model_id!r}", field="model_id")
    return model_id

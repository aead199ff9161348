"""Deployments: roll a version out, scale, roll back, retire, and "what is in production for model X".

Every change takes the deployment's lock, moves the DEPLOYED_AS edge (ending the live one, linking the
next) when the served version changes, records a DeploymentEvent, refreshes classification propagation
for the edges it touched and appends its audit event, all in one transaction. Writing needs write on
Deployment (data-scientist), an instance grant, or ownership; the deployer owns a deployment it creates.
"""

from __future__ import annotations

from typing import Any

from ..domain.deployments import (
    MAX_ROLLBACK_DEPTH,
    PRODUCTION,
    Deployment,
    DeploymentEventKind,
    DeploymentStatus,
    LiveDeployment,
    check_endpoint,
    check_environment_name,
    check_traffic_share,
)
from ..domain.entities import EntityType, Found, check_id
from ..domain.errors import BadInput, Conflict, NotFound
from ..domain.lineage import LineageKind
from ..domain.pages import Page, check_page_size, decode_cursor
from ..domain.principals import Principal
from ..domain.registry import check_comment
from ..governance.access import READ, WRITE, AccessControl, Decision, ReadScope
from ..governance.audit import AuditLog, audit_record
from ..store import classifications as classification_store
from ..store import deployments as deployment_store
from ..store import entities as entity_store
from ..store import lineage as lineage_store
from ..store import registry as registry_store
from ..store.database import Database, Tx
from . import propagation, references
from .audit import ReadAudit, audits_denials

DEPLOYMENT, VERSION, MODEL = EntityType.DEPLOYMENT, EntityType.MODEL_VERSION, EntityType.MODEL


@audits_denials
class DeploymentService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log
        self._reads = ReadAudit(self._log, access)

    async def deploy(
        self,
        principal: Principal,
        version_id: str,
        deployment: str,
        environment: str,
        endpoint: str | None = None,
        traffic_share: float = 1.0,
        name: str | None = None,
        comment: str | None = None,
    ) -> Deployment:
        """Serves `version_id` on the deployment named `deployment` (created when missing). The version
        it served before goes onto the rollback stack. Deploying the version already served only
        updates the settings (a SCALED event when the traffic share changed)."""
        check_id(version_id, "versionId")
        qualified_name = references.check_qualified_name(deployment, "deployment")
        environment = check_environment_name(environment)
        endpoint = check_endpoint(endpoint)
        traffic_share = check_traffic_share(traffic_share)
        check_comment(comment)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> str:
            await propagation.hold_lock(tx)  # before the deployment's lock: every edge writer takes it first
            await references.one(tx, scope, version_id, VERSION, "versionId")
            deployment_id, decision = await self._deployment_by_name(tx, principal, scope, qualified_name, name)
            state = await deployment_store.lock(tx, deployment_id)
            live = state["liveVersionId"]
            if live == version_id:
                await deployment_store.configure(
                    tx, deployment_id, status=DeploymentStatus.ACTIVE, rollback_stack=state["rollbackStack"],
                    environment=environment, endpoint=endpoint, traffic_share=traffic_share,
                )
                if state["trafficShare"] != traffic_share:
                    await self._event(tx, principal, decision, deployment_id, DeploymentEventKind.SCALED, version_id, None, comment)
                return deployment_id
            stack = ([live] if live else []) + state["rollbackStack"]
            await self._serve(tx, principal, deployment_id, version_id)
            await deployment_store.configure(
                tx, deployment_id, status=DeploymentStatus.ACTIVE, rollback_stack=stack[:MAX_ROLLBACK_DEPTH],
                environment=environment, endpoint=endpoint, traffic_share=traffic_share,
            )
            await self._event(tx, principal, decision, deployment_id, DeploymentEventKind.ROLLED_OUT, version_id, live, comment)
            await propagation.refresh_after_edges_changed(tx, [version_id, *([live] if live else [])], [deployment_id])
            return deployment_id

        deployment_id = await self._db.write(work)
        return await self._db.read(lambda tx: self._one(tx, deployment_id))

    async def scale(self, principal: Principal, deployment_id: str, traffic_share: float, comment: str | None = None) -> Deployment:
        traffic_share = check_traffic_share(traffic_share)
        check_comment(comment)
        check_id(deployment_id, "deploymentId")
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> None:
            state, decision = await self._lock(tx, principal, scope, deployment_id)
            live = state["liveVersionId"]
            if live is None:
                raise Conflict(f"deploymentId: deployment {deployment_id!r} serves no version; deploy one first", field="deploymentId")
            if state["trafficShare"] == traffic_share:
                return
            await deployment_store.configure(
                tx, deployment_id, status=DeploymentStatus.ACTIVE, rollback_stack=state["rollbackStack"], traffic_share=traffic_share
            )
            await self._event(tx, principal, decision, deployment_id, DeploymentEventKind.SCALED, live, None, comment)

        await self._db.write(work)
        return await self._db.read(lambda tx: self._one(tx, deployment_id))

    async def rollback(self, principal: Principal, deployment_id: str, comment: str | None = None) -> Deployment:
        """Serves the version served before the current one again, atomically: the live DEPLOYED_AS edge
        ends and the previous version's starts in the same transaction. CONFLICT when there is none."""
        check_comment(comment)
        check_id(deployment_id, "deploymentId")
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> None:
            await propagation.hold_lock(tx)  # before the deployment's lock: every edge writer takes it first
            state, decision = await self._lock(tx, principal, scope, deployment_id)
            live, stack = state["liveVersionId"], state["rollbackStack"]
            if live is None:
                raise Conflict(
                    f"deploymentId: deployment {deployment_id!r} serves no version (retired or never deployed); "
                    "there is nothing to roll back",
                    field="deploymentId",
                )
            if not stack:
                raise Conflict(
                    f"deploymentId: deployment {deployment_id!r} has no previous version to roll back to: "
                    f"version {live!r} is the first it served",
                    field="deploymentId",
                )
            target = stack[0]
            if await registry_store.version_of_model(tx, target) is None:
                raise Conflict(
                    f"deploymentId: the previous version {target!r} has been deleted; deploy a version explicitly",
                    field="deploymentId",
                )
            await self._serve(tx, principal, deployment_id, target)
            await deployment_store.configure(tx, deployment_id, status=DeploymentStatus.ACTIVE, rollback_stack=stack[1:])
            await self._event(tx, principal, decision, deployment_id, DeploymentEventKind.ROLLED_BACK, target, live, comment)
            await propagation.refresh_after_edges_changed(tx, [live, target], [deployment_id])

        await self._db.write(work)
        return await self._db.read(lambda tx: self._one(tx, deployment_id))

    async def retire(self, principal: Principal, deployment_id: str, comment: str | None = None) -> Deployment:
        """Stops serving: the live edge ends, the deployment is RETIRED (deploying again revives it)."""
        check_comment(comment)
        check_id(deployment_id, "deploymentId")
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> None:
            await propagation.hold_lock(tx)  # before the deployment's lock: every edge writer takes it first
            state, decision = await self._lock(tx, principal, scope, deployment_id)
            live = state["liveVersionId"]
            if live is None and state["status"] == DeploymentStatus.RETIRED.value:
                raise Conflict(f"deploymentId: deployment {deployment_id!r} is already retired", field="deploymentId")
            if live is not None:
                await deployment_store.end_live(tx, deployment_id, principal.name)
            await deployment_store.configure(
                tx, deployment_id, status=DeploymentStatus.RETIRED, rollback_stack=state["rollbackStack"]
            )
            await self._event(tx, principal, decision, deployment_id, DeploymentEventKind.RETIRED, None, live, comment)
            if live is not None:
                await propagation.refresh_after_edges_changed(tx, [live], [deployment_id])

        await self._db.write(work)
        return await self._db.read(lambda tx: self._one(tx, deployment_id))

    # -- reading ----------------------------------------------------------------------------------

    async def get(self, principal: Principal, deployment_id: str) -> Deployment:
        return await references.read_one(
            self._db, self._access, self._reads, principal, deployment_id, DEPLOYMENT,
            lambda tx, _scope, i: self._one(tx, i), "deployment",
        )

    async def find(self, principal: Principal, deployment_id: str) -> Deployment | None:
        try:
            return await self.get(principal, deployment_id)
        except NotFound:
            return None

    async def deployments(
        self, principal: Principal, model_id: str | None, environment: str | None, first: int, after: str | None
    ) -> Page[Deployment]:
        """Visible deployments by name, optionally only those that served a version of `model_id` (which
        must be visible: NOT_FOUND naming modelId otherwise) and those in `environment`: one page."""
        check_page_size(first)
        offset = decode_cursor(after)
        if environment is not None:
            check_environment_name(environment)
        self._access.require_type(principal, READ, DEPLOYMENT)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Page[Deployment]:
            if model_id is not None:
                await references.one(tx, scope, model_id, MODEL, "modelId")
            total, ids = await deployment_store.page(
                tx, model_id, environment, scope.cypher_params(), scope.principal_name or "", offset, first
            )
            found = await deployment_store.details(tx, ids)
            loaded = {d.id: d for d in await classification_store.with_classifications(tx, list(found.values()))}
            return Page(items=[loaded[i] for i in ids if i in loaded], offset=offset, total=total)

        try:
            page = await self._db.read(work)
        except references.HiddenEntity as hidden:
            await self._reads.reads(
                principal, "deployments", scope, resource_id=model_id, resource_type=MODEL, hidden=[hidden.found]
            )
            raise
        await self._reads.reads(
            principal, "deployments", scope, resource_id=model_id, resource_type=MODEL if model_id else DEPLOYMENT,
            seen=[Found.of(d.entity, d.classification_names) for d in page.items],
            environment=environment,
        )
        return page

    async def production(
        self, principal: Principal, model_id: str | None, model_name: str | None, environment: str | None = PRODUCTION
    ) -> list[LiveDeployment]:
        """What serves which version of the model (by id or qualifiedName) in the environment (None: all)."""
        if (model_id is None) == (model_name is None):
            raise BadInput("modelId: give either modelId or model (its qualifiedName)", field="modelId")
        if model_id is not None:
            check_id(model_id, "modelId")
        if environment is not None:
            check_environment_name(environment)
        self._access.require_type(principal, READ, DEPLOYMENT)
        self._access.require_type(principal, READ, VERSION)
        scope = await self._access.scope(principal)
        name = model_name.strip() if model_name is not None else None
        rows = await self._db.read(lambda tx: deployment_store.production(tx, model_id, name, environment))
        shown = [
            (live, d_names, v_names)
            for live, d_names, v_names in rows
            if scope.can_see(DEPLOYMENT, d_names, live.deployment.id) and scope.can_see(VERSION, v_names, live.version.id)
        ]
        await self._reads.reads(
            principal, "production", scope, resource_id=model_id, resource_type=MODEL,
            seen=[Found(live.deployment.id, DEPLOYMENT, d) for live, d, _ in shown]
            + [Found(live.version.id, VERSION, v) for live, _, v in shown],
            model=name, environment=environment,
        )
        return [live for live, _, _ in shown]

    # -- shared steps -----------------------------------------------------------------------------

    async def _deployment_by_name(
        self, tx: Tx, principal: Principal, scope: ReadScope, qualified_name: str, name: str | None
    ) -> tuple[str, Decision]:
        found = (await entity_store.resolve_names(tx, DEPLOYMENT, [qualified_name])).get(qualified_name)
        if found is None or found.deleted:
            decision = self._access.require_type(principal, WRITE, DEPLOYMENT)
            item = references.entity_input(DEPLOYMENT, qualified_name, name=name, owners=[principal.name])
            return (await entity_store.upsert(tx, DEPLOYMENT, [item]))[qualified_name].id, decision
        references.visible_by_name(principal, scope, found, "deployment")
        return found.id, self._access.require_write(principal, DEPLOYMENT, found.owners, found.id)

    async def _lock(
        self, tx: Tx, principal: Principal, scope: ReadScope, deployment_id: str
    ) -> tuple[dict[str, Any], Decision]:
        await references.one(tx, scope, deployment_id, DEPLOYMENT, "deploymentId")
        state = await deployment_store.lock(tx, deployment_id)
        if state is None:
            raise references.not_found("deploymentId", deployment_id, "deployment")
        return state, self._access.require_write(principal, DEPLOYMENT, state["owners"] or (), deployment_id)

    async def _serve(self, tx: Tx, principal: Principal, deployment_id: str, version_id: str) -> None:
        """Ends the live DEPLOYED_AS edge and links the version: the move rollback and rollout share."""
        await deployment_store.end_live(tx, deployment_id, principal.name)
        await lineage_store.link(tx, [(version_id, deployment_id, LineageKind.DEPLOYED_AS)])
        await deployment_store.mark_edge(tx, version_id, deployment_id, principal.name)

    async def _event(
        self,
        tx: Tx,
        principal: Principal,
        decision: Decision,
        deployment_id: str,
        kind: DeploymentEventKind,
        version_id: str | None,
        previous_version_id: str | None,
        comment: str | None,
    ) -> None:
        event = await deployment_store.add_event(tx, deployment_id, kind, principal.name, version_id, previous_version_id, comment)
        action = {
            DeploymentEventKind.ROLLED_OUT: "deploy",
            DeploymentEventKind.SCALED: "scale-deployment",
            DeploymentEventKind.ROLLED_BACK: "rollback-deployment",
            DeploymentEventKind.RETIRED: "retire-deployment",
        }[kind]
        await self._log.append(
            tx,
            [
                audit_record(
                    principal, action, decision, deployment_id, DEPLOYMENT.label,
                    versionId=version_id, previousVersionId=previous_version_id,
                    trafficShare=event.traffic_share, environment=event.environment, comment=comment,
                )
            ],
        )

    async def _one(self, tx: Tx, deployment_id: str) -> Deployment:
        found = (await deployment_store.details(tx, [deployment_id]))[deployment_id]
        return (await classification_store.with_classifications(tx, [found]))[0]

"""The model registry: register versions, move aliases, and the promotion workflow (domain/registry.py).

Authorization:
- registering a version needs write on ModelVersion (and on the producing Run: its PRODUCED edge);
- moving an alias directly (`set_alias`) needs write on the Model; when the version's upstream carries a
  restricted classification it also needs the `promotions:restricted` right, so the governed path for
  such versions is a promotion that a governance reviewer approves;
- requesting a promotion needs write on the ModelVersion; deciding one needs `approve` on `promotions`
  (admin, governance-reviewer, or a grant: `principal:<name>, promotions, approve` or an instance grant
  `approve` on the Model), or on `promotions:restricted` when the version's upstream is restricted.
  Nobody decides their own request (FORBIDDEN, audited like every denial).
Every step is audited in the transaction that makes it.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from ..domain.entities import EntityInput, EntityType, Found, check_id, default_name
from ..domain.errors import AlreadyExists, BadInput, Conflict, NotFound
from ..domain.lineage import LineageKind
from ..domain.pages import Page, check_page_size, decode_cursor
from ..domain.principals import Principal
from ..domain.registry_search import RegistrySearch, SearchKind
from ..domain.run_search import RunCondition, SearchField, SearchOp
from ..domain.registry import (
    AliasAssignment,
    Model,
    ModelVersion,
    Promotion,
    PromotionStatus,
    check_alias,
    check_comment,
)
from ..governance.access import READ, WRITE, AccessControl, AccessDenied, Decision, ReadScope
from ..governance.audit import AuditLog, audit_record, denial_record
from ..store import classifications as classification_store
from ..store import entities as entity_store
from ..store import lineage as lineage_store
from ..store import mlflow_search as search_store
from ..store import registry as registry_store
from ..store.database import Database, Tx
from . import propagation, references
from .audit import ReadAudit, audits_denials
from .entities import name_filter

MODEL, VERSION, RUN = EntityType.MODEL, EntityType.MODEL_VERSION, EntityType.RUN
APPROVE = "approve"
PROMOTIONS = "promotions"
PROMOTIONS_RESTRICTED = "promotions:restricted"
OWN_REQUEST = "four-eyes: a principal may not decide its own promotion request"
MAX_VERSIONS_LISTED = 1_000


class PromotionRequired(AccessDenied):
    """The direct alias move was refused because restricted data lies upstream: a reviewer decides."""

    def __init__(self, denied: AccessDenied) -> None:
        super().__init__(
            denied.message, principal=denied.principal, action=denied.action, decision=denied.decision,
            resource_id=denied.resource_id, resource_type=denied.resource_type, operation="set-alias",
        )


@audits_denials
class RegistryService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log
        self._reads = ReadAudit(self._log, access)

    # -- versions ---------------------------------------------------------------------------------

    async def create_model_version(
        self,
        principal: Principal,
        model: str,
        run_id: str | None = None,
        description: str | None = None,
        properties: dict[str, Any] | None = None,
        owners: list[str] | None = None,
    ) -> ModelVersion:
        """Registers the next version of `model` (a Model qualifiedName, created when missing), produced
        by `run_id` when given. Registering from an ended run is allowed (as MLflow's register_model)."""
        decision = self._access.require_type(principal, WRITE, VERSION)
        model = references.check_qualified_name(model, "model")
        template = references.entity_input(
            VERSION, "pending", description=description, properties=properties, owners=owners or [principal.name]
        )
        if run_id is not None:
            check_id(run_id, "runId")
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> str:
            await propagation.hold_lock(tx)  # before the model's lock: every edge writer takes this one first
            model_id = await self._model_by_name(tx, principal, scope, model)
            if run_id is not None:
                run = await references.one(tx, scope, run_id, RUN, "runId")
                self._access.require_write(principal, RUN, run.owners, run_id)
            locked = await registry_store.lock_model(tx, model_id)
            number = await registry_store.next_version(tx, model_id)
            qualified_name = f"{locked['qualifiedName']}/v{number}"
            if (await entity_store.resolve_names(tx, VERSION, [qualified_name])).get(qualified_name):
                raise Conflict(
                    f"model: a version named {qualified_name!r} exists outside the registry's numbering", field="model"
                )
            item = template.model_copy(
                update={"qualified_name": qualified_name, "name": f"{default_name(locked['qualifiedName'])} v{number}"}
            )
            version = (await entity_store.upsert(tx, VERSION, [item]))[qualified_name]
            await entity_store.set_containers(tx, [{"memberId": version.id, "containerId": model_id, "kind": "HAS_VERSION"}])
            await registry_store.set_version(tx, version.id, number, run_id)
            if run_id is not None:
                await lineage_store.link(tx, [(run_id, version.id, LineageKind.PRODUCED)])
            await propagation.refresh_after_edges_changed(tx, [model_id, *([run_id] if run_id else [])], [version.id])
            await self._audit(
                tx, principal, "register-model-version", decision, version.id, VERSION,
                modelId=model_id, version=number, runId=run_id,
            )
            return version.id

        version_id = await self._db.write(work)
        return await self._db.read(lambda tx: self._version(tx, version_id))

    # -- aliases ----------------------------------------------------------------------------------

    async def set_alias(self, principal: Principal, model_id: str, version_id: str, alias: str) -> AliasAssignment:
        """Points the alias at the version (moving it from wherever it was), keeping the history."""
        check_id(model_id, "modelId")
        check_id(version_id, "versionId")
        check_alias(alias)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> AliasAssignment:
            model = await self._lock_model(tx, scope, model_id)
            decision = self._access.require_write(principal, MODEL, model["owners"] or (), model_id)
            await self._version_of(tx, scope, version_id, "versionId", model_id)
            restricted = await registry_store.restricted_upstream(tx, version_id)
            if restricted:
                try:
                    decision = self._require_approval(
                        principal, restricted, model_id,
                        f"version {version_id!r} has restricted data upstream ({', '.join(restricted)}): move "
                        f"{alias!r} with requestPromotion so a governance reviewer approves it",
                    )
                except AccessDenied as denied:
                    raise PromotionRequired(denied) from None
            current = await registry_store.current_alias(tx, model_id, alias)
            if current is not None and current.version_id == version_id:
                return current
            assignment, previous = await registry_store.move_alias(tx, model_id, version_id, alias, principal.name, None)
            await self._audit(
                tx, principal, "set-alias", decision, version_id, VERSION,
                modelId=model_id, alias=alias, previousVersionId=previous,
            )
            return assignment

        return await self._db.write(work)

    async def remove_alias(self, principal: Principal, model_id: str, alias: str) -> bool:
        """Ends the alias's current assignment (kept in history). False when it pointed nowhere."""
        check_id(model_id, "modelId")
        check_alias(alias)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> bool:
            model = await self._lock_model(tx, scope, model_id)
            decision = self._access.require_write(principal, MODEL, model["owners"] or (), model_id)
            ended = await registry_store.end_alias(tx, model_id, alias, principal.name)
            if ended is None:
                return False
            await self._audit(tx, principal, "remove-alias", decision, ended.version_id, VERSION, modelId=model_id, alias=alias)
            return True

        return await self._db.write(work)

    async def move_alias(self, principal: Principal, model_id: str, version_id: str, alias: str) -> AliasAssignment | Promotion:
        """set_alias, or (when restricted data upstream makes it a reviewer's decision) the pending
        promotion request for it, opened now if there is none: the caller is told which request to
        have approved (MLflow's alias call answers PERMISSION_DENIED naming it). The refused direct
        move is audited as a denial, the request as every request is."""
        try:
            return await self.set_alias(principal, model_id, version_id, alias)
        except PromotionRequired as denied:
            denied.audited = True
            await self._log.record([denial_record(denied)])
        pending = await self._db.read(lambda tx: registry_store.pending_promotion(tx, version_id, alias))
        if pending is not None:
            return pending
        return await self.request_promotion(principal, version_id, alias, "requested by moving the alias directly")

    async def create_model(self, principal: Principal, name: str, description: str | None = None) -> Model:
        """A new MODEL named `name`; ALREADY_EXISTS when there is one (versions create it implicitly)."""
        decision = self._access.require_type(principal, WRITE, MODEL)
        item = references.entity_input(
            MODEL, references.check_qualified_name(name, "name"), description=description, owners=[principal.name]
        )

        async def work(tx: Tx) -> str:
            found = (await entity_store.resolve_names(tx, MODEL, [item.qualified_name])).get(item.qualified_name)
            if found is not None and not found.deleted:
                raise AlreadyExists(f"name: a model named {item.qualified_name!r} already exists", field="name")
            model_id = (await entity_store.upsert(tx, MODEL, [item]))[item.qualified_name].id
            await self._audit(tx, principal, "create-model", decision, model_id, MODEL)
            return model_id

        model_id = await self._db.write(work)
        return await self._db.read(lambda tx: registry_store.model(tx, model_id))

    async def version_number(self, principal: Principal, model_id: str, number: int) -> ModelVersion:
        """The model's version with this number (NOT_FOUND when missing or hidden)."""
        self._access.require_type(principal, READ, VERSION)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> str | None:
            await references.one(tx, scope, model_id, MODEL, "modelId")
            return await registry_store.version_by_number(tx, model_id, number)

        version_id = await self._db.read(work)
        if version_id is None:
            raise NotFound(f"version: model {model_id!r} has no version {number}", field="version")
        return await self.get_version(principal, version_id)

    async def search_models(self, principal: Principal, query: RegistrySearch) -> Page[Model]:
        """Registered models passing MLflow's filter (domain/registry_search.py), in its order."""
        return await self._search(principal, query, SearchKind.MODEL, "search-models")

    async def search_versions(self, principal: Principal, query: RegistrySearch) -> Page[tuple[str, ModelVersion]]:
        """Model versions passing MLflow's filter, in its order, each with its model's name; a version
        is seen only with its model."""
        self._access.require_type(principal, READ, VERSION)
        return await self._search(principal, query, SearchKind.VERSION, "search-model-versions")

    async def _search(self, principal: Principal, query: RegistrySearch, kind: SearchKind, action: str) -> Page[Any]:
        if query.kind is not kind:
            raise TypeError(f"a {query.kind.value} search is not a {kind.value} search")
        check_page_size(query.max_results, "max_results", MAX_VERSIONS_LISTED)
        self._access.require_type(principal, READ, MODEL)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Page[Any]:
            total, ids = await search_store.search(tx, query, scope.cypher_params(), scope.principal_name or "")
            if kind is SearchKind.MODEL:
                found = await registry_store.models(tx, ids)
                return Page(items=[found[i] for i in ids if i in found], offset=query.offset, total=total)
            versions = await self._versions(tx, ids)
            models = await entity_store.get_many(tx, sorted({v.model_id for v in versions.values()}))
            items = [(models[versions[i].model_id].qualified_name, versions[i]) for i in ids if i in versions]
            return Page(items=items, offset=query.offset, total=total)

        page = await self._db.read(work)
        shown = [item[1] if isinstance(item, tuple) else item for item in page.items]
        await self._reads.reads(
            principal, action, scope, resource_type=kind.entity_type,
            seen=[Found.of(m.entity, m.classification_names) for m in shown],
        )
        return page

    async def models(self, principal: Principal, text: str | None, first: int, after: str | None) -> Page[Model]:
        """Visible models whose qualifiedName contains `text` (any case), by name: the console's list."""
        check_page_size(first)  # within search_models' own bound, so its check (naming max_results) never fires
        offset = decode_cursor(after)
        wanted = name_filter(text)
        conditions = [] if wanted is None else [
            RunCondition(SearchField.ATTRIBUTE, "name", SearchOp.ILIKE, "(?is).*" + re.escape(wanted) + ".*")
        ]
        query = RegistrySearch(SearchKind.MODEL, conditions, max_results=first, offset=offset)  # by name
        return await self.search_models(principal, query)

    async def models_by_id(self, principal: Principal, ids: list[str]) -> dict[str, Model]:
        """The visible models among ids (Promotion.model, batched per request), in one read; audited."""
        return await references.batched_read(
            self._db, self._access, self._reads, principal, ids, MODEL, registry_store.models, "models"
        )

    async def versions_by_id(self, principal: Principal, ids: list[str]) -> dict[str, ModelVersion]:
        """The visible versions among ids (Promotion.version, batched per request), in one read; audited."""
        return await references.batched_read(
            self._db, self._access, self._reads, principal, ids, VERSION, self._versions, "model-versions"
        )

    # -- promotions -------------------------------------------------------------------------------

    async def request_promotion(self, principal: Principal, version_id: str, alias: str, comment: str | None = None) -> Promotion:
        check_id(version_id, "versionId")
        check_alias(alias)
        check_comment(comment)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Promotion:
            version = await self._version_of(tx, scope, version_id, "versionId")
            decision = self._access.require_write(principal, VERSION, version["owners"] or (), version_id)
            model_id = version["modelId"]
            await self._lock_model(tx, scope, model_id)
            current = await registry_store.current_alias(tx, model_id, alias)
            if current is not None and current.version_id == version_id:
                raise Conflict(f"alias: {alias!r} already points at version {version_id!r}", field="alias")
            pending = await registry_store.pending_promotion(tx, version_id, alias)
            if pending is not None:
                raise Conflict(
                    f"alias: promotion {pending.id!r} of this version to {alias!r} is already pending", field="alias"
                )
            restricted = await registry_store.restricted_upstream(tx, version_id)
            promotion = await registry_store.create_promotion(
                tx, str(uuid.uuid4()), model_id, version_id, alias, principal.name, comment, restricted
            )
            await self._audit(
                tx, principal, "request-promotion", decision, version_id, VERSION,
                promotionId=promotion.id, modelId=model_id, alias=alias, restrictedUpstream=restricted, comment=comment,
            )
            return promotion

        return await self._db.write(work)

    async def approve_promotion(self, principal: Principal, request_id: str, comment: str | None = None) -> Promotion:
        """Moves the alias to the version and closes the request, in one transaction."""
        return await self._decide(principal, request_id, comment, PromotionStatus.APPROVED)

    async def reject_promotion(self, principal: Principal, request_id: str, comment: str | None = None) -> Promotion:
        return await self._decide(principal, request_id, comment, PromotionStatus.REJECTED)

    async def _decide(self, principal: Principal, request_id: str, comment: str | None, outcome: PromotionStatus) -> Promotion:
        check_id(request_id, "requestId")
        check_comment(comment)
        verb = "approve" if outcome is PromotionStatus.APPROVED else "reject"

        async def work(tx: Tx) -> Promotion:
            request = await registry_store.lock_promotion(tx, request_id)
            if request is None:
                raise NotFound(f"requestId: no promotion request with id {request_id!r}", field="requestId")
            if request.status is not PromotionStatus.PENDING:
                raise Conflict(
                    f"requestId: promotion {request_id!r} was already {request.status.value.lower()} by {request.decided_by}",
                    field="requestId",
                )
            if request.requested_by == principal.name:
                raise AccessDenied(
                    f"requestId: principal {principal.name!r} requested promotion {request_id!r} and may not {verb} it; "
                    "another reviewer must decide it",
                    principal=principal,
                    action=f"{verb}-promotion",
                    decision=Decision(False, OWN_REQUEST),
                    resource_id=request.version_id,
                    resource_type=VERSION.label,
                )
            restricted = await registry_store.restricted_upstream(tx, request.version_id)
            decision = self._require_approval(
                principal, restricted, request.model_id,
                f"principal {principal.name!r} may not {verb} promotions"
                + (f" of versions with restricted data upstream ({', '.join(restricted)}): a governance reviewer must"
                   if restricted else ""),
            )
            if outcome is PromotionStatus.APPROVED:
                await registry_store.lock_model(tx, request.model_id)
                version = await registry_store.version_of_model(tx, request.version_id)
                if version is None or version["modelId"] != request.model_id:
                    raise Conflict(f"requestId: the version of promotion {request_id!r} no longer exists", field="requestId")
                current = await registry_store.current_alias(tx, request.model_id, request.alias)
                previous = current.version_id if current else None
                if previous != request.version_id:
                    _, previous = await registry_store.move_alias(
                        tx, request.model_id, request.version_id, request.alias, principal.name, request.id
                    )
            decided = await registry_store.decide_promotion(tx, request_id, outcome, principal.name, comment)
            details: dict[str, Any] = {
                "promotionId": request_id, "modelId": request.model_id, "alias": request.alias,
                "requestedBy": request.requested_by, "restrictedUpstream": restricted, "comment": comment,
            }
            if outcome is PromotionStatus.APPROVED:
                details["previousVersionId"] = previous
            await self._audit(tx, principal, f"{verb}-promotion", decision, request.version_id, VERSION, **details)
            return decided

        return await self._db.write(work)

    def _require_approval(self, principal: Principal, restricted: list[str], model_id: str, message: str) -> Decision:
        if restricted:
            decision = self._access.decide(principal, APPROVE, PROMOTIONS_RESTRICTED)
        else:
            decision = self._access.decide(principal, APPROVE, PROMOTIONS, f"entity:{model_id}")
        if not decision.allowed:
            raise AccessDenied(
                message, principal=principal, action=APPROVE, decision=decision, resource_id=model_id, resource_type=MODEL.label
            )
        return decision

    # -- reading ----------------------------------------------------------------------------------

    async def get_version(self, principal: Principal, version_id: str) -> ModelVersion:
        return await references.read_one(
            self._db, self._access, self._reads, principal, version_id, VERSION,
            lambda tx, _scope, i: self._version(tx, i), "model-version",
        )

    async def find_version(self, principal: Principal, version_id: str) -> ModelVersion | None:
        try:
            return await self.get_version(principal, version_id)
        except NotFound:
            return None

    async def version_by_alias(self, principal: Principal, model_id: str, alias: str) -> ModelVersion | None:
        check_id(model_id, "modelId")
        check_alias(alias)
        self._access.require_type(principal, READ, MODEL)
        scope = await self._access.scope(principal)
        version_id = await self._db.read(lambda tx: self._alias_target(tx, scope, model_id, alias))
        return None if version_id is None else await self.find_version(principal, version_id)

    async def _alias_target(self, tx: Tx, scope: ReadScope, model_id: str, alias: str) -> str | None:
        await references.one(tx, scope, model_id, MODEL, "modelId")
        return await registry_store.version_by_alias(tx, model_id, alias)

    async def get_model(self, principal: Principal, model_id: str | None = None, name: str | None = None) -> Model | None:
        """A model by id or by qualifiedName, with its current aliases; None when there is none."""
        if (model_id is None) == (name is None):
            raise BadInput("id: give either id or name", field="id")
        self._access.require_type(principal, READ, MODEL)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Model | None:
            wanted = model_id
            if wanted is None:
                found = (await entity_store.resolve_names(tx, MODEL, [name.strip()])).get(name.strip())
                if found is None or found.deleted:
                    return None
                wanted = found.id
            check_id(wanted, "id")
            if wanted not in await references.visible(tx, scope, [wanted]):
                return None
            return await registry_store.model(tx, wanted)

        return await self._db.read(work)

    async def model_versions(self, principal: Principal, model_id: str, limit: int = 100) -> list[ModelVersion]:
        """The model's versions, newest first (those the caller may see)."""
        check_page_size(limit, "first", MAX_VERSIONS_LISTED)
        self._access.require_type(principal, READ, VERSION)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> list[ModelVersion]:
            await references.one(tx, scope, model_id, MODEL, "modelId")
            ids = await registry_store.model_version_ids(tx, model_id, limit)
            shown = await references.visible(tx, scope, ids)
            found = await self._versions(tx, [i for i in ids if i in shown])
            return [found[i] for i in ids if i in found]

        return await self._db.read(work)

    async def alias_history(self, principal: Principal, model_id: str, alias: str | None, limit: int = 100) -> list[AliasAssignment]:
        check_page_size(limit, "first", MAX_VERSIONS_LISTED)
        if alias is not None:
            check_alias(alias)
        self._access.require_type(principal, READ, MODEL)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> list[AliasAssignment]:
            await references.one(tx, scope, model_id, MODEL, "modelId")
            return await registry_store.alias_history(tx, model_id, alias, limit)

        return await self._db.read(work)

    async def promotions(
        self, principal: Principal, status: PromotionStatus | None, model_id: str | None, first: int, after: str | None
    ) -> Page[Promotion]:
        """Promotion requests, newest first: the reviewers' queue with status PENDING."""
        check_page_size(first)
        offset = decode_cursor(after)
        self._access.require_type(principal, READ, VERSION)
        if model_id is not None:
            check_id(model_id, "modelId")
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Page[Promotion]:
            if model_id is not None:
                await references.one(tx, scope, model_id, MODEL, "modelId")
            total, items = await registry_store.promotions_page(
                tx, status, model_id, scope.cypher_params(), scope.principal_name or "", offset, first
            )
            return Page(items=items, offset=offset, total=total)

        return await self._db.read(work)

    async def promotion(self, principal: Principal, request_id: str) -> Promotion | None:
        check_id(request_id, "id")
        self._access.require_type(principal, READ, VERSION)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Promotion | None:
            found = await registry_store.promotion(tx, request_id)
            if found is None or found.version_id not in await references.visible(tx, scope, [found.version_id]):
                return None
            return found

        return await self._db.read(work)

    # -- shared steps -----------------------------------------------------------------------------

    async def _model_by_name(self, tx: Tx, principal: Principal, scope: ReadScope, qualified_name: str) -> str:
        found = (await entity_store.resolve_names(tx, MODEL, [qualified_name])).get(qualified_name)
        if found is None or found.deleted:
            self._access.require_type(principal, WRITE, MODEL)
            item = EntityInput(type=MODEL, qualified_name=qualified_name, owners=[principal.name])
            return (await entity_store.upsert(tx, MODEL, [item]))[qualified_name].id
        return references.visible_by_name(principal, scope, found, "model").id

    async def _lock_model(self, tx: Tx, scope: ReadScope, model_id: str) -> dict[str, Any]:
        await references.one(tx, scope, model_id, MODEL, "modelId")
        locked = await registry_store.lock_model(tx, model_id)
        if locked is None:
            raise references.not_found("modelId", model_id, "model")
        return locked

    async def _version_of(
        self, tx: Tx, scope: ReadScope, version_id: str, field: str, model_id: str | None = None
    ) -> dict[str, Any]:
        """The live version ({id, owners, modelId, version}); with model_id it must belong to that model."""
        await references.one(tx, scope, version_id, VERSION, field)
        version = await registry_store.version_of_model(tx, version_id)
        if version is None:
            raise references.not_found(field, version_id, "model version")
        if version["modelId"] is None:
            raise BadInput(f"{field}: version {version_id!r} belongs to no model", field=field)
        if model_id is not None and version["modelId"] != model_id:
            raise BadInput(
                f"{field}: version {version_id!r} is a version of model {version['modelId']!r}, not of {model_id!r}; "
                "an alias can only point at a version of its own model",
                field=field,
            )
        return version

    async def _version(self, tx: Tx, version_id: str) -> ModelVersion:
        return (await self._versions(tx, [version_id]))[version_id]

    async def _versions(self, tx: Tx, ids: list[str]) -> dict[str, ModelVersion]:
        found = await registry_store.versions(tx, ids)
        return {v.id: v for v in await classification_store.with_classifications(tx, list(found.values()))}

    async def _audit(
        self, tx: Tx, principal: Principal, action: str, decision: Decision, resource_id: str, kind: EntityType, **details: Any
    ) -> None:
        await self._log.append(tx, [audit_record(principal, action, decision, resource_id, kind.label, **details)])


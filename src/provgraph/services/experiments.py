"""Experiments as lists and summaries (the console's experiments page): which experiments the caller
may see, each with its visible runs' count, latest start and logged parameter and metric names.

Reading needs read on Experiment; runs the caller may not see are neither counted nor keyed (the
filter is in Cypher). Each read is audited like every other (ReadAudit: one event per request)."""

from __future__ import annotations

from ..domain.entities import EntityType, Found, check_id
from ..domain.errors import NotFound
from ..domain.experiments import Experiment
from ..domain.pages import Page, check_page_size, decode_cursor
from ..domain.principals import Principal
from ..governance.access import READ, AccessControl, ReadScope
from ..governance.audit import AuditLog
from ..store import classifications as classification_store
from ..store import experiments as experiment_store
from ..store.database import Database, Tx
from . import references
from .audit import ReadAudit, audits_denials
from .entities import name_filter

EXPERIMENT = EntityType.EXPERIMENT


@audits_denials
class ExperimentService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._reads = ReadAudit(log, access)

    async def experiments(self, principal: Principal, text: str | None, first: int, after: str | None) -> Page[Experiment]:
        """Visible experiments whose name contains `text`, newest run first, one page."""
        check_page_size(first)
        offset = decode_cursor(after)
        wanted = name_filter(text)
        self._access.require_type(principal, READ, EXPERIMENT)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Page[Experiment]:
            owner = scope.principal_name or ""
            total, ids = await experiment_store.page(tx, wanted, scope.cypher_params(), owner, offset, first)
            found = await self._summaries(tx, scope, ids)
            return Page(items=[found[i] for i in ids if i in found], offset=offset, total=total)

        page = await self._db.read(work)
        await self._reads.reads(
            principal, "experiments", scope, resource_type=EXPERIMENT, seen=[_seen(x) for x in page.items], total=page.total
        )
        return page

    async def experiment(self, principal: Principal, experiment_id: str) -> Experiment | None:
        """One experiment with its summary; None when it is missing or hidden (alike)."""
        check_id(experiment_id, "id")

        async def load(tx: Tx, scope: ReadScope, i: str) -> Experiment:
            return (await self._summaries(tx, scope, [i]))[i]

        try:
            return await references.read_one(
                self._db, self._access, self._reads, principal, experiment_id, EXPERIMENT, load, "experiment"
            )
        except NotFound:
            return None

    async def _summaries(self, tx: Tx, scope: ReadScope, ids: list[str]) -> dict[str, Experiment]:
        found = await experiment_store.summaries(tx, ids, scope.cypher_params(), scope.principal_name or "")
        loaded = await classification_store.with_classifications(tx, list(found.values()))
        return {x.id: x for x in loaded}


def _seen(experiment: Experiment) -> Found:
    return Found.of(experiment.entity, experiment.classification_names)

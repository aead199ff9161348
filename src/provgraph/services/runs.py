"""Runs: start, log (parameters, metrics, tags, inputs, artifacts), finish, and read them back.

Each call is one write transaction that first takes the run's lock (so log calls to one run never
interleave) and checks the run is still open. Authorization: writing a run needs write on Run (the
data-scientist role), an instance grant on it, or being one of its owners; the principal that starts a
run owns it unless owners are given. Every write except metric appends is audited with the work it
records; metric points are high-volume telemetry on an audited run, and auditing each batch would put
every training loop behind the audit log's single lock (the run's start, inputs, parameters, outputs
and end are audited).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from collections.abc import Sequence
from typing import Any

from ..domain.audit import AuditRecord
from ..domain.entities import DATA_TYPES, Entity, EntityInput, EntityRef, EntityType, Found, check_id
from ..domain.errors import AlreadyExists, BadInput, Conflict, LimitExceeded, NotFound
from ..domain.lineage import LineageKind
from ..domain.metrics import MAX_POINTS_READ, MetricAggregate, MetricPoint, MetricSummary, check_metric_name, parse_batches
from ..domain.registry_search import RegistrySearch, SearchKind
from ..domain.run_search import MAX_EXPERIMENTS, MAX_SEARCH_RESULTS, RunSearch
from ..domain.pages import Page, check_page_size, decode_cursor
from ..domain.principals import Principal
from ..domain.runs import (
    ENDED,
    MAX_COMPARE,
    CodeVersion,
    DatasetInput,
    MAX_DATASETS_PER_CALL,
    Hardware,
    Param,
    Run,
    RunComparison,
    RunFilter,
    RunOrder,
    RunStart,
    RunStatus,
    check_environment,
    check_filter,
    check_hardware,
    check_order,
    parse_params,
    parse_tags,
)
from ..governance.access import READ, WRITE, AccessControl, Decision, ReadScope
from ..governance.audit import AuditLog, audit_record
from ..store import classifications as classification_store
from ..store import entities as entity_store
from ..store import lineage as lineage_store
from ..store import metrics as metric_store
from ..store import mlflow_search as search_store
from ..store import runs as run_store
from ..store.database import Database, Tx
from ..store.metrics import SeriesPoints
from . import metric_series, propagation, references
from .audit import ReadAudit, audits_denials

RUN = EntityType.RUN
MAX_REFS = 1_000
ARTIFACT_TYPES = frozenset({EntityType.ARTIFACT, EntityType.DATASET, EntityType.DATASET_VERSION})


@audits_denials
class RunService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log
        self._reads = ReadAudit(self._log, access)

    # -- writing ----------------------------------------------------------------------------------

    async def start_run(self, principal: Principal, start: RunStart) -> Run:
        """Creates the run in its experiment (the experiment too, when missing), RUNNING."""
        decision = self._access.require_type(principal, WRITE, RUN)
        environment = check_environment(start.environment)
        hardware = check_hardware(start.hardware)
        tags = parse_tags(start.tags, "input.tags")
        experiment_name = references.check_qualified_name(start.experiment, "input.experiment")
        qualified_name = (
            references.check_qualified_name(start.qualified_name, "input.qualifiedName")
            if start.qualified_name is not None
            else f"{experiment_name}/runs/{uuid.uuid4().hex}"
        )
        item = references.entity_input(RUN, qualified_name, name=start.name, owners=start.owners or [principal.name])
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> str:
            await propagation.hold_lock(tx)  # before any other lock: every edge writer takes this one first
            created: list[AuditRecord] = []
            experiment = await self._experiment(tx, principal, scope, experiment_name, created)
            existing = (await entity_store.resolve_names(tx, RUN, [qualified_name])).get(qualified_name)
            if existing is not None:
                raise Conflict(f"input.qualifiedName: a run named {qualified_name!r} already exists", field="input.qualifiedName")
            run = (await entity_store.upsert(tx, RUN, [item]))[qualified_name]
            await entity_store.set_containers(tx, [{"memberId": run.id, "containerId": experiment, "kind": "HAS_RUN"}])
            await run_store.start(tx, run.id, start.code, environment, hardware, start.started_at)
            await run_store.set_tags(tx, run.id, tags)
            await run_store.record_status(tx, run.id, RunStatus.RUNNING, principal.name, "started")
            await propagation.refresh_after_edges_changed(tx, [experiment], [run.id])
            await self._audit(tx, principal, "start-run", decision, run.id, created, experiment=experiment)
            return run.id

        run_id = await self._db.write(work)
        return await self._db.read(lambda tx: self._one(tx, run_id))

    async def log_params(self, principal: Principal, run_id: str, raw: Any) -> list[Param]:
        """Typed parameters; a repeat with the same value is a no-op, another value is CONFLICT."""
        params = parse_params(raw)

        async def work(tx: Tx) -> list[Param]:
            decision = await self._open(tx, principal, run_id)
            await _store_params(tx, run_id, params)
            await self._audit(tx, principal, "log-params", decision, run_id, params=sorted(p.name for p in params))
            return params

        return await self._db.write(work)

    async def log_batch(
        self,
        principal: Principal,
        run_id: str,
        metrics: list[dict[str, Any]],
        params: dict[str, Any],
        tags: dict[str, str],
        name: str | None = None,
        code: CodeVersion | None = None,
    ) -> None:
        """Metrics, parameters and tags in one transaction (MLflow's log-batch, log-metric, log-parameter
        and set-tag), under the same rules as the separate calls; audited unless it is metrics alone."""
        batches = parse_batches(metrics, datetime.now(UTC)) if metrics else []
        parsed = parse_params(params) if params else []
        tags = parse_tags(tags)
        if name is not None:
            references.entity_input(RUN, "name-check", name=name)

        async def work(tx: Tx) -> None:
            decision = await self._open(tx, principal, run_id)
            await _store_params(tx, run_id, parsed)
            await run_store.set_tags(tx, run_id, tags)
            if name is not None or code is not None:
                await run_store.update_identity(tx, run_id, name, code or CodeVersion())
            if batches:
                await metric_store.append(tx, run_id, batches)
            if parsed or tags or name is not None:
                await self._audit(
                    tx, principal, "log-batch", decision, run_id,
                    params=sorted(p.name for p in parsed), tags=sorted(tags), metrics=len(batches), name=name,
                )

        await self._db.write(work)

    async def set_tags(self, principal: Principal, run_id: str, raw: Any) -> dict[str, str]:
        tags = parse_tags(raw)

        async def work(tx: Tx) -> dict[str, str]:
            decision = await self._open(tx, principal, run_id)
            await run_store.set_tags(tx, run_id, tags)
            await self._audit(tx, principal, "set-tags", decision, run_id, tags=sorted(tags))
            return tags

        return await self._db.write(work)

    async def log_metrics(self, principal: Principal, run_id: str, raw: list[dict[str, Any]]) -> list[MetricSummary]:
        """Appends columnar batches ([{name, values, steps?, timestamps?}]); returns the series summaries."""

        batches = parse_batches(raw, datetime.now(UTC))

        async def work(tx: Tx) -> list[MetricSummary]:
            await self._open(tx, principal, run_id)
            return await metric_store.append(tx, run_id, batches)

        return await self._db.write(work)

    async def log_inputs(self, principal: Principal, run_id: str, refs: list[EntityRef]) -> list[str]:
        """Adds INPUT_TO edges from each referenced dataset, version, feature, model (version) or
        artifact; returns the run's live input ids."""
        return await self._link(principal, run_id, refs, "inputs", LineageKind.INPUT_TO, DATA_TYPES, "an input of a run")

    async def log_outputs(self, principal: Principal, run_id: str, refs: list[EntityRef]) -> list[str]:
        """Adds PRODUCED edges to artifacts or datasets the run wrote (model versions are registered
        with the registry's createModelVersion); returns the run's live output ids."""
        return await self._link(
            principal, run_id, refs, "outputs", LineageKind.PRODUCED, ARTIFACT_TYPES, "an output logged by a run"
        )

    async def finish_run(
        self,
        principal: Principal,
        run_id: str,
        status: RunStatus,
        ended_at: Any = None,
        hardware: Hardware | None = None,
    ) -> Run:
        """Ends the run with FINISHED, FAILED or KILLED (and peak memory, when measured). Ending it
        again with the same status changes nothing; with another status it is CONFLICT."""
        if status not in ENDED:
            raise BadInput(f"status: a run ends FINISHED, FAILED or KILLED, not {status.value}", field="status")
        hardware = check_hardware(hardware or Hardware(), "hardware")

        async def work(tx: Tx) -> None:
            decision, current = await self._lock(tx, principal, run_id)
            if current in ENDED:
                if current is status:
                    return
                raise Conflict(f"status: run {run_id!r} already ended {current.value}", field="status")
            await run_store.finish(tx, run_id, status, ended_at, hardware)
            await run_store.record_status(tx, run_id, status, principal.name, "ended")
            await self._audit(tx, principal, "finish-run", decision, run_id, status=status.value)

        await self._db.write(work)
        return await self._db.read(lambda tx: self._one(tx, run_id))

    async def reopen_run(self, principal: Principal, run_id: str) -> Run:
        """An ended run back to RUNNING, so it can be logged to again (MLflow's log_model reopens the
        run it logs into). Needs write on the run, like logging; audited with the status it had, and a
        step of its status history. Reopening a running run changes nothing."""

        async def work(tx: Tx) -> None:
            decision, current = await self._lock(tx, principal, run_id)
            if current not in ENDED:
                return
            await run_store.reopen(tx, run_id)
            await run_store.record_status(tx, run_id, RunStatus.RUNNING, principal.name, "reopened")
            await self._audit(tx, principal, "reopen-run", decision, run_id, previousStatus=current.value)

        await self._db.write(work)
        return await self._db.read(lambda tx: self._one(tx, run_id))

    # -- experiments and MLflow-shaped calls --------------------------------------------------------

    async def create_experiment(self, principal: Principal, name: str, description: str | None = None) -> str:
        """A new EXPERIMENT named `name` (its qualifiedName); ALREADY_EXISTS when there is one."""
        decision = self._access.require_type(principal, WRITE, EntityType.EXPERIMENT)
        item = references.entity_input(
            EntityType.EXPERIMENT, references.check_qualified_name(name, "name"), description=description,
            owners=[principal.name],
        )

        async def work(tx: Tx) -> str:
            found = (await entity_store.resolve_names(tx, EntityType.EXPERIMENT, [item.qualified_name])).get(item.qualified_name)
            if found is not None and not found.deleted:
                raise AlreadyExists(f"name: an experiment named {item.qualified_name!r} already exists", field="name")
            experiment = (await entity_store.upsert(tx, EntityType.EXPERIMENT, [item]))[item.qualified_name].id
            await self._log.append(
                tx, [audit_record(principal, "create-experiment", decision, experiment, EntityType.EXPERIMENT.label)]
            )
            return experiment

        return await self._db.write(work)

    async def search_experiments(self, principal: Principal, query: RegistrySearch) -> Page[Entity]:
        """Experiments passing MLflow's filter (domain/registry_search.py), in its order, one query."""
        if query.kind is not SearchKind.EXPERIMENT:
            raise TypeError(f"a {query.kind.value} search is not an experiment search")
        check_page_size(query.max_results, "max_results", MAX_SEARCH_RESULTS)
        self._access.require_type(principal, READ, EntityType.EXPERIMENT)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> tuple[Page[Entity], dict[str, Found]]:
            total, ids = await search_store.search(tx, query, scope.cypher_params(), scope.principal_name or "")
            found, shown = await entity_store.get_many(tx, ids), await references.visible(tx, scope, ids)
            items = [found[i] for i in ids if i in found and i in shown]
            return Page(items=items, offset=query.offset, total=total), shown

        page, shown = await self._db.read(work)
        await self._reads.reads(
            principal, "search-experiments", scope, resource_type=EntityType.EXPERIMENT,
            seen=[shown[e.id] for e in page.items],
        )
        return page

    async def log_datasets(self, principal: Principal, run_id: str, datasets: list[DatasetInput]) -> list[str]:
        """INPUT_TO edges from the datasets the run read, and from their versions when a digest is given.

        A dataset named by its source URI is found or created by reference; in-memory data is a DATASET
        named `<run qualifiedName>/datasets/<name>`. Creating them needs only write on the run: they
        record what the run read, never change an existing dataset, and an existing one the caller may
        not see is linked all the same (the answer is identical, so nothing about it leaks); its
        classifications then propagate into the run. The version's edge (the dataset's, without a
        digest) keeps the dataset's name, digest and context."""
        if not datasets:
            raise BadInput("datasets: give at least one dataset", field="datasets")
        if len(datasets) > MAX_DATASETS_PER_CALL:
            raise LimitExceeded(f"datasets: at most {MAX_DATASETS_PER_CALL} per call, got {len(datasets)}", field="datasets")

        async def work(tx: Tx) -> list[str]:
            await propagation.hold_lock(tx)
            decision = await self._open(tx, principal, run_id)
            run_name = await run_store.qualified_name(tx, run_id)
            created: list[AuditRecord] = []
            names = [d.source or f"{run_name}/datasets/{d.name}" for d in datasets]
            for i, name in enumerate(names):
                references.check_qualified_name(name, f"datasets[{i}].source")
            owned = {n for n, d in zip(names, datasets) if d.source is None}
            sets = await self._by_reference(tx, principal, decision, EntityType.DATASET, {n: {} for n in names}, owned, created)
            wanted = {f"{n}@{d.digest}": d for n, d in zip(names, datasets) if d.digest}
            versions = await self._by_reference(
                tx, principal, decision, EntityType.DATASET_VERSION,
                {v: {"mlflow": {"name": d.name, "digest": d.digest, **d.properties}} for v, d in wanted.items()},
                {v for v in wanted if v.rsplit("@", 1)[0] in owned}, created,
            )
            await entity_store.set_containers(tx, [
                {"memberId": versions[v], "containerId": sets[v.rsplit("@", 1)[0]], "kind": "HAS_VERSION"}
                for v in wanted if v in created_names(created, versions)
            ])
            sources = [versions[f"{n}@{d.digest}"] if d.digest else sets[n] for n, d in zip(names, datasets)]
            # The dataset itself is an input too, so lineage and impact from its URI reach the run.
            inputs = dict.fromkeys([*sources, *(sets[n] for n in names)])
            await lineage_store.link(tx, [(source, run_id, LineageKind.INPUT_TO) for source in inputs])
            await run_store.set_input_contexts(tx, run_id, [
                {"sourceId": source, "name": d.name, "digest": d.digest, "context": d.context}
                for source, d in zip(sources, datasets)
            ])
            await propagation.refresh_after_edges_changed(tx, [*sets.values(), *versions.values()], [*versions.values(), run_id])
            await self._audit(tx, principal, "log-inputs", decision, run_id, created, entities=list(inputs))
            return list(inputs)

        return await self._db.write(work)

    async def _by_reference(
        self,
        tx: Tx,
        principal: Principal,
        decision: Decision,
        kind: EntityType,
        wanted: dict[str, dict[str, Any]],
        owned: set[str],
        events: list[AuditRecord],
    ) -> dict[str, str]:
        """qualifiedName -> id for `wanted` (name -> properties for a new one), creating the missing
        ones under the run's write decision; those in `owned` are the caller's (in-memory data)."""
        if not wanted:
            return {}
        stored = await entity_store.resolve_names(tx, kind, sorted(wanted))
        missing = [n for n in wanted if n not in stored or stored[n].deleted]
        ids = {n: r.id for n, r in stored.items() if n not in missing}
        if missing:
            items = [
                references.entity_input(
                    kind, n, properties=wanted[n] or None, owners=[principal.name] if n in owned else None
                )
                for n in missing
            ]
            made = await entity_store.upsert(tx, kind, items)
            ids.update({n: e.id for n, e in made.items()})
            events += [
                audit_record(principal, WRITE, decision, e.id, kind.label, operation="created by reference as a run input")
                for e in made.values()
            ]
        return ids

    async def search(self, principal: Principal, query: RunSearch) -> Page[Run]:
        """Runs of the experiments passing every condition (domain/run_search.py), in one query."""
        check_page_size(query.max_results, "max_results", MAX_SEARCH_RESULTS)
        if len(query.experiment_ids) > MAX_EXPERIMENTS:
            raise LimitExceeded(f"experiment_ids: at most {MAX_EXPERIMENTS}, got {len(query.experiment_ids)}", field="experiment_ids")
        for i, experiment_id in enumerate(query.experiment_ids):
            check_id(experiment_id, f"experiment_ids[{i}]")
        self._access.require_type(principal, READ, RUN)
        self._access.require_type(principal, READ, EntityType.EXPERIMENT)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Page[Run]:
            shown = await references.visible(tx, scope, query.experiment_ids)
            experiments = [i for i in query.experiment_ids if i in shown and shown[i].type is EntityType.EXPERIMENT]
            total, ids = await run_store.search(
                tx, dataclasses.replace(query, experiment_ids=experiments), scope.cypher_params(), scope.principal_name or ""
            )
            runs = await self._many(tx, ids)
            return Page(items=[runs[i] for i in ids if i in runs], offset=query.offset, total=total)

        page = await self._db.read(work)
        await self._reads.reads(principal, "search-runs", scope, resource_type=RUN, seen=[_seen(r) for r in page.items])
        return page

    async def dataset_inputs(self, principal: Principal, run: Run) -> list[dict[str, Any]]:
        """The datasets MLflow logged as the (already read) run's inputs that the caller may see: a
        restricted upstream stays hidden even to the run's owner."""
        scope = await self._access.scope(principal)
        rows = (await self._db.read(lambda tx: run_store.dataset_inputs(tx, [run.id]))).get(run.id, [])
        return [r for r in rows if scope.can_see(EntityType.from_label(r["type"]), r["classificationNames"], r["entityId"])]

    # -- reading ----------------------------------------------------------------------------------

    async def get(self, principal: Principal, run_id: str) -> Run:
        return await references.read_one(
            self._db, self._access, self._reads, principal, run_id, RUN, lambda tx, _scope, i: self._one(tx, i), "run"
        )

    async def find(self, principal: Principal, run_id: str) -> Run | None:
        try:
            return await self.get(principal, run_id)
        except NotFound:
            return None

    async def metric_points(self, principal: Principal, run_id: str, name: str, limit: int = MAX_POINTS_READ) -> list[MetricPoint]:
        """One series' points in step order (at most `limit`, from the first step)."""
        check_metric_name(name, "name")
        check_page_size(limit, "maxPoints", MAX_POINTS_READ)
        self._access.require_type(principal, READ, RUN)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> list[MetricPoint]:
            await references.one(tx, scope, run_id, RUN, "id")
            return await metric_store.points(tx, run_id, name, limit)

        return await self._db.read(work)

    async def series_points(
        self, principal: Principal, wanted: list[tuple[str, str]], max_points: int
    ) -> dict[tuple[str, str], SeriesPoints]:
        """(run id, metric name) -> its points, whole or downsampled to `max_points`, for a whole request
        batch in one query (MetricSeries.points of a compare of 100 runs)."""
        return await metric_series.series_points(self._db, self._access, principal, RUN, wanted, max_points)

    async def runs_by_id(self, principal: Principal, ids: list[str]) -> dict[str, Run]:
        """The visible runs among ids (ModelVersion.run, batched per request), in one read; audited."""
        return await references.batched_read(self._db, self._access, self._reads, principal, ids, RUN, self._many, "runs")

    async def runs(
        self,
        principal: Principal,
        experiment_id: str,
        filters: list[RunFilter],
        order: RunOrder,
        statuses: list[RunStatus] | None,
        first: int,
        after: str | None,
    ) -> Page[Run]:
        """The experiment's runs passing every filter, sorted, paginated (e.g. best val_auc where lr < 0.01)."""
        check_page_size(first)
        offset = decode_cursor(after)
        filters = [check_filter(f, f"filter[{i}]") for i, f in enumerate(filters)]
        order = check_order(order)
        self._access.require_type(principal, READ, RUN)
        self._access.require_type(principal, READ, EntityType.EXPERIMENT)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> Page[Run]:
            await references.one(tx, scope, experiment_id, EntityType.EXPERIMENT, "experimentId")
            total, ids = await run_store.page(
                tx, experiment_id, filters, order, statuses, scope.cypher_params(), offset, first, scope.principal_name
            )
            runs = await self._many(tx, ids)
            return Page(items=[runs[i] for i in ids if i in runs], offset=offset, total=total)

        page = await self._db.read(work)
        await self._reads.reads(
            principal, "runs", scope, resource_id=experiment_id, resource_type=EntityType.EXPERIMENT,
            seen=[_seen(r) for r in page.items],
        )
        return page

    async def compare(
        self, principal: Principal, ids: list[str], metrics: list[str] | None, aggregate: MetricAggregate
    ) -> RunComparison:
        """Runs side by side: every parameter and the named metrics (all when none are named)."""
        if not ids:
            raise BadInput("ids: give at least one run id", field="ids")
        if len(ids) > MAX_COMPARE:
            raise LimitExceeded(f"ids: at most {MAX_COMPARE} runs, got {len(ids)}", field="ids")
        for i, run_id in enumerate(ids):
            check_id(run_id, f"ids[{i}]")
        for i, name in enumerate(metrics or []):
            check_metric_name(name, f"metrics[{i}]")
        self._access.require_type(principal, READ, RUN)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> list[Run]:
            seen = await references.visible(tx, scope, ids)
            for i, run_id in enumerate(ids):
                if run_id not in seen or seen[run_id].type is not RUN:
                    raise references.not_found(f"ids[{i}]", run_id, "run")
            found = await self._many(tx, list(dict.fromkeys(ids)), metrics)
            return [found[i] for i in ids]

        runs = await self._db.read(work)
        await self._reads.reads(principal, "compare-runs", scope, resource_type=RUN, seen=[_seen(r) for r in runs])
        param_names = sorted({p.name for r in runs for p in r.params})
        metric_names = metrics or sorted({m.name for r in runs for m in r.metrics})
        params = [(name, [next((p.value for p in r.params if p.name == name), None) for r in runs]) for name in param_names]
        series = [(name, [next((m for m in r.metrics if m.name == name), None) for r in runs]) for name in metric_names]
        return RunComparison(runs=runs, params=params, metrics=series)

    # -- shared steps -----------------------------------------------------------------------------

    async def _lock(self, tx: Tx, principal: Principal, run_id: str) -> tuple[Decision, RunStatus | None]:
        """Takes the run's lock after checking the caller may write it; returns the decision and status."""
        check_id(run_id, "runId")
        state = await run_store.lock(tx, run_id)
        if state is None:
            raise references.not_found("runId", run_id, "run")
        decision = self._access.require_write(principal, RUN, state["owners"] or (), run_id)
        return decision, RunStatus(state["status"]) if state["status"] else None

    async def open_for_write(self, tx: Tx, principal: Principal, run_id: str) -> Decision:
        """For services that write on a run's behalf (artifacts, logged models): its lock, in their tx."""
        return await self._open(tx, principal, run_id)

    async def check_writable(self, principal: Principal, run_id: str) -> None:
        """Whether the caller may log to this run now (before bytes are stored on its behalf)."""
        await self._db.write(lambda tx: self._open(tx, principal, run_id))

    async def _open(self, tx: Tx, principal: Principal, run_id: str) -> Decision:
        """Like _lock, and the run must not have ended: logging to an ended run is CONFLICT."""
        decision, status = await self._lock(tx, principal, run_id)
        if status in ENDED:
            raise Conflict(
                f"runId: run {run_id!r} is {status.value}; an ended run's record is closed, start a new run",
                field="runId",
            )
        return decision

    async def _link(
        self,
        principal: Principal,
        run_id: str,
        refs: list[EntityRef],
        where: str,
        kind: LineageKind,
        allowed: frozenset[EntityType],
        role: str,
    ) -> list[str]:
        if not refs:
            raise BadInput(f"{where}: give at least one entity", field=where)
        if len(refs) > MAX_REFS:
            raise LimitExceeded(f"{where}: at most {MAX_REFS} per call, got {len(refs)}", field=where)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> list[str]:
            await propagation.hold_lock(tx)  # before the run's lock: every edge writer takes this one first
            decision = await self._open(tx, principal, run_id)
            created: list[AuditRecord] = []
            found = await references.resolve_refs(
                tx, self._access, principal, scope, [(f"{where}[{i}]", r) for i, r in enumerate(refs)], created,
                allowed=allowed, role=role,
            )
            ids = list(dict.fromkeys(found[r].id for r in refs))
            edges = [(i, run_id, kind) for i in ids] if kind is LineageKind.INPUT_TO else [(run_id, o, kind) for o in ids]
            await lineage_store.link(tx, edges)
            upstream, downstream = (ids, [run_id]) if kind is LineageKind.INPUT_TO else ([run_id], ids)
            await propagation.refresh_after_edges_changed(tx, upstream, downstream)
            await self._audit(tx, principal, f"log-{where}", decision, run_id, created, entities=ids)
            run = (await run_store.details(tx, [run_id], {}))[run_id]
            return run.input_ids if kind is LineageKind.INPUT_TO else run.output_ids

        return await self._db.write(work)

    async def _experiment(
        self, tx: Tx, principal: Principal, scope: ReadScope, qualified_name: str, events: list[AuditRecord]
    ) -> str:
        """The experiment's id; created when there is none with that name (its audit event goes to `events`)."""
        kind = EntityType.EXPERIMENT
        found = (await entity_store.resolve_names(tx, kind, [qualified_name])).get(qualified_name)
        if found is None or found.deleted:
            decision = self._access.require_type(principal, WRITE, kind)
            item = EntityInput(type=kind, qualified_name=qualified_name, owners=[principal.name])
            experiment = (await entity_store.upsert(tx, kind, [item]))[qualified_name].id
            events.append(audit_record(principal, WRITE, decision, experiment, kind.label, operation="created by reference"))
            return experiment
        self._access.require_type(principal, READ, kind)
        return references.visible_by_name(principal, scope, found, "input.experiment").id

    async def _one(self, tx: Tx, run_id: str) -> Run:
        return (await self._many(tx, [run_id]))[run_id]

    async def _many(self, tx: Tx, ids: list[str], metric_names: list[str] | None = None) -> dict[str, Run]:
        metrics = await metric_store.summaries(tx, ids, metric_names)
        runs = await run_store.details(tx, ids, metrics)
        history = await run_store.status_history(tx, ids)
        runs = {i: dataclasses.replace(r, status_history=history.get(i, [])) for i, r in runs.items()}
        return {r.id: r for r in await classification_store.with_classifications(tx, list(runs.values()))}

    async def _audit(
        self,
        tx: Tx,
        principal: Principal,
        action: str,
        decision: Decision,
        run_id: str,
        created: Sequence[AuditRecord] = (),
        **details: Any,
    ) -> None:
        """The run's event, after those of entities created by reference (appended last: one lock order)."""
        await self._log.append(tx, [*created, audit_record(principal, action, decision, run_id, RUN.label, **details)])


def _seen(run: Run) -> Found:
    return Found.of(run.entity, run.classification_names)



async def _store_params(tx: Tx, run_id: str, params: list[Param]) -> None:
    """Creates the new parameters; a repeat with the same typed value is a no-op, another is CONFLICT."""
    if not params:
        return
    for wanted, before in await run_store.log_params(tx, run_id, params):
        if before is not None and (before.type, before.value) != (wanted.type, wanted.value):
            raise Conflict(
                f"params.{wanted.name}: the run already has {wanted.name} = {before.value!r} ({before.type.value}); "
                f"a parameter is set once, so {wanted.value!r} ({wanted.type.value}) is refused",
                field=f"params.{wanted.name}",
            )


def created_names(events: list[AuditRecord], ids: dict[str, str]) -> set[str]:
    """The names among `ids` whose entity was created in this call (its audit event is in `events`)."""
    made = {e.resource_id for e in events}
    return {n for n, i in ids.items() if i in made}

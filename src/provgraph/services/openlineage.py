"""Recording what OpenLineage emitters report (the HTTP endpoint and `provgraph ingest openlineage`).

One event (already mapped from the wire by openlineage/events.py) is one write transaction. A RunEvent:

    job           -> Pipeline            (facets kept in its properties)
    run           -> PipelineRun         HAS_RUN from the Pipeline; state, startedAt, endedAt, facets
    inputs        -> Dataset -[:INPUT_TO]-> PipelineRun
    outputs       -> PipelineRun -[:PRODUCED]-> Dataset

A JobEvent (static lineage: what the job is declared to read and write, no run) puts the same edges on
the job's Pipeline itself, Dataset -[:INPUT_TO]-> Pipeline -[:PRODUCED]-> Dataset, so `lineage` and
`impact` follow them like run lineage. They are the job's declaration: the highest-versioned JobEvent
(latest eventTime) decides them, and the edges it no longer lists are ended (removedAt), not deleted.
A DatasetEvent changes one dataset's facets and what follows from them.

For every kind, on each dataset:

    schema facet  -> Dataset -[:HAS_FEATURE]-> Feature, one per field
    columnLineage -> Feature -[:DERIVES]-> Feature, with the transformation and masking on the edge
    documentation, ownership, symlinks, tags -> description, owners, aliases, classifications
                     (services/openlineage_write.py)

Reports are merged order-independently by the rules in domain/run_reports.py: replaying one changes
nothing, and COMPLETE-before-START ends in the same graph as START-before-COMPLETE. The caller needs
write on every entity type the event touches (a data-engineer has it), and `classify` for a tag that
makes a new classification. New edges carry classifications at once: propagation is repaired in the same
transaction (services/propagation.py). A run belongs to the job of its latest-arriving report (the spec
never moves a runId between jobs). Every event is audited: one write record per entity type it touched.

Classifications flow through a declared job too: a JobEvent input tagged PII makes the Pipeline carry
it, and with it (containment) the job's runs and what they produce. Erring towards the tag is the
governance choice: a job declared to read personal data processes it in every run.
"""

from __future__ import annotations

from ..domain.entities import EntityType
from ..domain.lineage import LineageKind
from ..domain.principals import Principal
from ..domain.run_reports import (
    DatasetEventReport,
    DatasetEventResult,
    DatasetReport,
    JobReport,
    JobReportResult,
    LineageReport,
    RunReport,
    RunReportResult,
    TagReport,
    apply_run_phase,
    versioned,
)
from ..governance.access import WRITE, AccessControl, Decision
from ..governance.audit import AuditLog
from ..store import lineage as lineage_store
from ..store.database import Database, Tx
from . import propagation
from .audit import audits_denials
from .openlineage_write import Emitter, EventWrite

T = EntityType


@audits_denials
class OpenLineageService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log

    async def record(
        self, principal: Principal, report: LineageReport
    ) -> RunReportResult | JobReportResult | DatasetEventResult:
        if isinstance(report, RunReport):
            return await self.record_run_event(principal, report)
        if isinstance(report, JobReport):
            return await self.record_job_event(principal, report)
        return await self.record_dataset_event(principal, report)

    async def record_run_event(self, principal: Principal, report: RunReport) -> RunReportResult:
        emitter = await self._emitter(principal, "RunEvent", [T.PIPELINE, T.PIPELINE_RUN], report.datasets)
        return await self._db.write(lambda tx: _RunEventWrite(tx, emitter, report).apply())

    async def record_job_event(self, principal: Principal, report: JobReport) -> JobReportResult:
        emitter = await self._emitter(principal, "JobEvent", [T.PIPELINE], report.datasets)
        return await self._db.write(lambda tx: _JobEventWrite(tx, emitter, report).apply())

    async def record_dataset_event(self, principal: Principal, report: DatasetEventReport) -> DatasetEventResult:
        emitter = await self._emitter(principal, "DatasetEvent", [], report.datasets)
        return await self._db.write(lambda tx: _DatasetEventWrite(tx, emitter, report).apply())

    async def _emitter(
        self, principal: Principal, kind: str, own: list[EntityType], datasets: tuple[DatasetReport, ...]
    ) -> Emitter:
        """Write on every entity type the event touches, decided before the transaction starts, and the
        read scope that decides whether an entity the event names may be written at all."""
        touched = list(own)
        if datasets:
            touched.append(T.DATASET)
        if any(d.fields or d.derivations or any(t.field for t in d.tags) for d in datasets):
            touched.append(T.FEATURE)
        writes: dict[EntityType, Decision] = {
            entity_type: self._access.require_type(principal, WRITE, entity_type) for entity_type in touched
        }
        scope = await self._access.scope(principal)
        return Emitter(principal=principal, access=self._access, log=self._log, writes=writes, kind=kind, scope=scope)


class _Steps(EventWrite):
    """The order every event follows; the kinds differ in their own entities and edges."""

    async def apply(self):  # type: ignore[no-untyped-def]
        # Edges are written below; taking the propagation lock first (as every edge writer does) avoids
        # a deadlock against a writer holding it and waiting for one of our entities.
        await propagation.hold_lock(self.tx)
        own = self.own_keys()
        features = self.name_datasets_and_features()
        await self.ensure_and_lock([*own, *self.keys(T.DATASET), *self.keys(T.FEATURE)])
        self.merge_own()
        self.merge_datasets()
        self.merge_fields()
        await self.write_entities()
        containers, members = await self.contain_features(features, self.own_containment())
        sources, targets = await self.link()
        derives = await self.link_derivations()
        await propagation.refresh_after_edges_changed(
            self.tx, [*containers, *sources, *(s for s, _ in derives)], [*members, *targets, *(t for _, t in derives)]
        )
        classified = await self.classify_from_tags()
        await self.audit()
        return self.result(len(features), len(derives), classified)

    def own_keys(self) -> list[tuple[EntityType, str]]:
        return []

    def merge_own(self) -> None:
        pass

    def own_containment(self) -> list[dict[str, str]]:
        return []

    async def link(self) -> tuple[list[str], list[str]]:
        """Writes the event's own lineage edges; returns the upstream and downstream ends of those changed."""
        return [], []

    def result(self, features: int, derives: int, classified: tuple[str, ...]):  # type: ignore[no-untyped-def]
        raise NotImplementedError


class _RunEventWrite(_Steps):
    def __init__(self, tx: Tx, emitter: Emitter, report: RunReport) -> None:
        super().__init__(tx, emitter, report.datasets, report.version)
        self.report = report
        self.pipeline = (T.PIPELINE, report.job_qualified_name)
        self.run = (T.PIPELINE_RUN, report.run_id)

    def own_keys(self) -> list[tuple[EntityType, str]]:
        self.names[self.pipeline] = self.report.job_name
        return [self.pipeline, self.run]

    def merge_own(self) -> None:
        report = self.report
        self.merge_entity(self.pipeline, report.job_namespace, report.job_facets, report.job_facts, "job.facets")
        properties = self.properties(self.run)
        properties.setdefault("runId", report.run_id)
        apply_run_phase(properties, self.versions(self.run), report.phase, report.event_time)
        self.merge_group(self.run, ("facets",), report.run_facets)
        for group, datasets in (("inputFacets", report.inputs), ("outputFacets", report.outputs)):
            for dataset in datasets:
                self.merge_group(self.run, (group, dataset.qualified_name), dataset.run_facets)

    def own_containment(self) -> list[dict[str, str]]:
        return [{"memberId": self.ids[self.run], "containerId": self.ids[self.pipeline], "kind": "HAS_RUN"}]

    def own_tags(self) -> list[tuple[tuple[EntityType, str], tuple[TagReport, ...]]]:
        return [(self.pipeline, self.report.job_tags), (self.run, self.report.run_tags)]

    async def link(self) -> tuple[list[str], list[str]]:
        run_id = self.ids[self.run]
        flows = list(
            dict.fromkeys(
                [(self.ids[(T.DATASET, d.qualified_name)], run_id, LineageKind.INPUT_TO) for d in self.report.inputs]
                + [(run_id, self.ids[(T.DATASET, d.qualified_name)], LineageKind.PRODUCED) for d in self.report.outputs]
            )
        )
        await lineage_store.link(self.tx, flows)
        return [s for s, _, _ in flows], [t for _, t, _ in flows]

    def result(self, features: int, derives: int, classified: tuple[str, ...]) -> RunReportResult:
        report = self.report
        return RunReportResult(
            pipeline_id=self.ids[self.pipeline],
            pipeline_qualified_name=report.job_qualified_name,
            run_id=self.ids[self.run],
            run_qualified_name=report.run_id,
            state=self.properties(self.run).get("state"),
            inputs=tuple(dict.fromkeys(d.qualified_name for d in report.inputs)),
            outputs=tuple(dict.fromkeys(d.qualified_name for d in report.outputs)),
            features=features,
            column_lineage_edges=derives,
            classified=classified,
        )


class _JobEventWrite(_Steps):
    def __init__(self, tx: Tx, emitter: Emitter, report: JobReport) -> None:
        super().__init__(tx, emitter, report.datasets, report.version)
        self.report = report
        self.pipeline = (T.PIPELINE, report.job_qualified_name)
        self.declares = False  # whether this report's inputs and outputs are the ones in force

    def own_keys(self) -> list[tuple[EntityType, str]]:
        self.names[self.pipeline] = self.report.job_name
        return [self.pipeline]

    def merge_own(self) -> None:
        report = self.report
        self.merge_entity(self.pipeline, report.job_namespace, report.job_facets, report.job_facts, "job.facets")
        declaration = {"inputs": self._names(report.inputs), "outputs": self._names(report.outputs)}
        version = versioned(self.version, declaration)
        versions = self.versions(self.pipeline)
        self.declares = version >= versions.get("declaredLineage", "")
        if self.declares:
            versions["declaredLineage"] = version

    def own_tags(self) -> list[tuple[tuple[EntityType, str], tuple[TagReport, ...]]]:
        return [(self.pipeline, self.report.job_tags)]

    @staticmethod
    def _names(datasets: tuple[DatasetReport, ...]) -> list[str]:
        return sorted({d.qualified_name for d in datasets})

    async def link(self) -> tuple[list[str], list[str]]:
        if not self.declares:
            return [], []  # a newer JobEvent's declaration stands
        pipeline_id = self.ids[self.pipeline]
        inputs = [self.ids[(T.DATASET, qn)] for qn in self._names(self.report.inputs)]
        outputs = [self.ids[(T.DATASET, qn)] for qn in self._names(self.report.outputs)]
        kept = await lineage_store.end_process_edges_except(self.tx, {pipeline_id: (inputs, outputs)})
        live_inputs = kept.live_inputs.get(pipeline_id, set())
        live_outputs = kept.live_outputs.get(pipeline_id, set())
        new_inputs = [i for i in inputs if i not in live_inputs]
        new_outputs = [o for o in outputs if o not in live_outputs]
        await lineage_store.create(
            self.tx,
            [(i, pipeline_id, LineageKind.INPUT_TO) for i in new_inputs]
            + [(pipeline_id, o, LineageKind.PRODUCED) for o in new_outputs],
        )
        return [*kept.ended_inputs, *new_inputs, pipeline_id], [pipeline_id, *kept.ended_outputs, *new_outputs]

    def result(self, features: int, derives: int, classified: tuple[str, ...]) -> JobReportResult:
        return JobReportResult(
            pipeline_id=self.ids[self.pipeline],
            pipeline_qualified_name=self.report.job_qualified_name,
            inputs=tuple(self._names(self.report.inputs)),
            outputs=tuple(self._names(self.report.outputs)),
            replaced=self.declares,
            features=features,
            column_lineage_edges=derives,
            classified=classified,
        )


class _DatasetEventWrite(_Steps):
    def __init__(self, tx: Tx, emitter: Emitter, report: DatasetEventReport) -> None:
        super().__init__(tx, emitter, report.datasets, report.version)
        self.report = report

    def result(self, features: int, derives: int, classified: tuple[str, ...]) -> DatasetEventResult:
        dataset = self.report.dataset
        return DatasetEventResult(
            dataset_id=self.ids[(T.DATASET, dataset.qualified_name)],
            dataset_qualified_name=dataset.qualified_name,
            features=features,
            column_lineage_edges=derives,
            classified=classified,
        )

"""Recording runs reported by OpenLineage emitters (the HTTP endpoint and `provgraph ingest openlineage`).

One report (one RunEvent, already mapped from the wire by api/openlineage.py) is one write transaction:

    job           -> Pipeline            (facets kept in its properties)
    run           -> PipelineRun         HAS_RUN from the Pipeline; state, startedAt, endedAt, facets
    inputs        -> Dataset -[:INPUT_TO]-> PipelineRun
    outputs       -> PipelineRun -[:PRODUCED]-> Dataset
    schema facet  -> Dataset -[:HAS_FEATURE]-> Feature, one per field
    columnLineage -> Feature -[:DERIVES]-> Feature, with the transformation and masking on the edge

Reports are additive and merged order-independently by the rules in domain/run_reports.py: replaying
one changes nothing, and COMPLETE-before-START ends in the same graph as START-before-COMPLETE. The
caller needs write on every entity type the report touches (a data-engineer has it). New edges carry
classifications at once: propagation is repaired in the same transaction (services/propagation.py).
A run belongs to the job of its latest-arriving report (the spec never moves a runId between jobs).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from ..domain.entities import EntityInput, EntityType
from ..domain.errors import LimitExceeded
from ..domain.lineage import LineageKind
from ..domain.principals import Principal
from ..domain.run_reports import (
    MASKING_BLOCKS,
    MAX_REPORTED_PROPERTIES_BYTES,
    DatasetReport,
    RunReport,
    RunReportResult,
    apply_run_phase,
    canonical,
    derivation_properties,
    field_properties,
    merge_reported,
    versioned,
)
from ..governance.access import WRITE, AccessControl
from ..store import entities as entity_store
from ..store import lineage as lineage_store
from ..store.database import Database, Tx
from . import propagation

T = EntityType


def feature_name(dataset_qualified_name: str, field: str) -> str:
    """A dataset field's Feature: `{dataset qualifiedName}#{field}` (nested fields dotted: `addr.city`)."""
    return f"{dataset_qualified_name}#{field}"


class OpenLineageService:
    def __init__(self, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    async def record_run_event(self, principal: Principal, report: RunReport) -> RunReportResult:
        touched = [T.PIPELINE, T.PIPELINE_RUN]
        if report.datasets:
            touched.append(T.DATASET)
        if any(d.fields or d.derivations for d in report.datasets):
            touched.append(T.FEATURE)
        for entity_type in touched:
            self._access.require_type(principal, WRITE, entity_type)
        return await self._db.write(lambda tx: _RunEventWrite(tx, report).apply())


class _RunEventWrite:
    """The steps of one report inside its transaction. Built afresh on every attempt, since the driver
    may retry a transaction that hit a transient error (a deadlock between two concurrent events)."""

    def __init__(self, tx: Tx, report: RunReport) -> None:
        self.tx = tx
        self.report = report
        self.version = report.version
        self.ids: dict[tuple[EntityType, str], str] = {}
        self.created: set[tuple[EntityType, str]] = set()
        self.names: dict[tuple[EntityType, str], str] = {}
        self.stored: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # id -> (properties, versions)
        self.updates: dict[tuple[EntityType, str], dict[str, Any]] = {}  # key -> new properties
        self.new_versions: dict[str, dict[str, Any]] = {}  # id -> versions
        self.descriptions: dict[str, str | None] = {}  # id -> description as stored
        self.reported_descriptions: dict[str, str | None] = {}  # feature id -> its winning field's description

    async def apply(self) -> RunReportResult:
        report = self.report
        # Edges are written below; taking the propagation lock first (as every edge writer does) avoids
        # a deadlock against a writer holding it and waiting for one of our entities.
        await propagation.hold_lock(self.tx)
        pipeline = (T.PIPELINE, report.job_qualified_name)
        run = (T.PIPELINE_RUN, report.run_id)
        self.names[pipeline] = report.job_name
        for dataset in report.datasets:
            self.names[(T.DATASET, dataset.qualified_name)] = dataset.name
        features = self._features()
        for qualified_name, (_, field) in features.items():
            self.names[(T.FEATURE, qualified_name)] = field

        await self._ensure_and_lock([pipeline, run, *self._keys(T.DATASET), *self._keys(T.FEATURE)])
        self._merge_pipeline(pipeline)
        self._merge_run(run)
        for dataset in report.datasets:
            self._merge_dataset(dataset)
        self._merge_fields()
        await self._write_entities()

        containment = [{"memberId": self.ids[run], "containerId": self.ids[pipeline], "kind": "HAS_RUN"}] + [
            {"memberId": self.ids[(T.FEATURE, qn)], "containerId": self.ids[(T.DATASET, ds)], "kind": "HAS_FEATURE"}
            for qn, (ds, _) in sorted(features.items())
        ]
        members = [row["memberId"] for row in containment]
        old_containers = await propagation.containers_of(self.tx, members)
        await entity_store.set_containers(self.tx, containment)
        run_id = self.ids[run]
        flows = list(
            dict.fromkeys(
                [(self.ids[(T.DATASET, d.qualified_name)], run_id, LineageKind.INPUT_TO) for d in report.inputs]
                + [(run_id, self.ids[(T.DATASET, d.qualified_name)], LineageKind.PRODUCED) for d in report.outputs]
            )
        )
        await lineage_store.link(self.tx, flows)
        derives = await self._link_derivations()
        await propagation.refresh_after_edges_changed(
            self.tx,
            [*old_containers, *(row["containerId"] for row in containment), *(s for s, _, _ in flows), *(s for s, _ in derives)],
            [*members, *(t for _, t, _ in flows), *(t for _, t in derives)],
        )
        return RunReportResult(
            pipeline_id=self.ids[pipeline],
            pipeline_qualified_name=report.job_qualified_name,
            run_id=run_id,
            run_qualified_name=report.run_id,
            state=self._properties(run).get("state"),
            inputs=tuple(dict.fromkeys(d.qualified_name for d in report.inputs)),
            outputs=tuple(dict.fromkeys(d.qualified_name for d in report.outputs)),
            features=len(features),
            column_lineage_edges=len(derives),
        )

    # -- identities ------------------------------------------------------------------------------

    def _features(self) -> dict[str, tuple[str, str]]:
        """Every Feature the report names (schema fields, both ends of column lineage) -> (dataset, field)."""
        features: dict[str, tuple[str, str]] = {}
        for dataset in self.report.datasets:
            for field in dataset.fields:
                features[feature_name(dataset.qualified_name, field.name)] = (dataset.qualified_name, field.name)
            for d in dataset.derivations:
                features[feature_name(d.source_dataset, d.source_field)] = (d.source_dataset, d.source_field)
                features[feature_name(dataset.qualified_name, d.target_field)] = (dataset.qualified_name, d.target_field)
        return features

    def _keys(self, entity_type: EntityType) -> list[tuple[EntityType, str]]:
        return sorted(key for key in self.names if key[0] is entity_type)

    async def _ensure_and_lock(self, keys: list[tuple[EntityType, str]]) -> None:
        """Creates what is missing (one upsert per type), then locks and reads everything, always in the
        same order (type, then qualifiedName) so concurrent events cannot deadlock on each other."""
        by_type: dict[EntityType, list[str]] = defaultdict(list)
        for entity_type, qualified_name in keys:
            by_type[entity_type].append(qualified_name)
        for entity_type, names in by_type.items():
            stored = await entity_store.upsert(
                self.tx, entity_type, [EntityInput(type=entity_type, qualified_name=n) for n in names]
            )
            for qualified_name, entity in stored.items():
                key = (entity_type, qualified_name)
                self.ids[key] = entity.id
                if entity.created_at == self.tx.now:
                    self.created.add(key)
        records = await self.tx.records("openlineage_lock_and_read", ids=[self.ids[key] for key in keys])
        for r in records:
            self.stored[r["id"]] = (json.loads(r["properties"] or "{}"), json.loads(r["versions"] or "{}"))
            self.descriptions[r["id"]] = r["description"]

    def _properties(self, key: tuple[EntityType, str]) -> dict[str, Any]:
        """The properties as this report leaves them (a working copy, starting from what is stored)."""
        if key not in self.updates:
            self.updates[key] = dict(self.stored[self.ids[key]][0])
        return self.updates[key]

    def _versions(self, key: tuple[EntityType, str]) -> dict[str, Any]:
        entity_id = self.ids[key]
        if entity_id not in self.new_versions:
            self.new_versions[entity_id] = json.loads(json.dumps(self.stored[entity_id][1]))
        return self.new_versions[entity_id]

    # -- merging ---------------------------------------------------------------------------------

    def _merge_group(self, key: tuple[EntityType, str], path: tuple[str, ...], incoming: dict[str, Any]) -> None:
        """Merges named facets into properties[path...] (versions kept under the same path)."""
        if not incoming:
            return
        properties, versions = self._properties(key), self._versions(key)
        for part in path[:-1]:
            properties = properties.setdefault(part, {})
            versions = versions.setdefault(part, {})
        last = path[-1]
        merged, kept = merge_reported(properties.get(last, {}), versions.get(last, {}), incoming, self.version)
        versions[last] = kept
        if merged:
            properties[last] = merged
        else:
            properties.pop(last, None)

    def _merge_pipeline(self, key: tuple[EntityType, str]) -> None:
        self._properties(key).setdefault("namespace", self.report.job_namespace)
        self._merge_group(key, ("facets",), self.report.job_facets)

    def _merge_run(self, key: tuple[EntityType, str]) -> None:
        report = self.report
        properties = self._properties(key)
        properties.setdefault("runId", report.run_id)
        apply_run_phase(properties, self._versions(key), report.phase, report.event_time)
        self._merge_group(key, ("facets",), report.run_facets)
        for group, datasets in (("inputFacets", report.inputs), ("outputFacets", report.outputs)):
            for dataset in datasets:
                self._merge_group(key, (group, dataset.qualified_name), dataset.run_facets)

    def _merge_dataset(self, dataset: DatasetReport) -> None:
        key = (T.DATASET, dataset.qualified_name)
        self._properties(key).setdefault("namespace", dataset.namespace)
        self._merge_group(key, ("facets",), dataset.facets)

    def _merge_fields(self) -> None:
        """A field's Feature takes the name, type and description of its highest-versioned report."""
        for dataset in self.report.datasets:
            for field in dataset.fields:
                key = (T.FEATURE, feature_name(dataset.qualified_name, field.name))
                version = versioned(self.version, asdict(field))
                versions = self._versions(key)
                if version <= versions.get("field", ""):
                    continue
                versions["field"] = version
                self.updates[key] = field_properties(self._properties(key), field)
                self.reported_descriptions[self.ids[key]] = field.description

    # -- writing ---------------------------------------------------------------------------------

    async def _write_entities(self) -> None:
        by_type: dict[EntityType, list[EntityInput]] = defaultdict(list)
        for key in sorted(set(self.updates) | self.created, key=lambda k: (k[0].value, k[1])):
            entity_type, qualified_name = key
            properties = self.updates.get(key)
            if properties == self.stored[self.ids[key]][0]:
                properties = None  # unchanged: leave it alone
            if properties is None and key not in self.created:
                continue
            if properties is not None:
                self._check_size(key, properties)
            # Validated already (api mapping and _check_size); the reported-facets limit is larger than
            # the one for properties people type, hence no second validation here.
            by_type[entity_type].append(
                EntityInput.model_construct(
                    type=entity_type,
                    qualified_name=qualified_name,
                    name=self.names.get(key) if key in self.created else None,
                    properties=properties,
                )
            )
        for entity_type, items in by_type.items():
            await entity_store.upsert(self.tx, entity_type, items)
        described = [
            {"id": entity_id, "description": description}
            for entity_id, description in sorted(self.reported_descriptions.items())
            if (description or "") != (self.descriptions[entity_id] or "")
        ]
        if described:
            await self.tx.records("openlineage_set_descriptions", rows=described)
        changed = [
            {"id": entity_id, "versions": canonical(versions)}
            for entity_id, versions in sorted(self.new_versions.items())
            if versions != self.stored[entity_id][1]
        ]
        if changed:
            await self.tx.records("openlineage_set_versions", rows=changed)

    def _check_size(self, key: tuple[EntityType, str], properties: dict[str, Any]) -> None:
        size = len(canonical(properties).encode())
        if size > MAX_REPORTED_PROPERTIES_BYTES:
            field = {T.PIPELINE: "job.facets", T.PIPELINE_RUN: "run.facets"}.get(key[0])
            if field is None:
                field = next(
                    (f"{d.where}.facets" for d in self.report.datasets if (key[0], d.qualified_name) == (T.DATASET, key[1])),
                    "inputs",
                )
            raise LimitExceeded(
                f"{field}: the facets kept for {key[0].name} {key[1]!r} would take {size} bytes; "
                f"the limit is {MAX_REPORTED_PROPERTIES_BYTES}",
                field=field,
            )

    async def _link_derivations(self) -> list[tuple[str, str]]:
        """One row per (source, target) Feature pair: the highest-versioned report of it, masking if any is.
        Returns the pairs, as (source id, target id)."""
        edges: dict[tuple[str, str], dict[str, Any]] = {}
        for dataset in self.report.datasets:
            for d in dataset.derivations:
                source = self.ids[(T.FEATURE, feature_name(d.source_dataset, d.source_field))]
                target = self.ids[(T.FEATURE, feature_name(dataset.qualified_name, d.target_field))]
                if source == target:
                    continue  # a column updated in place: no lineage between two entities
                version = versioned(self.version, asdict(d))
                row = edges.get((source, target))
                masking = d.masking or (row is not None and row["masking"])
                if row is None or version > row["version"]:
                    row = {
                        "source": source,
                        "target": target,
                        "version": version,
                        "properties": {**derivation_properties(d), "openlineageVersion": version},
                    }
                row["masking"] = masking
                edges[(source, target)] = row
        if edges:
            await self.tx.records(
                "openlineage_link_derives", edges=[edges[k] for k in sorted(edges)], maskingBlocks=list(MASKING_BLOCKS)
            )
        return sorted(edges)

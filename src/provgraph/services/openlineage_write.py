"""The steps every OpenLineage event's write transaction shares (services/openlineage.py has the three
kinds): create and lock its entities, merge what it reports by the rules of domain/run_reports.py,
write what changed, link column lineage, classify from tags, and audit.

Facts from facets. When a dataset's (or job's) `documentation`, `ownership` or `symlinks` facet from
this report is the one kept (its version won), the entity takes what it states: the description, the
owners and the aliases. What the winning facet said last is kept in the entity's versions (`reported`),
so a retracted or changed facet takes back only what it gave: a description someone wrote since, or
owners someone added by hand, stay.

Tags. Each tag naming a defined classification classifies its dataset (or, with `field`, that field's
Feature; a job's tag its Pipeline, a run's its PipelineRun), as a direct assignment with the definition's propagate flag, audited as the emitting
principal. Only new assignments are made, so a replay changes nothing and needs no right to classify;
a new one needs `classify` (the same rule as the classify mutation), and without it the whole event is
FORBIDDEN, naming the tag, and nothing of it is written: accepting the lineage while dropping the tag
would leave data its producer calls PII readable by everyone (fail closed).

Hidden data. An event writes every dataset and field it names (facets, description, owners, lineage),
so naming an existing one the emitter may not see is FORBIDDEN for the whole event, naming the event
field (`references.visible_by_name`, the answer upserts and references by name give). Without it an
emitter not cleared for PII could name itself owner of a PII table in an `ownership` facet and read it
by the owner rule. The event's own job and run are exempt, as a run stays its logger's to finish: a
job whose tags made it PII keeps reporting its runs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..domain.audit import AuditRecord
from ..domain.classifications import ClassificationDef
from ..domain.entities import MAX_OWNERS, EntityInput, EntityType, Found
from ..domain.errors import BadInput, LimitExceeded
from ..domain.principals import Principal
from ..domain.run_reports import (
    MASKING_BLOCKS,
    MAX_REPORTED_PROPERTIES_BYTES,
    DatasetReport,
    TagReport,
    canonical,
    derivation_properties,
    field_properties,
    merge_reported,
    versioned,
)
from ..governance.access import AccessControl, AccessDenied, Decision, ReadScope
from ..governance.audit import AuditLog, audit_record
from ..store import classifications as classification_store
from ..store import entities as entity_store
from ..store import openlineage as openlineage_store
from ..store.classifications import DirectAssignment
from ..store.database import Tx
from . import propagation
from .audit import GROUP_LIMIT
from .classifications import put_assignment
from .references import visible_by_name

T = EntityType
NAMED_DATA = (EntityType.DATASET, EntityType.FEATURE)  # what an event names, as opposed to its own job and run
Key = tuple[EntityType, str]


def feature_name(dataset_qualified_name: str, field: str) -> str:
    """A dataset field's Feature: `{dataset qualifiedName}#{field}` (nested fields dotted: `addr.city`)."""
    return f"{dataset_qualified_name}#{field}"


@dataclass(frozen=True)
class Emitter:
    """Who sends the event and what was decided about it before the transaction (write per type)."""

    principal: Principal
    access: AccessControl
    log: AuditLog
    writes: dict[EntityType, Decision]
    kind: str  # RunEvent, JobEvent or DatasetEvent, for the audit log
    scope: ReadScope


class EventWrite:
    """One event inside its transaction. Built afresh on every attempt, since the driver may retry a
    transaction that hit a transient error (a deadlock between two concurrent events)."""

    def __init__(self, tx: Tx, emitter: Emitter, datasets: tuple[DatasetReport, ...], version: str) -> None:
        self.tx = tx
        self.emitter = emitter
        self.datasets = datasets
        self.version = version
        self.ids: dict[Key, str] = {}
        self.created: set[Key] = set()
        self.names: dict[Key, str] = {}
        self.stored: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # id -> (properties, versions)
        self.stored_owners: dict[str, list[str]] = {}
        self.stored_aliases: dict[str, list[str]] = {}
        self.updates: dict[Key, dict[str, Any]] = {}  # key -> new properties
        self.new_versions: dict[str, dict[str, Any]] = {}  # id -> versions
        self.new_owners: dict[Key, list[str]] = {}
        self.new_aliases: dict[str, list[str]] = {}  # id -> aliases
        self.descriptions: dict[str, str | None] = {}  # id -> description as stored
        self.reported_descriptions: dict[str, str | None] = {}  # id -> description as this report leaves it
        self.audit_records: list[AuditRecord] = []  # classifications made, appended after the write's own

    # -- identities ------------------------------------------------------------------------------

    def features(self) -> dict[str, tuple[str, str]]:
        """Every Feature the report names (schema fields, both ends of column lineage, tagged fields)
        -> (dataset, field)."""
        features: dict[str, tuple[str, str]] = {}
        for dataset in self.datasets:
            for field in dataset.fields:
                features[feature_name(dataset.qualified_name, field.name)] = (dataset.qualified_name, field.name)
            for d in dataset.derivations:
                features[feature_name(d.source_dataset, d.source_field)] = (d.source_dataset, d.source_field)
                features[feature_name(dataset.qualified_name, d.target_field)] = (dataset.qualified_name, d.target_field)
            for tag in dataset.tags:
                if tag.field is not None:
                    features[feature_name(dataset.qualified_name, tag.field)] = (dataset.qualified_name, tag.field)
        return features

    def name_datasets_and_features(self) -> dict[str, tuple[str, str]]:
        for dataset in self.datasets:
            self.names[(T.DATASET, dataset.qualified_name)] = dataset.name
        features = self.features()
        for qualified_name, (_, field) in features.items():
            self.names[(T.FEATURE, qualified_name)] = field
        return features

    def where_of(self, key: Key) -> str:
        """The event field that names this entity, for an error about it."""
        entity_type, qualified_name = key
        if entity_type is T.DATASET:
            return next(d.where for d in self.datasets if d.qualified_name == qualified_name)
        if entity_type is T.FEATURE:
            dataset, field = self.features()[qualified_name]
            named = [d.where for d in self.datasets if d.qualified_name == dataset]
            return f"{named[0]}.fields[{field!r}]" if named else f"columnLineage[{dataset!r}.{field!r}]"
        return "run" if entity_type is T.PIPELINE_RUN else "job"

    def keys(self, entity_type: EntityType) -> list[Key]:
        return sorted(key for key in self.names if key[0] is entity_type)

    async def ensure_and_lock(self, keys: list[Key]) -> None:
        """Creates what is missing (one upsert per type), then locks and reads everything, always in the
        same order (Pipeline, PipelineRun, Dataset, Feature, then qualifiedName) so concurrent events
        cannot deadlock on each other."""
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
        records = await openlineage_store.lock_and_read(self.tx, [self.ids[key] for key in keys])
        by_id = {self.ids[key]: key for key in keys}
        for r in records:
            key = by_id[r["id"]]
            if key not in self.created and key[0] in NAMED_DATA:  # naming existing data writes it: see the docstring
                found = Found(r["id"], key[0], tuple(r["classificationNames"] or ()), tuple(r["owners"] or ()))
                visible_by_name(self.emitter.principal, self.emitter.scope, found, self.where_of(key))
            self.stored[r["id"]] = (json.loads(r["properties"] or "{}"), json.loads(r["versions"] or "{}"))
            self.descriptions[r["id"]] = r["description"]
            self.stored_owners[r["id"]] = list(r["owners"] or [])
            self.stored_aliases[r["id"]] = list(r["aliases"] or [])

    def properties(self, key: Key) -> dict[str, Any]:
        """The properties as this report leaves them (a working copy, starting from what is stored)."""
        if key not in self.updates:
            self.updates[key] = dict(self.stored[self.ids[key]][0])
        return self.updates[key]

    def versions(self, key: Key) -> dict[str, Any]:
        entity_id = self.ids[key]
        if entity_id not in self.new_versions:
            self.new_versions[entity_id] = json.loads(json.dumps(self.stored[entity_id][1]))
        return self.new_versions[entity_id]

    # -- merging ---------------------------------------------------------------------------------

    def merge_group(self, key: Key, path: tuple[str, ...], incoming: dict[str, Any]) -> None:
        """Merges named facets into properties[path...] (versions kept under the same path)."""
        if not incoming:
            return
        properties, versions = self.properties(key), self.versions(key)
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

    def merge_entity(self, key: Key, namespace: str, facets: dict[str, Any], facts: dict[str, Any], where: str) -> None:
        """A dataset's or job's namespace, facets, and the facts of the facets this report won."""
        self.properties(key).setdefault("namespace", namespace)
        self.merge_group(key, ("facets",), facets)
        kept = self.versions(key).get("facets", {})
        for facet, fact in sorted(facts.items()):
            if kept.get(facet) != versioned(self.version, facets[facet]):
                continue  # a report of higher version holds this facet: its facts stand
            reported = self.versions(key).setdefault("reported", {})
            if facet == "documentation":
                self._describe(key, fact, reported)
            elif facet == "ownership":
                self._own(key, fact or (), reported, f"{where}.ownership.owners")
            elif facet == "symlinks":
                self.new_aliases[self.ids[key]] = list(fact or ())

    def _describe(self, key: Key, text: str | None, reported: dict[str, Any]) -> None:
        entity_id = self.ids[key]
        current = self.reported_descriptions.get(entity_id, self.descriptions[entity_id])
        if text is not None:
            self.reported_descriptions[entity_id] = text
            reported["description"] = text
        else:  # retracted: take back what it gave, unless someone has rewritten it since
            if current == reported.get("description"):
                self.reported_descriptions[entity_id] = None
            reported.pop("description", None)

    def _own(self, key: Key, owners: tuple[str, ...], reported: dict[str, Any], where: str) -> None:
        current = set(self.new_owners.get(key, self.stored_owners[self.ids[key]]))
        merged = sorted((current - set(reported.get("owners", []))) | set(owners))
        if len(merged) > MAX_OWNERS:
            raise BadInput(
                f"{where}: {key[0].name} {key[1]!r} would have {len(merged)} owners (with those set by hand); "
                f"the limit is {MAX_OWNERS}",
                field=where,
            )
        self.new_owners[key] = merged
        if owners:
            reported["owners"] = sorted(owners)
        else:
            reported.pop("owners", None)

    def merge_datasets(self) -> None:
        for dataset in self.datasets:
            key = (T.DATASET, dataset.qualified_name)
            self.merge_entity(key, dataset.namespace, dataset.facets, dataset.facts, f"{dataset.where}.facets")

    def merge_fields(self) -> None:
        """A field's Feature takes the name, type and description of its highest-versioned report."""
        for dataset in self.datasets:
            for field in dataset.fields:
                key = (T.FEATURE, feature_name(dataset.qualified_name, field.name))
                version = versioned(self.version, asdict(field))
                versions = self.versions(key)
                if version <= versions.get("field", ""):
                    continue
                versions["field"] = version
                self.updates[key] = field_properties(self.properties(key), field)
                self.reported_descriptions[self.ids[key]] = field.description

    # -- writing ---------------------------------------------------------------------------------

    async def write_entities(self) -> None:
        by_type: dict[EntityType, list[EntityInput]] = defaultdict(list)
        for key in sorted(set(self.updates) | set(self.new_owners) | self.created, key=lambda k: (k[0].value, k[1])):
            entity_type, qualified_name = key
            entity_id = self.ids[key]
            properties = self.updates.get(key)
            if properties == self.stored[entity_id][0]:
                properties = None  # unchanged: leave it alone
            owners = self.new_owners.get(key)
            if owners == self.stored_owners[entity_id]:
                owners = None
            if properties is None and owners is None and key not in self.created:
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
                    owners=owners,
                )
            )
        for entity_type, items in by_type.items():
            await entity_store.upsert(self.tx, entity_type, items)
        described = [
            {"id": entity_id, "description": description}
            for entity_id, description in sorted(self.reported_descriptions.items())
            if (description or "") != (self.descriptions[entity_id] or "")
        ]
        await openlineage_store.set_descriptions(self.tx, described)
        aliased = [
            {"id": entity_id, "aliases": aliases}
            for entity_id, aliases in sorted(self.new_aliases.items())
            if aliases != self.stored_aliases[entity_id]
        ]
        await openlineage_store.set_aliases(self.tx, aliased)
        changed = [
            {"id": entity_id, "versions": canonical(versions)}
            for entity_id, versions in sorted(self.new_versions.items())
            if versions != self.stored[entity_id][1]
        ]
        await openlineage_store.set_versions(self.tx, changed)

    def _check_size(self, key: Key, properties: dict[str, Any]) -> None:
        size = len(canonical(properties).encode())
        if size > MAX_REPORTED_PROPERTIES_BYTES:
            field = {T.PIPELINE: "job.facets", T.PIPELINE_RUN: "run.facets"}.get(key[0])
            if field is None:
                field = next(
                    (f"{d.where}.facets" for d in self.datasets if (key[0], d.qualified_name) == (T.DATASET, key[1])),
                    "inputs",
                )
            raise LimitExceeded(
                f"{field}: the facets kept for {key[0].name} {key[1]!r} would take {size} bytes; "
                f"the limit is {MAX_REPORTED_PROPERTIES_BYTES}",
                field=field,
            )

    async def contain_features(self, features: dict[str, tuple[str, str]], rows: list[dict[str, str]]) -> tuple[list[str], list[str]]:
        """Makes `rows` (plus each Feature's HAS_FEATURE) the containment; returns the changed edges' ends."""
        containment = rows + [
            {"memberId": self.ids[(T.FEATURE, qn)], "containerId": self.ids[(T.DATASET, ds)], "kind": "HAS_FEATURE"}
            for qn, (ds, _) in sorted(features.items())
        ]
        members = [row["memberId"] for row in containment]
        old_containers = await propagation.containers_of(self.tx, members)
        await entity_store.set_containers(self.tx, containment)
        return [*old_containers, *(row["containerId"] for row in containment)], members

    async def link_derivations(self) -> list[tuple[str, str]]:
        """One row per (source, target) Feature pair: the highest-versioned report of it, masking if any is.
        Returns the pairs, as (source id, target id)."""
        edges: dict[tuple[str, str], dict[str, Any]] = {}
        for dataset in self.datasets:
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
        await openlineage_store.link_derives(self.tx, [edges[k] for k in sorted(edges)], list(MASKING_BLOCKS))
        return sorted(edges)

    # -- classification tags -----------------------------------------------------------------------

    async def classify_from_tags(self) -> tuple[str, ...]:
        """Assigns each classification a tag names and its entity does not hold directly yet; returns
        them as `qualifiedName:NAME`. Raises FORBIDDEN naming the tag when the emitter may not classify."""
        tagged: dict[tuple[Key, str], TagReport] = {}
        for dataset in self.datasets:
            for tag in dataset.tags:
                key = (T.FEATURE, feature_name(dataset.qualified_name, tag.field)) if tag.field else (T.DATASET, dataset.qualified_name)
                tagged.setdefault((key, tag.classification), tag)
        for key, tags in self.own_tags():
            for tag in tags:
                tagged.setdefault((key, tag.classification), tag)
        if not tagged:
            return ()
        defined = {d.name: d for d in await classification_store.definitions(self.tx)}
        tagged = {k: tag for k, tag in tagged.items() if k[1] in defined}
        ids = sorted({self.ids[key] for key, _ in tagged})
        held = await openlineage_store.direct_classifications(self.tx, ids)
        new = sorted(
            (((key, name), tag) for (key, name), tag in tagged.items() if name not in held.get(self.ids[key], set())),
            key=lambda item: (item[0][0][0].value, item[0][0][1], item[0][1]),  # EntityType has no order
        )
        records = []
        for (key, name), tag in new:
            decision = self._may_classify(key, name, tag)
            definition: ClassificationDef = defined[name]
            wanted = DirectAssignment(attributes={}, propagate=definition.propagate, remove_on_source_delete=False)
            await put_assignment(self.tx, self.ids[key], name, wanted, was_propagating=False)
            records.append(
                audit_record(
                    self.emitter.principal, "classify", decision, self.ids[key], key[0].label,
                    classification=name, propagate=definition.propagate, via=f"OpenLineage {self.emitter.kind} tag",
                    tag=tag.where,
                )
            )
        self.audit_records.extend(records)
        return tuple(f"{key[1]}:{name}" for (key, name), _ in new)

    def own_tags(self) -> list[tuple[Key, tuple[TagReport, ...]]]:
        """The event's job and run tags, with the Pipeline or PipelineRun they classify."""
        return []

    def _may_classify(self, key: Key, name: str, tag: TagReport) -> Decision:
        try:
            return self.emitter.access.require_classify(self.emitter.principal, key[0], self.ids[key])
        except AccessDenied as denied:
            refused = AccessDenied(
                f"{tag.where}: the tag names the classification {name}, and principal "
                f"{self.emitter.principal.name!r} may not classify {key[0].name} {key[1]!r}; nothing of this "
                "event was recorded (send it without the tag, or from a principal that may classify)",
                principal=denied.principal,
                action=denied.action,
                decision=denied.decision,
                resource_id=denied.resource_id,
                resource_type=denied.resource_type,
                operation="classify",
            )
            refused.details["field"] = tag.where
            raise refused from None

    # -- audit ------------------------------------------------------------------------------------

    async def audit(self) -> None:
        """The event's write, one record per entity type it touched (listing the entities, GROUP_LIMIT
        a record), then the classifications its tags made. Appended last: the audit head is the last
        lock every write takes, one lock order for all."""
        by_type: dict[EntityType, list[str]] = defaultdict(list)
        for key in sorted(self.ids, key=lambda k: (k[0].value, k[1])):
            by_type[key[0]].append(self.ids[key])
        writes = []
        for entity_type, ids in by_type.items():
            decision = self.emitter.writes[entity_type]
            for start in range(0, len(ids), GROUP_LIMIT):
                chunk = ids[start : start + GROUP_LIMIT]
                record = audit_record(
                    self.emitter.principal, "write", decision, chunk[0] if len(chunk) == 1 else None,
                    entity_type.label, operation=f"OpenLineage {self.emitter.kind}", entities=len(chunk),
                )
                if len(chunk) > 1:
                    record = replace(record, resource_ids=tuple(chunk))
                writes.append(record)
        await self.emitter.log.append(self.tx, writes + self.audit_records)

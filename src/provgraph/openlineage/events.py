"""The OpenLineage wire model (the spec's JSON events and facets, pydantic) and its mapping to the domain
reports services/openlineage.py records (RunReport, JobReport, DatasetEventReport). Protocol-neutral:
the HTTP route (api/openlineage.py) and `provgraph ingest openlineage` (cli/ingest.py) both parse with
`parse_event`, so an event means the same whichever way it arrives.

**Naming.** OpenLineage names a dataset by (namespace, name); provgraph by one qualifiedName:

    qualifiedName = namespace.rstrip("/") + "/" + name.lstrip("/")      (both stripped of whitespace)

    (postgres://db:5432, shop.public.orders)  ->  postgres://db:5432/shop.public.orders
    (s3://lake, /raw/events)                  ->  s3://lake/raw/events
    (bigquery, proj.ds.table)                 ->  bigquery/proj.ds.table

A job is a Pipeline named the same way from its (namespace, name); a run is a PipelineRun whose
qualifiedName is its runId (lower-case UUID); a schema field is a Feature `{dataset qualifiedName}#{field}`
(nested fields dotted: `address.city`). Case is kept: names are case-sensitive in most stores.

**What is accepted.** One event, as a JSON object (over HTTP optionally gzip-encoded, as the client's
`compression: gzip` sends it), at most 5 MiB: a RunEvent, a JobEvent (a job's declared inputs and
outputs, no run) or a DatasetEvent (one dataset's facets). The kind is the one its `schemaURL` names
(`.../OpenLineage.json#/$defs/JobEvent`), or else the one its shape says: `run` makes a RunEvent,
`dataset` a DatasetEvent, `job` alone a JobEvent. A JobEvent with a `run`, or a DatasetEvent with a
`job`, `run`, `inputs` or `outputs`, is refused rather than half-read. Each event lists at most
1,000 inputs and 1,000 outputs. Facets must be JSON objects; `schema`, `columnLineage`, `dataSource`,
`documentation`, `ownership`, `symlinks` and `tags` are checked against the spec's shapes (and sizes),
other facets are kept as given.

**Facets that change the entity**, besides being kept in its `properties.facets`: on a dataset (any
event kind) `schema` makes Features, `columnLineage` DERIVES edges, `documentation` the description,
`ownership` the owners (names as given, e.g. `team:data`), `symlinks` its aliases (other names of the
same dataset, found by `search` and `entityByName`) and `tags` classifications: a tag whose key names a
defined classification (`{"key": "pii", "value": "true"}`; value `false` says it is not), or whose key
is `classification` and value names one (`{"key": "classification", "value": "PII"}`), classifies the
dataset, or with `field` that field's Feature. Other tags stay plain tags in the facet. On a job,
`documentation` and `ownership` likewise describe and own the Pipeline, and `tags` classify it; a
run's `tags` classify its PipelineRun (job and run tags take no `field`).
Bad input is BAD_INPUT (or LIMIT_EXCEEDED) naming the field, and nothing of the event is read further.
"""


from __future__ import annotations

import json
import uuid
from datetime import datetime
from enum import Enum
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ..domain.classifications import check_classification_name
from ..domain.entities import MAX_DESCRIPTION, MAX_NAME, MAX_OWNERS, MAX_QUALIFIED_NAME
from ..domain.errors import BadInput, LimitExceeded
from ..domain.run_reports import (
    MAX_ALIASES,
    MAX_EVENT_DATASETS,
    MAX_TAGS,
    DatasetEventReport,
    DatasetEventResult,
    DatasetReport,
    FieldDerivation,
    FieldReport,
    JobReport,
    JobReportResult,
    LineageReport,
    RunPhase,
    RunReport,
    RunReportResult,
    TagReport,
)
from ..domain.validation import parse

MAX_EVENT_BYTES = 5 * 1024 * 1024

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OwnerName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
Facets = dict[str, dict[str, Any]]
EVENT_KINDS = ("RunEvent", "JobEvent", "DatasetEvent")


# -- the wire model (OpenLineage spec 2-0-2 and its facets) --------------------------------------------


class _Wire(BaseModel):
    # Unknown keys are allowed: the spec grows, and custom keys are legal in every object.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class _StrictWire(_Wire):
    """Facet shapes: a string must be a string, a list a list (no coercion)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, strict=True)


class EventType(str, Enum):
    START = "START"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    ABORT = "ABORT"
    FAIL = "FAIL"
    OTHER = "OTHER"


class Run(_Wire):
    run_id: str = Field(alias="runId")
    facets: Facets | None = None

    @field_validator("run_id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            raise ValueError(f"{value!r} is not a UUID") from None


class Job(_Wire):
    namespace: NonBlank
    name: NonBlank
    facets: Facets | None = None


class Dataset(_Wire):
    namespace: NonBlank
    name: NonBlank
    facets: Facets | None = None


class InputDataset(Dataset):
    input_facets: Facets | None = Field(default=None, alias="inputFacets")


class OutputDataset(Dataset):
    output_facets: Facets | None = Field(default=None, alias="outputFacets")


class _Event(_Wire):
    event_time: str = Field(alias="eventTime")
    producer: str | None = None
    schema_url: str | None = Field(default=None, alias="schemaURL")

    @field_validator("event_time")
    @classmethod
    def _date_time(cls, value: str) -> str:
        try:
            datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date-time") from None
        if "t" not in value.lower():
            raise ValueError(f"{value!r} has no time of day")
        return value.strip()

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.event_time)


class RunEvent(_Event):
    event_type: EventType | None = Field(default=None, alias="eventType")  # optional in the spec: OTHER
    run: Run
    job: Job
    inputs: list[InputDataset] | None = Field(default=None, max_length=MAX_EVENT_DATASETS)
    outputs: list[OutputDataset] | None = Field(default=None, max_length=MAX_EVENT_DATASETS)


class JobEvent(_Event):
    job: Job
    inputs: list[InputDataset] | None = Field(default=None, max_length=MAX_EVENT_DATASETS)
    outputs: list[OutputDataset] | None = Field(default=None, max_length=MAX_EVENT_DATASETS)


class DatasetEvent(_Event):
    dataset: Dataset


class SchemaField(_StrictWire):
    name: NonBlank
    type: str | None = None
    description: str | None = None
    ordinal_position: int | None = None
    fields: list["SchemaField"] | None = None


class SchemaFacet(_StrictWire):
    fields: list[SchemaField] | None = None


class Transformation(_StrictWire):
    type: str
    subtype: str | None = None
    description: str | None = None
    masking: bool | None = None


class InputField(_StrictWire):
    namespace: NonBlank
    name: NonBlank
    field: NonBlank
    transformations: list[Transformation] | None = None


class ColumnLineageField(_StrictWire):
    input_fields: list[InputField] = Field(alias="inputFields")
    transformation_description: str | None = Field(default=None, alias="transformationDescription")
    transformation_type: str | None = Field(default=None, alias="transformationType")  # 1-0-x: IDENTITY|MASKED


class ColumnLineageFacet(_StrictWire):
    fields: dict[str, ColumnLineageField]
    dataset: list[InputField] | None = None  # whole-dataset (indirect) lineage: kept in the facet only


class DataSourceFacet(_StrictWire):
    name: str | None = None
    uri: str | None = None


class DocumentationFacet(_StrictWire):
    description: str = Field(max_length=MAX_DESCRIPTION)
    content_type: str | None = Field(default=None, alias="contentType")


class Owner(_StrictWire):
    name: OwnerName
    type: str | None = None


class OwnershipFacet(_StrictWire):
    owners: list[Owner] | None = Field(default=None, max_length=MAX_OWNERS)


class SymlinkIdentifier(_StrictWire):
    namespace: NonBlank
    name: NonBlank
    type: str


class SymlinksFacet(_StrictWire):
    identifiers: list[SymlinkIdentifier] | None = Field(default=None, max_length=MAX_ALIASES)


class Tag(_StrictWire):
    key: NonBlank
    value: str
    source: str | None = None
    field: str | None = None


class TagsFacet(_StrictWire):
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS)


# -- wire -> domain ------------------------------------------------------------------------------------


def qualified_name(namespace: str, name: str) -> str:
    """The one qualifiedName for an OpenLineage (namespace, name); see the module docstring."""
    return namespace.strip().rstrip("/") + "/" + name.strip().lstrip("/")


def parse_event(body: bytes | str, loads: Callable[[bytes | str], Any] = json.loads) -> LineageReport:
    """One event as JSON text -> its report, or BAD_INPUT naming the offending field. `loads` decodes
    the text (the HTTP route passes one that lets the event loop run during a large body)."""
    try:
        data = loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting too deep to decode
        raise BadInput(f"body: invalid JSON: {exc}", field="body") from None
    if not isinstance(data, dict):
        raise BadInput(f"body: expected one OpenLineage event as a JSON object, got a JSON {type(data).__name__}", field="body")
    kind = event_kind(data)
    if kind == "RunEvent":
        return to_run_report(parse(RunEvent, data, ""))
    if kind == "JobEvent":
        return to_job_report(parse(JobEvent, data, ""))
    return to_dataset_event_report(parse(DatasetEvent, data, ""))


def event_kind(data: dict[str, Any]) -> str:
    """RunEvent, JobEvent or DatasetEvent: the kind `schemaURL` names, or else the event's shape says.
    Keys that belong to another kind are refused: reading only part of an event would lose the rest."""
    url = data.get("schemaURL")
    named = url.rsplit("/", 1)[-1] if isinstance(url, str) and "#" in url else None
    kind = named if named in EVENT_KINDS else "RunEvent" if "run" in data else "DatasetEvent" if "dataset" in data else "JobEvent"
    required, foreign = {
        "RunEvent": ("run", ("dataset",)),
        "JobEvent": ("job", ("run", "dataset")),
        "DatasetEvent": ("dataset", ("run", "job", "inputs", "outputs")),
    }[kind]
    for key in foreign:
        if key in data:
            raise BadInput(f"{key}: a {kind} has no {key} (send it in a {_kind_with(key)})", field=key)
    if required not in data:
        raise BadInput(f"{required}: is required in a {kind}", field=required)
    return kind


def _kind_with(key: str) -> str:
    return {"run": "RunEvent", "dataset": "DatasetEvent", "job": "RunEvent or JobEvent"}.get(key, "RunEvent or JobEvent")


def to_run_report(event: RunEvent) -> RunReport:
    job_qn = _checked_name(event.job.namespace, event.job.name, "job")
    inputs, outputs, referenced = _datasets(event.inputs or [], event.outputs or [])
    return RunReport(
        run_id=event.run.run_id,
        phase=RunPhase(event.event_type.value) if event.event_type else RunPhase.OTHER,
        event_time=event.moment,
        job_qualified_name=job_qn,
        job_name=event.job.name,
        job_namespace=event.job.namespace,
        job_facets=event.job.facets or {},
        run_facets=event.run.facets or {},
        inputs=inputs,
        outputs=outputs,
        referenced=referenced,
        job_facts=_facts(event.job.facets or {}, "job.facets", ("documentation", "ownership")),
        job_tags=_own_tags(event.job.facets or {}, "job"),
        run_tags=_own_tags(event.run.facets or {}, "run"),
    )


def to_job_report(event: JobEvent) -> JobReport:
    job_qn = _checked_name(event.job.namespace, event.job.name, "job")
    inputs, outputs, referenced = _datasets(event.inputs or [], event.outputs or [])
    return JobReport(
        event_time=event.moment,
        job_qualified_name=job_qn,
        job_name=event.job.name,
        job_namespace=event.job.namespace,
        job_facets=event.job.facets or {},
        inputs=inputs,
        outputs=outputs,
        referenced=referenced,
        job_facts=_facts(event.job.facets or {}, "job.facets", ("documentation", "ownership")),
        job_tags=_own_tags(event.job.facets or {}, "job"),
    )


def to_dataset_event_report(event: DatasetEvent) -> DatasetEventReport:
    sources: dict[str, DatasetReport] = {}
    dataset = _dataset(event.dataset, "dataset", None, sources)
    return DatasetEventReport(
        event_time=event.moment,
        dataset=dataset,
        referenced=tuple(sources[qn] for qn in sorted(sources) if qn != dataset.qualified_name),
    )


def _datasets(
    inputs: list[InputDataset], outputs: list[OutputDataset]
) -> tuple[tuple[DatasetReport, ...], tuple[DatasetReport, ...], tuple[DatasetReport, ...]]:
    """An event's inputs and outputs, and the datasets only its column lineage names."""
    sources: dict[str, DatasetReport] = {}  # datasets column lineage reads from, by qualifiedName
    ins = tuple(_dataset(d, f"inputs[{i}]", d.input_facets, sources) for i, d in enumerate(inputs))
    outs = tuple(_dataset(d, f"outputs[{i}]", d.output_facets, sources) for i, d in enumerate(outputs))
    listed = {d.qualified_name for d in ins + outs}
    return ins, outs, tuple(sources[qn] for qn in sorted(sources) if qn not in listed)


def _checked_name(namespace: str, name: str, where: str) -> str:
    qn = qualified_name(namespace, name)
    if len(qn) > MAX_QUALIFIED_NAME:
        raise BadInput(
            f"{where}.name: namespace and name make a {len(qn)}-character qualifiedName; the limit is "
            f"{MAX_QUALIFIED_NAME}",
            field=f"{where}.name",
        )
    return qn


def _dataset(
    dataset: Dataset, where: str, run_facets: Facets | None, sources: dict[str, DatasetReport]
) -> DatasetReport:
    qn = _checked_name(dataset.namespace, dataset.name, where)
    facets = dataset.facets or {}
    fields: tuple[FieldReport, ...] = ()
    derivations: tuple[FieldDerivation, ...] = ()
    if "schema" in facets:
        schema = parse(SchemaFacet, facets["schema"], f"{where}.facets.schema")
        fields = tuple(_flatten(schema.fields or [], "", f"{where}.facets.schema.fields", qn))
    if "columnLineage" in facets:
        lineage = parse(ColumnLineageFacet, facets["columnLineage"], f"{where}.facets.columnLineage")
        derivations = tuple(_derivations(lineage, qn, f"{where}.facets.columnLineage.fields", sources))
    if "dataSource" in facets:
        parse(DataSourceFacet, facets["dataSource"], f"{where}.facets.dataSource")
    facts = _facts(facets, f"{where}.facets", ("documentation", "ownership", "symlinks"), qn)
    tags = _tags(facets.get("tags"), f"{where}.facets.tags", qn)
    return DatasetReport(
        qualified_name=qn,
        name=dataset.name,
        namespace=dataset.namespace,
        where=where,
        facets=facets,
        run_facets=run_facets or {},
        fields=fields,
        derivations=derivations,
        facts=facts,
        tags=tags,
    )


def _retracted(facet: dict[str, Any]) -> bool:
    return facet.get("_deleted") is True


def _facts(facets: Facets, where: str, names: tuple[str, ...], own_name: str | None = None) -> dict[str, Any]:
    """What the documentation, ownership and symlinks facets among `facets` state (domain FACT_FACETS)."""
    facts: dict[str, Any] = {}
    if "documentation" in names and "documentation" in facets:
        facet = facets["documentation"]
        facts["documentation"] = None if _retracted(facet) else (
            parse(DocumentationFacet, facet, f"{where}.documentation").description.strip() or None
        )
    if "ownership" in names and "ownership" in facets:
        facet = facets["ownership"]
        owners = [] if _retracted(facet) else parse(OwnershipFacet, facet, f"{where}.ownership").owners or []
        facts["ownership"] = None if _retracted(facet) else tuple(sorted({o.name for o in owners}))
    if "symlinks" in names and "symlinks" in facets:
        facet = facets["symlinks"]
        if _retracted(facet):
            facts["symlinks"] = None
        else:
            identifiers = parse(SymlinksFacet, facet, f"{where}.symlinks").identifiers or []
            aliases = {
                _checked_name(i.namespace, i.name, f"{where}.symlinks.identifiers[{index}]")
                for index, i in enumerate(identifiers)
            }
            facts["symlinks"] = tuple(sorted(aliases - {own_name}))
    return facts


def _own_tags(facets: dict[str, Any], owner: str) -> tuple[TagReport, ...]:
    """A job's or a run's classification tags: they classify its Pipeline or PipelineRun, which has no
    fields, so a tag naming a `field` there is refused rather than read as about the whole."""
    tags = _tags(facets.get("tags"), f"{owner}.facets.tags", None)
    for tag in tags:
        if tag.field is not None:
            raise BadInput(f"{tag.where}.field: a {owner}'s tags have no field ({tag.field!r}); only a dataset's do",
                           field=f"{tag.where}.field")
    return tags


def _tags(facet: dict[str, Any] | None, where: str, dataset_qn: str | None) -> tuple[TagReport, ...]:
    """The tags that may name a classification: key `pii` (value anything but `false`), or key
    `classification` with value `PII`; upper-cased, on the dataset or, with `field`, that field."""
    if facet is None or _retracted(facet):
        return ()
    found = []
    for index, tag in enumerate(parse(TagsFacet, facet, where).tags or []):
        tag_where = f"{where}.tags[{index}]"
        named = tag.value if tag.key.lower() == "classification" else tag.key
        if tag.key.lower() != "classification" and tag.value.strip().lower() == "false":
            continue
        name = named.strip().upper()
        try:
            check_classification_name(name)
        except BadInput:
            continue  # cannot name a classification: a plain tag
        column = (tag.field or "").strip() or None
        if column is not None and dataset_qn is not None:
            _check_field(dataset_qn, column, f"{tag_where}.field")
        found.append(TagReport(classification=name, field=column, where=tag_where))
    return tuple(found)


def _flatten(fields: list[SchemaField], prefix: str, where: str, dataset_qn: str) -> list[FieldReport]:
    flat: list[FieldReport] = []
    for index, f in enumerate(fields):
        name = prefix + f.name
        _check_field(dataset_qn, name, f"{where}[{index}].name")
        flat.append(FieldReport(name=name, data_type=f.type, description=f.description or None, ordinal_position=f.ordinal_position))
        flat.extend(_flatten(f.fields or [], name + ".", f"{where}[{index}].fields", dataset_qn))
    return flat


def _check_field(dataset_qn: str, field: str, where: str) -> None:
    if len(dataset_qn) + 1 + len(field) > MAX_QUALIFIED_NAME:
        raise BadInput(
            f"{where}: the feature {dataset_qn}#{field[:40]}... would have a qualifiedName over "
            f"{MAX_QUALIFIED_NAME} characters",
            field=where,
        )


def _derivations(
    facet: ColumnLineageFacet, target_qn: str, where: str, sources: dict[str, DatasetReport]
) -> list[FieldDerivation]:
    derivations = []
    for target, spec in sorted(facet.fields.items()):
        target = target.strip()
        if not target:
            raise BadInput(f"{where}: an output field name must not be empty", field=where)
        _check_field(target_qn, target, f"{where}.{target}")
        for index, source in enumerate(spec.input_fields):
            source_where = f"{where}.{target}.inputFields[{index}]"
            source_qn = _checked_name(source.namespace, source.name, source_where)
            sources.setdefault(
                source_qn,
                DatasetReport(qualified_name=source_qn, name=source.name, namespace=source.namespace, where=source_where),
            )
            _check_field(source_qn, source.field, f"{where}.{target}.inputFields[{index}].field")
            transformations = source.transformations or []
            if transformations:
                main = next((t for t in transformations if t.type.upper() == "DIRECT"), transformations[0])
                kind, subtype, description = main.type, main.subtype, main.description
                masking = any(t.masking for t in transformations)
            else:  # the 1-0-x shape: one transformation for the whole output field
                kind, subtype, description = spec.transformation_type, None, spec.transformation_description
                masking = (spec.transformation_type or "").upper() == "MASKED"
            derivations.append(
                FieldDerivation(
                    source_dataset=source_qn,
                    source_field=source.field,
                    target_field=target,
                    transformation_type=kind,
                    transformation_subtype=subtype,
                    transformation_description=description,
                    masking=masking,
                    transformations=tuple(t.model_dump(exclude_none=True) for t in transformations),
                )
            )
    return derivations

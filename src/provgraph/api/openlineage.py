"""OpenLineage at the edge: `POST /api/v1/lineage` (the path Marquez uses, so the stock `openlineage-python`
HTTP transport works unchanged), the wire model of the spec's JSON, and its mapping to a domain RunReport.

The wire model stays here (Marquez style, docs/ARCHITECTURE.md §8); services/openlineage.py only sees RunReports.

**Naming.** OpenLineage names a dataset by (namespace, name); provgraph by one qualifiedName:

    qualifiedName = namespace.rstrip("/") + "/" + name.lstrip("/")      (both stripped of whitespace)

    (postgres://db:5432, shop.public.orders)  ->  postgres://db:5432/shop.public.orders
    (s3://lake, /raw/events)                  ->  s3://lake/raw/events
    (bigquery, proj.ds.table)                 ->  bigquery/proj.ds.table

A job is a Pipeline named the same way from its (namespace, name); a run is a PipelineRun whose
qualifiedName is its runId (lower-case UUID); a schema field is a Feature `{dataset qualifiedName}#{field}`
(nested fields dotted: `address.city`). Case is kept: names are case-sensitive in most stores.

**What is accepted.** One RunEvent per request, as a JSON object (optionally gzip-encoded, as the
client's `compression: gzip` sends it), at most 5 MiB. Facets must be JSON objects; `schema`,
`columnLineage` and `dataSource` are checked against the spec's shapes, other facets are kept as given.
Errors are `{"errors": [{"message", "extensions": {"code", "field"}}]}` with 400 (BAD_INPUT), 401, 403,
413 (LIMIT_EXCEEDED) or 503; success is 201 with a short summary of what the event touched.
"""

from __future__ import annotations

import json
import uuid
import zlib
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..domain.entities import MAX_QUALIFIED_NAME
from ..domain.errors import BadInput, LimitExceeded, ProvgraphError
from ..domain.run_reports import (
    DatasetReport,
    FieldDerivation,
    FieldReport,
    RunPhase,
    RunReport,
    RunReportResult,
)
from ..domain.validation import parse
from .auth import error_body

MAX_EVENT_BYTES = 5 * 1024 * 1024

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Facets = dict[str, dict[str, Any]]


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


class RunEvent(_Wire):
    event_time: str = Field(alias="eventTime")
    event_type: EventType | None = Field(default=None, alias="eventType")  # optional in the spec: OTHER
    producer: str | None = None
    schema_url: str | None = Field(default=None, alias="schemaURL")
    run: Run
    job: Job
    inputs: list[InputDataset] | None = None
    outputs: list[OutputDataset] | None = None

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


# -- wire -> domain ------------------------------------------------------------------------------------


def qualified_name(namespace: str, name: str) -> str:
    """The one qualifiedName for an OpenLineage (namespace, name); see the module docstring."""
    return namespace.strip().rstrip("/") + "/" + name.strip().lstrip("/")


def parse_run_event(body: bytes | str) -> RunReport:
    """One RunEvent as JSON text -> a RunReport, or BAD_INPUT naming the offending field."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BadInput(f"body: invalid JSON: {exc}", field="body") from None
    if not isinstance(data, dict):
        raise BadInput(f"body: expected one RunEvent as a JSON object, got a JSON {type(data).__name__}", field="body")
    if "run" not in data:
        raise BadInput(
            "run: is required (provgraph records RunEvents; a DatasetEvent or JobEvent is not accepted)", field="run"
        )
    return to_run_report(parse(RunEvent, data, ""))


def to_run_report(event: RunEvent) -> RunReport:
    job_qn = _checked_name(event.job.namespace, event.job.name, "job")
    sources: dict[str, DatasetReport] = {}  # datasets column lineage reads from, by qualifiedName
    inputs = tuple(_dataset(d, f"inputs[{i}]", d.input_facets, sources) for i, d in enumerate(event.inputs or []))
    outputs = tuple(_dataset(d, f"outputs[{i}]", d.output_facets, sources) for i, d in enumerate(event.outputs or []))
    listed = {d.qualified_name for d in inputs + outputs}
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
        referenced=tuple(sources[qn] for qn in sorted(sources) if qn not in listed),
    )


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
    return DatasetReport(
        qualified_name=qn,
        name=dataset.name,
        namespace=dataset.namespace,
        where=where,
        facets=facets,
        run_facets=run_facets or {},
        fields=fields,
        derivations=derivations,
    )


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


# -- the route -----------------------------------------------------------------------------------------


async def read_body(request: Request, limit: int = MAX_EVENT_BYTES) -> bytes:
    """The request body, refused past `limit` bytes while it streams in (a missing or false
    Content-Length does not get around it), gunzipped under the same limit when gzip-encoded."""
    too_big = LimitExceeded(f"body: an OpenLineage event may be at most {limit} bytes", field="body", limit=limit)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise BadInput(f"Content-Encoding: {encoding!r} is not supported (use gzip or none)", field="Content-Encoding")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        inflated = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadInput(f"body: invalid gzip data: {exc}", field="body") from None
    if len(inflated) > limit or inflater.unconsumed_tail:
        raise too_big
    return inflated


def summary(result: RunReportResult) -> dict[str, Any]:
    return {
        "pipeline": {"id": result.pipeline_id, "qualifiedName": result.pipeline_qualified_name},
        "run": {"id": result.run_id, "qualifiedName": result.run_qualified_name, "state": result.state},
        "inputs": list(result.inputs),
        "outputs": list(result.outputs),
        "features": result.features,
        "columnLineageEdges": result.column_lineage_edges,
    }


async def post_lineage(request: Request) -> Response:
    """Records one OpenLineage RunEvent; 201 with a summary, or a JSON error (module docstring)."""
    try:
        report = parse_run_event(await read_body(request))
        services = request.app.state.services
        result = await services.openlineage.record_run_event(request.state.principal, report)
    except ProvgraphError as error:
        return Response(error_body(error), status_code=error.status, media_type="application/json")
    return JSONResponse(summary(result), status_code=201)

"""Compliance reports (docs/ARCHITECTURE.md §1, the compliance officer): the provenance of one entity, and where one
classification went (the GDPR Art. 30 record of processing).

A report is plain data in its canonical form: `canonical_json` (sorted keys, lists already sorted by
the service, no insignificant whitespace) is what the SHA-256 `digest` covers, with the digest itself
left out, so anyone holding the JSON can recompute it. Rendering (Markdown, HTML, PROV-JSON) is
presentation and lives in report_formats/.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .entities import EntityType
from .errors import BadInput

DEFAULT_WINDOW = timedelta(days=90)  # the access summary's default time window
REPORT_DEPTH = 20  # upstream and downstream hops a provenance report follows
REPORT_MAX_NODES = 2000  # the most lineage nodes a report holds (the nearest kept; `truncated` says so)
MAX_ACCESS_DENIALS = 200  # denials listed one by one (all are counted)
MAX_CLASSIFIED = 10_000  # entities a classification report lists
RESTRICTED = "restricted"  # what a report shows instead of an id the caller may not see


class ReportModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class AssignmentLine(ReportModel):
    """A classification an entity carries, and where it came from (ids the caller may not see are
    shown as `restricted`)."""

    name: str
    propagated: bool
    source_id: str
    path: list[str]
    attributes: dict[str, Any] = Field(default_factory=dict)


class Subject(ReportModel):
    id: str
    type: EntityType
    qualified_name: str
    name: str
    description: str | None = None
    owners: list[str]
    properties: dict[str, Any]
    classifications: list[AssignmentLine]
    created_at: datetime
    updated_at: datetime
    deleted: bool = False


class Node(ReportModel):
    """A lineage node; a restricted one keeps only its opaque id, type and distance."""

    id: str
    type: EntityType
    distance: int
    direction: Literal["subject", "upstream", "downstream"]
    restricted: bool = False
    name: str | None = None
    qualified_name: str | None = None


class Edge(ReportModel):
    source: str
    target: str
    type: str


class Lineage(ReportModel):
    depth: int
    max_nodes: int
    truncated: bool
    restricted_count: int
    nodes: list[Node]
    edges: list[Edge]


class SourceData(ReportModel):
    """A dataset or dataset version upstream of the subject."""

    id: str
    type: EntityType
    name: str
    qualified_name: str
    distance: int
    location: str
    version: str | None = None
    content_hash: str | None = None
    container: str | None = None
    owners: list[str]
    classifications: list[AssignmentLine]


class Process(ReportModel):
    """A Run or PipelineRun on the way from the sources to the subject."""

    id: str
    type: EntityType
    name: str
    qualified_name: str
    distance: int
    container: str | None = None
    status: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    code_version: str | None = None
    environment: dict[str, Any] = Field(default_factory=dict)
    parameters: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    owners: list[str]
    inputs: list[str]
    outputs: list[str]


class DeploymentLine(ReportModel):
    id: str
    name: str
    qualified_name: str
    distance: int
    environment: str | None = None
    endpoint: str | None = None
    traffic_share: float | None = None
    status: str | None = None
    serves_version: str | None = None
    owners: list[str]


class AccessCount(ReportModel):
    """Events of one kind on one entity in the window: who, what, the decision, how often, when."""

    resource_id: str
    resource_type: str | None = None
    principal: str
    action: str
    decision: str
    count: int
    first: datetime
    last: datetime


class Denial(ReportModel):
    seq: int
    time: datetime
    principal: str
    action: str
    resource_id: str | None = None
    resource_type: str | None = None
    rule: str


class AccessSummary(ReportModel):
    """Who read or changed the subject and its restricted upstream entities, and every denial on them.
    `included` is false (with the reason in `note`) when the caller may not read the audit log."""

    since: datetime
    until: datetime
    included: bool
    note: str | None = None
    entity_ids: list[str] = Field(default_factory=list)
    counts: list[AccessCount] = Field(default_factory=list)
    denials: list[Denial] = Field(default_factory=list)
    denial_count: int = 0


class ProvenanceReport(ReportModel):
    kind: Literal["provenance"] = "provenance"
    generated_at: datetime
    generated_by: str
    subject: Subject
    lineage: Lineage
    sources: list[SourceData]
    processes: list[Process]
    deployments: list[DeploymentLine]
    access: AccessSummary
    names: dict[str, str] = Field(default_factory=dict)  # id -> name of every visible entity the report mentions
    digest: str = ""


class ClassifiedEntity(ReportModel):
    id: str
    type: EntityType
    name: str
    qualified_name: str
    owners: list[str]
    direct: bool
    sources: list[AssignmentLine]


class TypeGroup(ReportModel):
    type: EntityType
    count: int
    entities: list[ClassifiedEntity]


class ClassificationSummary(ReportModel):
    name: str
    description: str | None = None
    restricted: bool
    propagate: bool
    attributes: list[str]


class ClassificationReport(ReportModel):
    kind: Literal["classification"] = "classification"
    generated_at: datetime
    generated_by: str
    classification: ClassificationSummary
    total: int
    truncated: bool
    groups: list[TypeGroup]
    names: dict[str, str] = Field(default_factory=dict)  # id -> name of every visible entity the report mentions
    digest: str = ""


Report = ProvenanceReport | ClassificationReport


def report_content(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (camelCase), the digest included."""
    return report.model_dump(mode="json", by_alias=True)


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_digest(content: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the content without its `digest` field."""
    body = {k: v for k, v in content.items() if k != "digest"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def sealed(report: Report) -> Report:
    """The report with its digest set."""
    return report.model_copy(update={"digest": content_digest(report_content(report))})


def check_window(since: datetime | None, until: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """The access window: `until` defaults to now, `since` to DEFAULT_WINDOW before `until`."""
    until = until or now
    since = since or until - DEFAULT_WINDOW
    if since > until:
        raise BadInput(
            f"since: {since.isoformat()} is after until ({until.isoformat()}); the window must run forwards",
            field="since",
        )
    return since, until

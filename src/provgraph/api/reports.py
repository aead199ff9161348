"""GraphQL for compliance reports: `provenance` and `classificationReport`, over services/reports.py.

Typed fields for clients that pick parts, plus `json` (the canonical report, exactly what the HTTP
download serves as format=json) and `digest` (its SHA-256, over the canonical JSON without `digest`).
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from ..domain import reports as domain
from .context import Info
from .entities import EntityType


@strawberry.type(description="A classification an entity carries; ids the reader may not see read `restricted`.")
class ReportAssignment:
    name: str
    propagated: bool
    source_id: str
    path: list[str]
    attributes: JSON

    @classmethod
    def of(cls, a: domain.AssignmentLine) -> "ReportAssignment":
        return cls(name=a.name, propagated=a.propagated, source_id=a.source_id, path=list(a.path), attributes=a.attributes)


@strawberry.type(description="The entity a provenance report is about.")
class ReportSubject:
    id: strawberry.ID
    type: EntityType
    qualified_name: str
    name: str
    description: str | None
    owners: list[str]
    properties: JSON
    classifications: list[ReportAssignment]


@strawberry.type(description="A lineage node of a report; a restricted one has only an opaque id, type and distance.")
class ReportNode:
    id: strawberry.ID
    type: EntityType
    distance: int
    direction: str = strawberry.field(description="subject, upstream or downstream.")
    restricted: bool
    name: str | None
    qualified_name: str | None


@strawberry.type(description="A lineage edge of a report, in data-flow direction.")
class ReportEdge:
    source: strawberry.ID
    target: strawberry.ID
    type: str


@strawberry.type(description="The subject's upstream lineage and downstream deployments.")
class ReportLineage:
    depth: int
    max_nodes: int
    truncated: bool
    restricted_count: int
    nodes: list[ReportNode]
    edges: list[ReportEdge]


@strawberry.type(description="A dataset, version, model or artifact upstream of the subject.")
class ReportSource:
    id: strawberry.ID
    type: EntityType
    name: str
    qualified_name: str
    distance: int
    location: str
    version: str | None
    content_hash: str | None
    container: str | None
    owners: list[str]
    classifications: list[ReportAssignment]


@strawberry.type(description="A Run or PipelineRun on the way to the subject.")
class ReportProcess:
    id: strawberry.ID
    type: EntityType
    name: str
    qualified_name: str
    distance: int
    container: str | None
    status: str | None
    started_at: str | None
    ended_at: str | None
    code_version: str | None
    environment: JSON
    parameters: JSON
    metrics: JSON
    owners: list[str]
    inputs: list[strawberry.ID]
    outputs: list[strawberry.ID]


@strawberry.type(description="A deployment downstream of the subject.")
class ReportDeployment:
    id: strawberry.ID
    name: str
    qualified_name: str
    distance: int
    environment: str | None
    endpoint: str | None
    traffic_share: float | None
    status: str | None
    serves_version: str | None
    owners: list[str]


@strawberry.type(description="Audit events of one kind on one entity within the window.")
class ReportAccessCount:
    resource_id: strawberry.ID
    resource_type: str | None
    principal: str
    action: str
    decision: str
    count: int
    first: datetime
    last: datetime


@strawberry.type(description="One denial recorded on the subject or a restricted upstream entity.")
class ReportDenial:
    seq: int
    time: datetime
    principal: str
    action: str
    resource_id: str | None
    resource_type: str | None
    rule: str


@strawberry.type(description="Who read or changed the subject and its restricted upstream entities, and the denials. "
                 "`included` is false when the reader may not read the audit log.")
class ReportAccessSummary:
    since: datetime
    until: datetime
    included: bool
    note: str | None
    entity_ids: list[strawberry.ID]
    counts: list[ReportAccessCount]
    denials: list[ReportDenial]
    denial_count: int


@strawberry.type(description="Everything an entity was built from, how, where it is deployed and who looked at it.")
class ProvenanceReport:
    generated_at: datetime
    generated_by: str
    subject: ReportSubject
    lineage: ReportLineage
    sources: list[ReportSource]
    processes: list[ReportProcess]
    deployments: list[ReportDeployment]
    access: ReportAccessSummary
    digest: str = strawberry.field(description="SHA-256 of the canonical JSON without `digest`.")
    json: JSON = strawberry.field(description="The canonical report (what format=json downloads).")

    @classmethod
    def of(cls, r: domain.ProvenanceReport) -> "ProvenanceReport":
        s, lin, a = r.subject, r.lineage, r.access
        return cls(
            generated_at=r.generated_at,
            generated_by=r.generated_by,
            subject=ReportSubject(
                id=strawberry.ID(s.id), type=s.type, qualified_name=s.qualified_name, name=s.name,
                description=s.description, owners=s.owners, properties=s.properties,
                classifications=[ReportAssignment.of(x) for x in s.classifications],
            ),
            lineage=ReportLineage(
                depth=lin.depth, max_nodes=lin.max_nodes, truncated=lin.truncated, restricted_count=lin.restricted_count,
                nodes=[ReportNode(id=strawberry.ID(n.id), type=n.type, distance=n.distance, direction=n.direction,
                                  restricted=n.restricted, name=n.name, qualified_name=n.qualified_name) for n in lin.nodes],
                edges=[ReportEdge(source=strawberry.ID(e.source), target=strawberry.ID(e.target), type=e.type) for e in lin.edges],
            ),
            sources=[
                ReportSource(
                    id=strawberry.ID(d.id), type=d.type, name=d.name, qualified_name=d.qualified_name, distance=d.distance,
                    location=d.location, version=d.version, content_hash=d.content_hash, container=d.container,
                    owners=d.owners, classifications=[ReportAssignment.of(x) for x in d.classifications],
                )
                for d in r.sources
            ],
            processes=[
                ReportProcess(
                    id=strawberry.ID(p.id), type=p.type, name=p.name, qualified_name=p.qualified_name, distance=p.distance,
                    container=p.container, status=p.status, started_at=p.started_at, ended_at=p.ended_at,
                    code_version=p.code_version, environment=p.environment, parameters=p.parameters, metrics=p.metrics,
                    owners=p.owners, inputs=[strawberry.ID(i) for i in p.inputs], outputs=[strawberry.ID(i) for i in p.outputs],
                )
                for p in r.processes
            ],
            deployments=[
                ReportDeployment(
                    id=strawberry.ID(d.id), name=d.name, qualified_name=d.qualified_name, distance=d.distance,
                    environment=d.environment, endpoint=d.endpoint, traffic_share=d.traffic_share, status=d.status,
                    serves_version=d.serves_version, owners=d.owners,
                )
                for d in r.deployments
            ],
            access=ReportAccessSummary(
                since=a.since, until=a.until, included=a.included, note=a.note,
                entity_ids=[strawberry.ID(i) for i in a.entity_ids],
                counts=[
                    ReportAccessCount(resource_id=strawberry.ID(c.resource_id), resource_type=c.resource_type,
                                      principal=c.principal, action=c.action, decision=c.decision, count=c.count,
                                      first=c.first, last=c.last)
                    for c in a.counts
                ],
                denials=[
                    ReportDenial(seq=d.seq, time=d.time, principal=d.principal, action=d.action,
                                 resource_id=d.resource_id, resource_type=d.resource_type, rule=d.rule)
                    for d in a.denials
                ],
                denial_count=a.denial_count,
            ),
            digest=r.digest,
            json=domain.report_content(r),
        )


@strawberry.type(description="An entity carrying the classification, with each source it got it from.")
class ClassifiedEntity:
    id: strawberry.ID
    type: EntityType
    name: str
    qualified_name: str
    owners: list[str]
    direct: bool
    sources: list[ReportAssignment]


@strawberry.type(description="The entities of one type carrying the classification.")
class ClassificationReportGroup:
    type: EntityType
    count: int
    entities: list[ClassifiedEntity]


@strawberry.type(description="Where a classification went: every visible entity carrying it, directly or by "
                 "propagation, grouped by type (the GDPR Art. 30 record of processing).")
class ClassificationReport:
    name: str
    description: str | None
    restricted: bool
    total: int
    truncated: bool
    generated_at: datetime
    generated_by: str
    groups: list[ClassificationReportGroup]
    digest: str
    json: JSON

    @classmethod
    def of(cls, r: domain.ClassificationReport) -> "ClassificationReport":
        return cls(
            name=r.classification.name,
            description=r.classification.description,
            restricted=r.classification.restricted,
            total=r.total,
            truncated=r.truncated,
            generated_at=r.generated_at,
            generated_by=r.generated_by,
            groups=[
                ClassificationReportGroup(
                    type=g.type,
                    count=g.count,
                    entities=[
                        ClassifiedEntity(id=strawberry.ID(e.id), type=e.type, name=e.name, qualified_name=e.qualified_name,
                                         owners=e.owners, direct=e.direct, sources=[ReportAssignment.of(x) for x in e.sources])
                        for e in g.entities
                    ],
                )
                for g in r.groups
            ],
            digest=r.digest,
            json=domain.report_content(r),
        )


@strawberry.type
class ReportQuery:
    @strawberry.field(
        description="The provenance report of an entity: subject, upstream lineage (20 hops, 2,000 nodes), source "
        "data, processes, deployments and an access summary for [since, until] (default: the last 90 days). "
        "Restricted upstream entities appear only as placeholders unless the reader may see them."
    )
    async def provenance(
        self, info: Info, id: strawberry.ID, since: datetime | None = None, until: datetime | None = None
    ) -> ProvenanceReport:
        ctx = info.context
        return ProvenanceReport.of(await ctx.services.reports.provenance(ctx.principal, str(id), since, until))

    @strawberry.field(description="Every entity the reader may see that carries the classification `name`, grouped by type.")
    async def classification_report(self, info: Info, name: str) -> ClassificationReport:
        ctx = info.context
        return ClassificationReport.of(await ctx.services.reports.classification_report(ctx.principal, name))

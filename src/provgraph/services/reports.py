"""Compliance reports (issue 6): the provenance of one entity, and where one classification went.

A report is assembled from the same answers every other query gives, so it obeys the same access
rules: lineage comes from LineageService (hidden entities stay in the graph only as restricted-N
placeholders with their type and distance), full entities from its `entities` (visible ones only), and
any id a visible entity's classification path mentions that the caller may not see is shown as
`restricted`. The access summary reads the audit log, so it is included only for principals who may
read the audit log (admin, governance-reviewer); others get the section with `included: false`.

Generating a report is itself audited (action `report`), with the report's digest, so a filed report
can be matched to the moment and principal that produced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..domain.classifications import ClassificationAssignment, check_classification_name
from ..domain.entities import PROCESS_TYPES, Entity, EntityType, check_id
from ..domain.errors import NotFound
from ..domain.lineage import LineageDirection, LineageGraph
from ..domain.principals import Principal
from ..domain.reports import (
    MAX_ACCESS_DENIALS,
    MAX_CLASSIFIED,
    REPORT_DEPTH,
    REPORT_MAX_NODES,
    RESTRICTED,
    AccessCount,
    AccessSummary,
    AssignmentLine,
    ClassificationReport,
    ClassificationSummary,
    ClassifiedEntity,
    DeploymentLine,
    Denial,
    Edge,
    Lineage,
    Node,
    Process,
    ProvenanceReport,
    SourceData,
    Subject,
    TypeGroup,
    check_window,
    sealed,
)
from ..domain.runs import Run
from ..domain.deployments import Deployment
from ..governance.access import READ, AccessControl, Decision, ReadScope
from ..governance.audit import AuditLog, audit_record
from ..store import classifications as classification_store
from ..store import deployments as deployment_store
from ..store import entities as entity_store
from ..store import metrics as metric_store
from ..store import reports as report_store
from ..store import runs as run_store
from ..store.database import Database, Tx
from .lineage import LineageService, as_utc
from .references import not_found
from .audit import audits_denials

REPORT = "report"
SOURCE_TYPES = frozenset(
    {EntityType.DATASET, EntityType.DATASET_VERSION, EntityType.ARTIFACT, EntityType.MODEL, EntityType.MODEL_VERSION}
)
_HASH_KEYS = ("contentHash", "sha256", "hash", "digest", "checksum", "md5")
_LOCATION_KEYS = ("uri", "location", "path", "url")
MAX_ACCESS_ROWS = 5_000


@audits_denials
class ReportService:
    def __init__(self, db: Database, access: AccessControl, lineage: LineageService, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._lineage = lineage
        self._log = log

    # -- provenance -------------------------------------------------------------------------------

    async def provenance(
        self,
        principal: Principal,
        entity_id: str,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> ProvenanceReport:
        """Everything the subject was made from, how, where it is deployed, and who looked at it."""
        check_id(entity_id)
        now = datetime.now(UTC)
        since, until = check_window(as_utc(since), as_utc(until), now)
        # NOT_FOUND for a missing or hidden subject comes from here, audited like any lineage read.
        up = await self._lineage.lineage(principal, entity_id, LineageDirection.UPSTREAM, REPORT_DEPTH, REPORT_MAX_NODES)
        down = await self._lineage.lineage(
            principal, entity_id, LineageDirection.DOWNSTREAM, REPORT_DEPTH, REPORT_MAX_NODES, types=[EntityType.DEPLOYMENT]
        )
        down = _renumbered(down, offset=sum(n.restricted for n in up.nodes))
        scope = await self._access.scope(principal)
        visible_ids = [n.id for n in [*up.nodes, *down.nodes] if not n.restricted]
        entities = await self._lineage.entities(principal, visible_ids)
        if entity_id not in entities:  # deleted or hidden between the two reads
            raise not_found("id", entity_id)
        audit_allowed = self._access.decide(principal, READ, "audit").allowed
        watched = sorted(
            {entity_id}
            | {e.id for e in entities.values() if scope.restricted_by({a.name for a in e.classifications})}
        )

        async def work(tx: Tx) -> _Details:
            run_ids = [i for i, e in entities.items() if e.type is EntityType.RUN]
            metrics = await metric_store.summaries(tx, run_ids, None) if run_ids else {}
            runs = await run_store.details(tx, run_ids, metrics) if run_ids else {}
            deployment_ids = [i for i, e in entities.items() if e.type is EntityType.DEPLOYMENT]
            deployments = await deployment_store.details(tx, deployment_ids) if deployment_ids else {}
            containers = await report_store.containers(tx, list(entities))
            shown, names = await self._shown_ids(tx, scope, entities.values(), containers.values())
            access = await _access_rows(tx, watched, since, until) if audit_allowed else None
            return _Details(runs, deployments, containers, shown, names, access)

        details = await self._db.read(work)
        report = sealed(
            ProvenanceReport(
                generated_at=now,
                generated_by=principal.name,
                subject=_subject(entities[entity_id], details),
                lineage=_lineage(up, down, entities),
                sources=_sources(up, entities, details),
                processes=_processes(up, entities, details),
                deployments=_deployments(down, entities, details),
                access=_access_summary(since, until, watched, details.access),
                names=dict(sorted(details.names.items())),
            )
        )
        subject = entities[entity_id]
        await self._audited(principal, subject.id, subject.type, "provenance", report.digest, since=since, until=until)
        return report

    # -- classification ---------------------------------------------------------------------------

    async def classification_report(self, principal: Principal, name: str) -> ClassificationReport:
        """Every live entity the caller may see that carries `name`, directly or by propagation, grouped
        by type, each with the sources it got it from and the paths (the GDPR Art. 30 record)."""
        check_classification_name(name)
        now = datetime.now(UTC)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> tuple[Any, list[Entity], tuple[dict[str, bool], dict[str, str]]]:
            definition = await classification_store.definition(tx, name)
            if definition is None:
                return None, [], ({}, {})
            found = await report_store.classified(tx, name, scope.cypher_params(), MAX_CLASSIFIED + 1)
            found = await classification_store.with_classifications(tx, found[: MAX_CLASSIFIED + 1])
            shown, names = await self._shown_ids(tx, scope, found, ())
            return definition[0], found, (shown, names)

        definition, found, (shown, names) = await self._db.read(work)
        if definition is None:
            raise NotFound(f"name: no classification named {name!r}", field="name")
        truncated = len(found) > MAX_CLASSIFIED
        found = found[:MAX_CLASSIFIED]
        groups: dict[EntityType, list[ClassifiedEntity]] = {}
        for entity in found:
            lines = [line for line in _assignment_lines(entity.classifications, shown) if line.name == name]
            groups.setdefault(entity.type, []).append(
                ClassifiedEntity(
                    id=entity.id,
                    type=entity.type,
                    name=entity.name,
                    qualified_name=entity.qualified_name,
                    owners=sorted(entity.owners),
                    direct=any(not line.propagated for line in lines),
                    sources=lines,
                )
            )
        report = sealed(
            ClassificationReport(
                generated_at=now,
                generated_by=principal.name,
                classification=ClassificationSummary(
                    name=definition.name,
                    description=definition.description,
                    restricted=definition.restricted,
                    propagate=definition.propagate,
                    attributes=sorted(definition.attributes),
                ),
                total=len(found),
                truncated=truncated,
                groups=[
                    TypeGroup(type=t, count=len(items), entities=sorted(items, key=lambda e: e.id))
                    for t, items in sorted(groups.items(), key=lambda kv: kv[0].value)
                ],
                names=dict(sorted(names.items())),
            )
        )
        await self._audited(principal, None, None, "classification", report.digest, classification=name, total=report.total)
        return report

    # -- shared steps ---------------------------------------------------------------------------

    @staticmethod
    async def _shown_ids(
        tx: Tx, scope: ReadScope, entities: Iterable[Entity], containers: Iterable[Any]
    ) -> tuple[dict[str, bool], dict[str, str]]:
        """Whether the caller may see each id that classification sources and paths, and containers,
        mention, and the names of the visible ones: loaded in one query for the whole report."""
        entities = list(entities)
        known = {e.id: scope.can_see(e.type, {a.name for a in e.classifications}, e.id) for e in entities}
        names = {e.id: e.name for e in entities if known[e.id]}
        for c in containers:
            known.setdefault(c.id, scope.can_see(c.type, c.classification_names, c.id))
            if known[c.id]:
                names[c.id] = c.name
        mentioned = {i for e in entities for a in e.classifications for i in (a.source_id, *a.path)} - set(known)
        if mentioned:
            found = await entity_store.get_many(tx, sorted(mentioned))
            loaded = await classification_store.with_classifications(tx, list(found.values()))
            for e in loaded:
                known[e.id] = scope.can_see(e.type, {a.name for a in e.classifications}, e.id)
                if known[e.id]:
                    names[e.id] = e.name
        return known, names

    async def _audited(
        self,
        principal: Principal,
        resource_id: str | None,
        resource_type: EntityType | None,
        kind: str,
        digest: str,
        **details: Any,
    ) -> None:
        label = resource_type.label if resource_type else None
        rule = self._access.decide(principal, READ, f"type:{label}" if label else "type:*").rule
        details = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in details.items()}
        await self._log.record(
            [audit_record(principal, REPORT, Decision(True, rule), resource_id, label, report=kind, digest=digest, **details)]
        )


# -- assembling the sections (pure) --------------------------------------------------------------------


class _Details:
    def __init__(
        self,
        runs: dict[str, Run],
        deployments: dict[str, Deployment],
        containers: dict[str, report_store.Container],
        shown: dict[str, bool],
        names: dict[str, str],
        access: tuple[list[dict[str, Any]], int, list[dict[str, Any]]] | None,
    ) -> None:
        self.runs = runs
        self.deployments = deployments
        self.containers = containers
        self.shown = shown
        self.names = names
        self.access = access

    def container_name(self, member_id: str) -> str | None:
        c = self.containers.get(member_id)
        if c is None:
            return None
        return c.name if self.shown.get(c.id) else RESTRICTED


async def _access_rows(
    tx: Tx, ids: list[str], since: datetime, until: datetime
) -> tuple[list[dict[str, Any]], int, list[dict[str, Any]]]:
    counts = await report_store.access_counts(tx, ids, since, until, MAX_ACCESS_ROWS)
    total, denials = await report_store.access_denials(tx, ids, since, until, MAX_ACCESS_DENIALS)
    return counts, total, denials


def _renumbered(graph: LineageGraph, offset: int) -> LineageGraph:
    """Downstream placeholders numbered after the upstream ones, so one report never shows two
    different hidden entities under one opaque id."""
    if not offset:
        return graph

    def shift(i: str) -> str:
        prefix = "restricted-"
        return f"{prefix}{int(i[len(prefix):]) + offset}" if i.startswith(prefix) else i

    return graph.model_copy(
        update={
            "nodes": [n.model_copy(update={"id": shift(n.id)}) for n in graph.nodes],
            "edges": [e.model_copy(update={"source": shift(e.source), "target": shift(e.target)}) for e in graph.edges],
        }
    )


def _assignment_lines(assignments: Iterable[ClassificationAssignment], shown: dict[str, bool]) -> list[AssignmentLine]:
    def mask(i: str) -> str:
        return i if shown.get(i) else RESTRICTED

    lines = [
        AssignmentLine(
            name=a.name,
            propagated=a.propagated,
            source_id=mask(a.source_id),
            path=[mask(i) for i in a.path],
            attributes=a.attributes,
        )
        for a in assignments
    ]
    return sorted(lines, key=lambda line: (line.name, line.propagated, line.source_id, line.path))


def _subject(entity: Entity, details: _Details) -> Subject:
    return Subject(
        id=entity.id,
        type=entity.type,
        qualified_name=entity.qualified_name,
        name=entity.name,
        description=entity.description,
        owners=sorted(entity.owners),
        properties=entity.properties,
        classifications=_assignment_lines(entity.classifications, details.shown),
        created_at=entity.created_at,
        updated_at=entity.updated_at,
        deleted=entity.deleted,
    )


def _lineage(up: LineageGraph, down: LineageGraph, entities: dict[str, Entity]) -> Lineage:
    nodes: dict[str, Node] = {}
    for graph, direction in ((up, "upstream"), (down, "downstream")):
        for n in graph.nodes:
            entity = entities.get(n.id) if not n.restricted else None
            nodes.setdefault(
                n.id,
                Node(
                    id=n.id,
                    type=n.type,
                    distance=n.distance,
                    direction="subject" if n.distance == 0 else direction,
                    restricted=n.restricted,
                    name=entity.name if entity else None,
                    qualified_name=entity.qualified_name if entity else None,
                ),
            )
    edges = {(e.source, e.target, e.type) for e in [*up.edges, *down.edges]}
    order = {"subject": 0, "upstream": 1, "downstream": 2}
    return Lineage(
        depth=REPORT_DEPTH,
        max_nodes=REPORT_MAX_NODES,
        truncated=up.truncated or down.truncated,
        restricted_count=sum(n.restricted for n in nodes.values()),
        nodes=sorted(nodes.values(), key=lambda n: (order[n.direction], n.distance, n.type.value, n.id)),
        edges=[Edge(source=s, target=t, type=k) for s, t, k in sorted(edges)],
    )


def _first(properties: dict[str, Any], keys: Iterable[str]) -> str | None:
    for key in keys:
        value = properties.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def _sources(up: LineageGraph, entities: dict[str, Entity], details: _Details) -> list[SourceData]:
    found = []
    for n in up.nodes:
        entity = entities.get(n.id)
        if n.distance == 0 or n.restricted or entity is None or entity.type not in SOURCE_TYPES:
            continue
        props = entity.properties
        content_hash = _first(props, _HASH_KEYS)
        if content_hash and "sha256" in props and not content_hash.startswith("sha256:") and content_hash == str(props["sha256"]):
            content_hash = f"sha256:{content_hash}"
        version = _first(props, ("version", "versionId", "snapshot"))
        if version is None and "@" in entity.qualified_name:
            version = entity.qualified_name.rsplit("@", 1)[1]
        found.append(
            SourceData(
                id=entity.id,
                type=entity.type,
                name=entity.name,
                qualified_name=entity.qualified_name,
                distance=n.distance,
                location=_first(props, _LOCATION_KEYS) or entity.qualified_name,
                version=version,
                content_hash=content_hash,
                container=details.container_name(entity.id),
                owners=sorted(entity.owners),
                classifications=_assignment_lines(entity.classifications, details.shown),
            )
        )
    return sorted(found, key=lambda s: (s.distance, s.type.value, s.id))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _processes(up: LineageGraph, entities: dict[str, Entity], details: _Details) -> list[Process]:
    found = []
    for n in up.nodes:
        entity = entities.get(n.id)
        if n.restricted or entity is None or entity.type not in PROCESS_TYPES:
            continue
        props = entity.properties
        run = details.runs.get(entity.id)
        parameters = dict(props.get("params") or props.get("parameters") or {})
        metrics = dict(props.get("metrics") or {})
        environment: dict[str, Any] = {}
        if isinstance(props.get("environment"), dict):
            environment.update(props["environment"])
        elif props.get("environment") is not None:
            environment["name"] = props["environment"]
        code_version = _first(props, ("codeVersion", "gitCommit", "commit"))
        status, started, ended = props.get("status"), props.get("startedAt"), props.get("endedAt")
        if run is not None:
            parameters.update({p.name: p.value for p in run.params})
            metrics.update({m.name: m.last for m in run.metrics})
            env = run.environment
            environment.update(
                {k: v for k, v in {"python": env.python_version, "os": env.os, "packagesDigest": env.packages_digest,
                                   "packages": len(env.packages) or None}.items() if v is not None}
            )
            code = run.code
            if code.commit:
                code_version = f"{code.repo_url + '@' if code.repo_url else ''}{code.commit}{' (dirty)' if code.dirty else ''}"
            status = run.status.value if run.status else status
            started, ended = run.started_at or started, run.ended_at or ended
        found.append(
            Process(
                id=entity.id,
                type=entity.type,
                name=entity.name,
                qualified_name=entity.qualified_name,
                distance=n.distance,
                container=details.container_name(entity.id),
                status=_text(status),
                started_at=_text(started),
                ended_at=_text(ended),
                code_version=code_version,
                environment=environment,
                parameters=parameters,
                metrics=metrics,
                owners=sorted(entity.owners),
                inputs=sorted(e.source for e in up.edges if e.target == entity.id),
                outputs=sorted(e.target for e in up.edges if e.source == entity.id),
            )
        )
    return sorted(found, key=lambda p: (p.distance, p.type.value, p.id))


def _deployments(down: LineageGraph, entities: dict[str, Entity], details: _Details) -> list[DeploymentLine]:
    found = []
    for n in down.nodes:
        entity = entities.get(n.id)
        if n.distance == 0 or n.restricted or entity is None or entity.type is not EntityType.DEPLOYMENT:
            continue
        props = entity.properties
        d = details.deployments.get(entity.id)
        serves = d.live_version_id if d else None
        found.append(
            DeploymentLine(
                id=entity.id,
                name=entity.name,
                qualified_name=entity.qualified_name,
                distance=n.distance,
                environment=(d.environment if d else None) or _first(props, ("environment", "env")),
                endpoint=(d.endpoint if d else None) or _first(props, ("endpoint", "url")),
                traffic_share=(d.traffic_share if d and d.traffic_share is not None else props.get("traffic")),
                status=d.status.value if d and d.status else None,
                serves_version=serves if serves is None or serves in entities or details.shown.get(serves) else RESTRICTED,
                owners=sorted(entity.owners),
            )
        )
    return sorted(found, key=lambda d: (d.distance, d.id))


def _access_summary(
    since: datetime, until: datetime, watched: list[str], rows: tuple[list[dict[str, Any]], int, list[dict[str, Any]]] | None
) -> AccessSummary:
    if rows is None:
        return AccessSummary(
            since=since, until=until, included=False,
            note="the access summary needs read access to the audit log (admin or governance-reviewer)",
        )
    counts, denial_count, denials = rows
    return AccessSummary(
        since=since,
        until=until,
        included=True,
        entity_ids=watched,
        counts=[
            AccessCount(
                resource_id=r["resourceId"], resource_type=r["resourceType"], principal=r["principal"] or "",
                action=r["action"] or "", decision=r["decision"] or "", count=r["count"], first=r["first"], last=r["last"],
            )
            for r in counts
        ],
        denials=[
            Denial(
                seq=d["seq"], time=d["time"], principal=d.get("principal") or "", action=d.get("action") or "",
                resource_id=d.get("resourceId"), resource_type=d.get("resourceType"), rule=d.get("rule") or "",
            )
            for d in denials
        ],
        denial_count=denial_count,
    )

"""Reports as Markdown (GitHub-flavoured tables), for pull requests, tickets and wikis."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..domain.reports import AssignmentLine, ClassificationReport, ProvenanceReport, Report


def render(report: Report) -> str:
    lines = _classification(report) if isinstance(report, ClassificationReport) else _provenance(report)
    return "\n".join(lines).rstrip() + "\n"


def _cell(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "-"
    if isinstance(value, dict):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    elif isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    rows = list(rows)
    if not rows:
        return ["_none_", ""]
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return out + [""]


def _namer(names: dict[str, str]) -> Callable[[str], str]:
    """Ids as people read them: the entity's name when the report knows it (ids stay in the JSON)."""
    return lambda i: names.get(i, i)


def _path(path: list[str], n: Callable[[str], str]) -> str:
    return " → ".join(n(i) for i in path)


def _assignments(lines: list[AssignmentLine], n: Callable[[str], str]) -> str:
    return "; ".join(f"{a.name} ({'from ' + n(a.source_id) + ' via ' + _path(a.path, n) if a.propagated else 'direct'})" for a in lines)


def _provenance(r: ProvenanceReport) -> list[str]:
    s, n = r.subject, _namer(r.names)
    out = [
        f"# Provenance report: {s.name}",
        "",
        f"- **Subject**: {s.type.value} `{s.qualified_name}` (id `{s.id}`)",
        f"- **Generated**: {r.generated_at.isoformat()} by `{r.generated_by}`",
        f"- **SHA-256 digest**: `{r.digest}` (over the canonical JSON without `digest`)",
        "",
        "## Subject",
        "",
        f"{s.description or ''}".strip(),
        "",
        *_table(["owners", "created", "updated", "deleted"], [[s.owners, s.created_at.isoformat(), s.updated_at.isoformat(), s.deleted]]),
        "### Properties",
        "",
        *_table(["property", "value"], [[k, v] for k, v in sorted(s.properties.items())]),
        "### Classifications",
        "",
        *_table(
            ["classification", "how", "source", "path", "attributes"],
            [[a.name, "propagated" if a.propagated else "direct", n(a.source_id), _path(a.path, n), a.attributes]
             for a in s.classifications],
        ),
        "## Upstream lineage",
        "",
        f"Followed up to {r.lineage.depth} hops and {r.lineage.max_nodes} nodes; "
        f"{'**truncated**: the farthest entities are not shown' if r.lineage.truncated else 'complete'}. "
        f"{r.lineage.restricted_count} entities are restricted for this reader and shown only by type.",
        "",
        *_table(
            ["distance", "direction", "type", "name", "id"],
            [[x.distance, x.direction, x.type.value, "(restricted)" if x.restricted else x.name, x.id] for x in r.lineage.nodes],
        ),
        "### Edges (data-flow direction)",
        "",
        *_table(["source", "edge", "target"], [[n(e.source), e.type, n(e.target)] for e in r.lineage.edges]),
        "## Source data",
        "",
        *_table(
            ["name", "type", "location", "version", "content hash", "container", "owners", "classifications"],
            [[d.name, d.type.value, d.location, d.version, d.content_hash, d.container, d.owners, _assignments(d.classifications, n)]
             for d in r.sources],
        ),
        "## Processes",
        "",
        *_table(
            ["name", "type", "status", "started", "ended", "code version", "environment", "parameters", "metrics"],
            [[p.name, p.type.value, p.status, p.started_at, p.ended_at, p.code_version, p.environment, p.parameters, p.metrics]
             for p in r.processes],
        ),
        "## Deployments",
        "",
        *_table(
            ["name", "environment", "endpoint", "traffic", "status", "serves version", "owners"],
            [[d.name, d.environment, d.endpoint, d.traffic_share, d.status, n(d.serves_version) if d.serves_version else None, d.owners] for d in r.deployments],
        ),
        f"## Access summary ({r.access.since.isoformat()} to {r.access.until.isoformat()})",
        "",
    ]
    a = r.access
    if not a.included:
        out += [f"_Not included: {a.note}._", ""]
    else:
        out += [
            f"Covers the subject and its restricted upstream entities: {', '.join(f'{n(i)} (`{i}`)' for i in a.entity_ids)}.",
            "",
            *_table(
                ["entity", "principal", "action", "decision", "count", "first", "last"],
                [[n(c.resource_id), c.principal, c.action, c.decision, c.count, c.first.isoformat(), c.last.isoformat()]
                 for c in a.counts],
            ),
            f"### Denials ({a.denial_count})",
            "",
            *_table(
                ["time", "principal", "action", "entity", "rule"],
                [[d.time.isoformat(), d.principal, d.action, n(d.resource_id) if d.resource_id else None, d.rule] for d in a.denials],
            ),
        ]
    return out


def _classification(r: ClassificationReport) -> list[str]:
    c, n = r.classification, _namer(r.names)
    out = [
        f"# Classification report: {c.name}",
        "",
        f"{c.description or ''}".strip(),
        "",
        f"- **Restricted**: {'yes' if c.restricted else 'no'}; **propagates by default**: {'yes' if c.propagate else 'no'}",
        f"- **Entities carrying it**: {r.total}{' (truncated)' if r.truncated else ''}",
        f"- **Generated**: {r.generated_at.isoformat()} by `{r.generated_by}`",
        f"- **SHA-256 digest**: `{r.digest}`",
        "",
    ]
    if not r.groups:
        out += ["_No entity visible to this reader carries this classification._", ""]
    for group in r.groups:
        out += [
            f"## {group.type.value} ({group.count})",
            "",
            *_table(
                ["name", "qualified name", "owners", "how", "source", "path"],
                [[e.name, e.qualified_name, e.owners, "propagated" if line.propagated else "direct",
                  n(line.source_id), _path(line.path, n)]
                 for e in group.entities for line in e.sources],
            ),
        ]
    return out

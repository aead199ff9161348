"""A provenance report as W3C PROV-JSON (https://www.w3.org/submissions/prov-json/).

Mapping: data entities (datasets, versions, features, models, artifacts, deployments) are
`prov:Entity`; Runs and PipelineRuns are `prov:Activity`; owners and the principal who asked are
`prov:Agent`. Lineage edges become `used` (data INPUT_TO process), `wasGeneratedBy` (process PRODUCED
data) and `wasDerivedFrom` (each output of a process from each of its inputs, naming the activity;
DEPLOYED_AS, DERIVES and the feature bridge directly). Ownership is `wasAttributedTo` (entities) and
`wasAssociatedWith` (activities). The report itself is an entity attributed to the principal who asked.
Restricted nodes keep their opaque id and type only.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..domain.entities import FLOW_TYPES
from ..domain.reports import Node, ProvenanceReport

NS = "provgraph"
NS_URI = "urn:provgraph:entity:"
AGENT_NS = "principal"
AGENT_URI = "urn:provgraph:principal:"
TYPES_NS = "pgt"
TYPES_URI = "https://provgraph.dev/ns/prov#"
_DERIVATION_EDGES = {"DEPLOYED_AS", "DERIVES", "HAS_FEATURE"}


def _agent_id(name: str) -> str:
    clean = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    if clean != name:  # keep distinct names distinct after cleaning
        clean += "_" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{AGENT_NS}:{clean}"


def _qname(value: str) -> dict[str, str]:
    """A qualified-name value (what prov:type expects), not a plain string."""
    return {"$": value, "type": "prov:QUALIFIED_NAME"}


def _node_id(node_id: str) -> str:
    return f"{NS}:{node_id}"


def render(report: ProvenanceReport) -> str:
    nodes = {n.id: n for n in report.lineage.nodes}
    details: dict[str, dict[str, Any]] = {}
    for s in report.sources:
        details[s.id] = {
            f"{TYPES_NS}:location": s.location,
            **({f"{TYPES_NS}:version": s.version} if s.version else {}),
            **({f"{TYPES_NS}:contentHash": s.content_hash} if s.content_hash else {}),
            **({f"{TYPES_NS}:classifications": ",".join(sorted({a.name for a in s.classifications}))} if s.classifications else {}),
        }
    owners: dict[str, list[str]] = {s.id: s.owners for s in report.sources}
    owners[report.subject.id] = report.subject.owners
    for p in report.processes:
        owners[p.id] = p.owners
    for d in report.deployments:
        owners[d.id] = d.owners
        details[d.id] = {k: v for k, v in {f"{TYPES_NS}:environment": d.environment, f"{TYPES_NS}:endpoint": d.endpoint}.items() if v}
    subject = report.subject
    details.setdefault(subject.id, {})
    if subject.classifications:
        details[subject.id][f"{TYPES_NS}:classifications"] = ",".join(sorted({a.name for a in subject.classifications}))

    doc: dict[str, Any] = {
        "prefix": {NS: NS_URI, AGENT_NS: AGENT_URI, TYPES_NS: TYPES_URI},
        "entity": {},
        "activity": {},
        "agent": {},
        "used": {},
        "wasGeneratedBy": {},
        "wasDerivedFrom": {},
        "wasAttributedTo": {},
        "wasAssociatedWith": {},
    }
    processes = {p.id: p for p in report.processes}
    for node in report.lineage.nodes:
        if node.type in FLOW_TYPES and not node.restricted:
            p = processes.get(node.id)
            attrs = _common(node)
            if p is not None:
                attrs.update({k: v for k, v in {
                    "prov:startTime": p.started_at,
                    "prov:endTime": p.ended_at,
                    f"{TYPES_NS}:status": p.status,
                    f"{TYPES_NS}:codeVersion": p.code_version,
                    f"{TYPES_NS}:parameters": json.dumps(p.parameters, sort_keys=True) if p.parameters else None,
                    f"{TYPES_NS}:environment": json.dumps(p.environment, sort_keys=True) if p.environment else None,
                }.items() if v})
            doc["activity"][_node_id(node.id)] = attrs
        elif node.type in FLOW_TYPES:
            doc["activity"][_node_id(node.id)] = _common(node)
        else:
            doc["entity"][_node_id(node.id)] = {**_common(node), **details.get(node.id, {})}

    def add(kind: str, attrs: dict[str, Any]) -> None:
        doc[kind][f"_:{kind}{len(doc[kind]) + 1}"] = attrs

    inputs: dict[str, list[str]] = {}
    outputs: dict[str, list[str]] = {}
    for e in report.lineage.edges:
        if e.type == "INPUT_TO":
            add("used", {"prov:activity": _node_id(e.target), "prov:entity": _node_id(e.source)})
            inputs.setdefault(e.target, []).append(e.source)
        elif e.type == "PRODUCED":
            add("wasGeneratedBy", {"prov:entity": _node_id(e.target), "prov:activity": _node_id(e.source)})
            outputs.setdefault(e.source, []).append(e.target)
        elif e.type in _DERIVATION_EDGES:
            add("wasDerivedFrom", {"prov:generatedEntity": _node_id(e.target), "prov:usedEntity": _node_id(e.source),
                                   f"{TYPES_NS}:edge": e.type})
    for activity in sorted(outputs):
        for out in sorted(outputs[activity]):
            for used in sorted(inputs.get(activity, [])):
                add("wasDerivedFrom", {"prov:generatedEntity": _node_id(out), "prov:usedEntity": _node_id(used),
                                       "prov:activity": _node_id(activity)})

    for node_id in sorted(owners):
        if node_id not in nodes or nodes[node_id].restricted:
            continue
        for owner in owners[node_id]:
            agent = _agent_id(owner)
            doc["agent"][agent] = {"prov:label": owner, "prov:type": _qname(f"{TYPES_NS}:Owner")}
            if nodes[node_id].type in FLOW_TYPES:
                add("wasAssociatedWith", {"prov:activity": _node_id(node_id), "prov:agent": agent, "prov:role": _qname(f"{TYPES_NS}:owner")})
            else:
                add("wasAttributedTo", {"prov:entity": _node_id(node_id), "prov:agent": agent, f"{TYPES_NS}:role": "owner"})

    requester = _agent_id(report.generated_by)
    doc["agent"].setdefault(requester, {"prov:label": report.generated_by})
    report_id = f"{NS}:report-{report.digest[:16]}"
    doc["entity"][report_id] = {
        "prov:type": _qname(f"{TYPES_NS}:ProvenanceReport"),
        "prov:label": f"provenance report for {subject.name}",
        f"{TYPES_NS}:digest": report.digest,
        f"{TYPES_NS}:generatedAt": report.generated_at.isoformat(),
        f"{TYPES_NS}:subject": _node_id(subject.id),
    }
    add("wasAttributedTo", {"prov:entity": report_id, "prov:agent": requester, f"{TYPES_NS}:role": "requester"})
    doc = {k: v for k, v in doc.items() if v or k in ("prefix", "entity")}
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _common(node: Node) -> dict[str, Any]:
    if node.restricted:
        return {"prov:type": _qname(f"{TYPES_NS}:Restricted"), f"{TYPES_NS}:entityType": node.type.value,
                "prov:label": f"restricted {node.type.value}"}
    return {
        "prov:type": _qname(f"{TYPES_NS}:{node.type.value}"),
        "prov:label": node.name or node.id,
        f"{TYPES_NS}:entityType": node.type.value,
        f"{TYPES_NS}:qualifiedName": node.qualified_name or "",
        f"{TYPES_NS}:distance": node.distance,
        f"{TYPES_NS}:direction": node.direction,
    }

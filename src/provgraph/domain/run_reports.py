"""Lineage reported by external schedulers (OpenLineage emitters): what a run read and wrote, the state it
reached, and the facts (facets) reported about the run, its job and its datasets (RunReport); a job's
declared inputs and outputs without a run (JobReport); a dataset's metadata alone (DatasetEventReport).

One run is reported by several events (START, RUNNING, COMPLETE, ...) that may arrive twice, out of order
or at the same time. The rules below merge them so that what is stored depends only on the SET of
events received, never on their order:

- **Additive**: an event adds datasets, fields and edges; it never removes what another event reported.
- **State**: START/RUNNING mean RUNNING; COMPLETE, ABORT, FAIL mean COMPLETED, ABORTED, FAILED. A
  terminal state beats RUNNING whatever the event times; between two events of the same class the later
  eventTime wins (then the fixed phase order below). `startedAt` is the earliest START's eventTime,
  `endedAt` the eventTime of the terminal event that decided the state. OTHER events never change state.
- **Reported values** (each facet, each schema field, each column-lineage edge) keep the value from the
  report of highest *version*: `eventTime|phase|content hash`, compared as strings. The content hash makes
  two reports with the same time and phase but different content agree on a winner too. Versions are
  kept next to the values (never shown to clients) so a late-arriving older event cannot overwrite them.
- **Masking** on a column-lineage edge is monotonic: once any event reports the derivation as masking,
  the edge stays masking (and got its classification block at that moment).
- **Declared lineage** (JobReport) is the one thing a report replaces: the job's inputs and outputs are
  those of its highest-versioned JobReport, and a lower-versioned one arriving late changes no edge.
- **Facts from facets** (description, owners, aliases) follow their facet: when a facet's report wins,
  the entity takes what that report says. Owners someone set by hand are kept beside the reported ones.
- **Classification tags** are a union: every tag any event ever reported classifies (order cannot
  matter, and only a person declassifies: a dropped tag never lifts a restriction).

Static events (JobEvent, DatasetEvent) have no phase: they rank as OTHER at their eventTime.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

MAX_REPORTED_PROPERTIES_BYTES = 1024 * 1024  # facets kept on one entity
MAX_EVENT_DATASETS = 1_000  # inputs, and outputs, one event may list
MAX_ALIASES = 100  # other names (symlinks) of one dataset
MAX_TAGS = 100  # tags in one tags facet
# A derivation reported as masking blocks these classifications on its edge (docs/ARCHITECTURE.md §4, Blocking): a
# hashed or redacted column no longer carries the personal data its source did.
MASKING_BLOCKS = ("PII",)


class RunPhase(Enum):
    """The transition an event reports (OpenLineage eventType)."""

    START = "START"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    ABORT = "ABORT"
    FAIL = "FAIL"
    OTHER = "OTHER"


class RunState(Enum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    ABORTED = "ABORTED"
    FAILED = "FAILED"


PHASE_STATE = {
    RunPhase.START: RunState.RUNNING,
    RunPhase.RUNNING: RunState.RUNNING,
    RunPhase.COMPLETE: RunState.COMPLETED,
    RunPhase.ABORT: RunState.ABORTED,
    RunPhase.FAIL: RunState.FAILED,
}
TERMINAL_STATES = frozenset({RunState.COMPLETED, RunState.ABORTED, RunState.FAILED})
# Breaks ties between events with the same eventTime; any fixed order would do.
_PHASE_ORDER = {RunPhase.OTHER: 0, RunPhase.START: 1, RunPhase.RUNNING: 2, RunPhase.COMPLETE: 3, RunPhase.ABORT: 4, RunPhase.FAIL: 5}


@dataclass(frozen=True)
class FieldReport:
    """One field (column) of a dataset's schema; nested fields are flattened to dotted names."""

    name: str
    data_type: str | None = None
    description: str | None = None
    ordinal_position: int | None = None


@dataclass(frozen=True)
class FieldDerivation:
    """Column lineage: `target_field` of the reporting dataset is computed from a source dataset's field."""

    source_dataset: str  # qualifiedName
    source_field: str
    target_field: str
    transformation_type: str | None = None
    transformation_subtype: str | None = None
    transformation_description: str | None = None
    masking: bool = False
    transformations: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class TagReport:
    """A tag (`tags` facet) that may name a classification (upper-cased), on a dataset or one of its
    fields, a job or a run (never with a field). Whether a classification of that name is defined is the store's to say."""

    classification: str
    field: str | None
    where: str  # the event field (`inputs[0].facets.tags.tags[1]`), for errors and the audit log


# Facts a facet states about its entity, by facet name: documentation -> description (str), ownership ->
# owner names (tuple), symlinks -> other qualifiedNames (tuple). None: the facet was retracted (_deleted).
FACT_FACETS = ("documentation", "ownership", "symlinks")


@dataclass(frozen=True)
class DatasetReport:
    qualified_name: str
    name: str
    namespace: str
    where: str  # the event field it came from (`outputs[0]`), for error messages
    facets: dict[str, Any] = field(default_factory=dict)
    run_facets: dict[str, Any] = field(default_factory=dict)  # input/output facets: about this run's use of it
    fields: tuple[FieldReport, ...] = ()
    derivations: tuple[FieldDerivation, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)  # FACT_FACETS present in the event
    tags: tuple[TagReport, ...] = ()


@dataclass(frozen=True)
class RunReport:
    run_id: str
    phase: RunPhase
    event_time: datetime
    job_qualified_name: str
    job_name: str
    job_namespace: str
    job_facets: dict[str, Any] = field(default_factory=dict)
    run_facets: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[DatasetReport, ...] = ()
    outputs: tuple[DatasetReport, ...] = ()
    # Datasets named only by column lineage (a source column of a dataset the run did not list).
    referenced: tuple[DatasetReport, ...] = ()
    job_facts: dict[str, Any] = field(default_factory=dict)  # documentation and ownership of the job
    job_tags: tuple[TagReport, ...] = ()  # the job's `tags` facet: classifications of its Pipeline
    run_tags: tuple[TagReport, ...] = ()  # the run's `tags` facet: classifications of its PipelineRun

    @property
    def datasets(self) -> tuple[DatasetReport, ...]:
        return self.inputs + self.outputs + self.referenced

    @property
    def version(self) -> str:
        """The precedence of everything this event reports, before the content hash."""
        return f"{timestamp(self.event_time)}|{_PHASE_ORDER[self.phase]}"


@dataclass(frozen=True)
class JobReport:
    """A JobEvent: the job's declared (static) inputs and outputs, which replace those it declared before."""

    event_time: datetime
    job_qualified_name: str
    job_name: str
    job_namespace: str
    job_facets: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[DatasetReport, ...] = ()
    outputs: tuple[DatasetReport, ...] = ()
    referenced: tuple[DatasetReport, ...] = ()
    job_facts: dict[str, Any] = field(default_factory=dict)
    job_tags: tuple[TagReport, ...] = ()  # the job's `tags` facet: classifications of its Pipeline

    @property
    def datasets(self) -> tuple[DatasetReport, ...]:
        return self.inputs + self.outputs + self.referenced

    @property
    def version(self) -> str:
        return static_version(self.event_time)


@dataclass(frozen=True)
class DatasetEventReport:
    """A DatasetEvent: one dataset's facets, no job and no run."""

    event_time: datetime
    dataset: DatasetReport
    referenced: tuple[DatasetReport, ...] = ()  # sources its column lineage names

    @property
    def datasets(self) -> tuple[DatasetReport, ...]:
        return (self.dataset, *self.referenced)

    @property
    def version(self) -> str:
        return static_version(self.event_time)


LineageReport = RunReport | JobReport | DatasetEventReport


def static_version(event_time: datetime) -> str:
    """The precedence of a JobEvent's or DatasetEvent's reports: an OTHER event at the same time."""
    return f"{timestamp(event_time)}|{_PHASE_ORDER[RunPhase.OTHER]}"


@dataclass(frozen=True)
class JobReportResult:
    pipeline_id: str
    pipeline_qualified_name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    replaced: bool  # whether this report's declaration is the one now in force (False: a newer one is)
    features: int
    column_lineage_edges: int
    classified: tuple[str, ...]  # `qualifiedName:CLASSIFICATION` newly assigned from tags


@dataclass(frozen=True)
class DatasetEventResult:
    dataset_id: str
    dataset_qualified_name: str
    features: int
    column_lineage_edges: int
    classified: tuple[str, ...]


@dataclass(frozen=True)
class RunReportResult:
    pipeline_id: str
    pipeline_qualified_name: str
    run_id: str
    run_qualified_name: str
    state: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    features: int
    column_lineage_edges: int
    classified: tuple[str, ...] = ()


def timestamp(moment: datetime) -> str:
    """Fixed-width UTC text (`2026-11-01T08:00:00.000000Z`), so string order is time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def versioned(event_version: str, content: Any) -> str:
    return f"{event_version}|{hashlib.sha256(canonical(content).encode()).hexdigest()[:16]}"


def merge_reported(
    stored: dict[str, Any], versions: dict[str, str], incoming: dict[str, Any], event_version: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """Named values (facets) merged by version: each keeps the value of its highest-versioned report.
    A facet reported as `{"_deleted": true}` (the spec's way to retract one) removes it, by the same rule."""
    values, kept = dict(stored), dict(versions)
    for name in sorted(incoming):
        value = incoming[name]
        version = versioned(event_version, value)
        if version < kept.get(name, ""):
            continue
        kept[name] = version
        if isinstance(value, dict) and value.get("_deleted") is True:
            values.pop(name, None)
        else:
            values[name] = value
    return values, kept


def apply_run_phase(properties: dict[str, Any], versions: dict[str, str], phase: RunPhase, event_time: datetime) -> None:
    """Updates a run's state fields in place by the order-independent rule in the module docstring."""
    moment = timestamp(event_time)
    if phase is RunPhase.START and moment < properties.get("startedAt", "~"):
        properties["startedAt"] = moment
    state = PHASE_STATE.get(phase)
    if state is None:
        return
    version = f"{int(state in TERMINAL_STATES)}|{moment}|{_PHASE_ORDER[phase]}"
    if version <= versions.get("state", ""):
        return
    versions["state"] = version
    properties["state"] = state.value
    properties["stateEventType"] = phase.value
    properties["stateEventTime"] = moment
    if state in TERMINAL_STATES:
        properties["endedAt"] = moment
    else:
        properties.pop("endedAt", None)


def field_properties(stored: dict[str, Any], report: FieldReport) -> dict[str, Any]:
    """A Feature's properties with what a schema field reports (other keys, set by people, are kept)."""
    merged = dict(stored)
    for key, value in (("dataType", report.data_type), ("ordinalPosition", report.ordinal_position)):
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def derivation_properties(derivation: FieldDerivation) -> dict[str, Any]:
    """What a DERIVES edge keeps of a column-lineage report (masking is handled apart: it is monotonic)."""
    return {
        "transformationType": derivation.transformation_type,
        "transformationSubtype": derivation.transformation_subtype,
        "transformationDescription": derivation.transformation_description,
        "transformations": canonical(list(derivation.transformations)) if derivation.transformations else None,
    }

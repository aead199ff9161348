"""OpenLineage `tags` facets on jobs and runs (issue 15): a tag naming a defined classification
classifies the job's Pipeline or the run's PipelineRun, audited as the emitter, only if it may classify
(else FORBIDDEN naming the tag, nothing written), and a replay changes nothing; as dataset tags do."""

from __future__ import annotations

import json

import pytest
from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
from openlineage.client.facet_v2 import tags_job, tags_run

from provgraph.openlineage.events import parse_event
from provgraph.domain.principals import Principal
from provgraph.governance.audit import AuditLog
from provgraph.services.openlineage import OpenLineageService

from .graph import count_entities
from .live_server import live_server_url  # noqa: F401  (fixture)
from .test_audit import events
from .test_openlineage import PIPELINE, RUN, assert_rejected, entity, event, ol_client
from .test_openlineage_static import _ingester_access, _job_event, job_event


def tagged_run_event(time: str) -> RunEvent:
    return RunEvent(
        eventType=RunState.START,
        eventTime=f"2026-03-01T{time}+00:00",
        run=Run(runId=RUN, facets={"tags": tags_run.TagsRunFacet(
            tags=[tags_run.TagsRunFacetFields(key="classification", value="SENSITIVE", source="airflow")])}),
        job=Job(namespace="airflow", name="daily_orders", facets={"tags": tags_job.TagsJobFacet(
            tags=[tags_job.TagsJobFacetFields(key="team", value="shop"), tags_job.TagsJobFacetFields(key="pii", value="true")])}),
        producer="https://example.com/tests",
    )


def names(found: dict) -> list[str]:
    return sorted(c["name"] for c in found["classifications"])


def test_job_and_run_tags_classify_the_pipeline_and_the_run_audited_as_the_emitter(live_server_url, admin, as_role):
    engineer = as_role("data-engineer", name="airflow")
    client = ol_client(live_server_url, token=engineer.token)
    client.emit(tagged_run_event("10:00:00"))
    pipeline, run = entity(admin, "PIPELINE", PIPELINE), entity(admin, "PIPELINE_RUN", RUN)
    assert names(pipeline) == ["PII"]  # `team` names no classification: a plain tag
    assert "SENSITIVE" in names(run)
    assert pipeline["properties"]["facets"]["tags"]["tags"][0] == {"key": "team", "value": "shop"}
    classified = {(e["resourceId"], e["details"]["classification"], e["details"]["tag"])
                  for e in events(admin, principal="airflow", action="classify")}
    assert classified == {(pipeline["id"], "PII", "job.facets.tags.tags[1]"), (run["id"], "SENSITIVE", "run.facets.tags.tags[0]")}

    client.emit(tagged_run_event("10:05:00"))  # the same tags again: nothing new, nothing audited twice
    assert len(events(admin, principal="airflow", action="classify")) == 2
    assert names(entity(admin, "PIPELINE", PIPELINE)) == ["PII"]


def test_a_job_events_tags_classify_its_pipeline(live_server_url, admin, as_role):
    engineer = as_role("data-engineer", name="airflow")
    facet = tags_job.TagsJobFacet(tags=[tags_job.TagsJobFacetFields(key="classification", value="pii")])
    ol_client(live_server_url, token=engineer.token).emit(job_event("10:00:00", tags=facet))
    assert names(entity(admin, "PIPELINE", PIPELINE)) == ["PII"]


@pytest.mark.parametrize(("facets", "field"), [
    ({"job_facets": {"tags": {"tags": [{"key": "team", "value": "shop"}, {"key": "PII", "value": "true"}]}}},
     "job.facets.tags.tags[1]"),
    ({"run_facets": {"tags": {"tags": [{"key": "classification", "value": "PII"}]}}}, "run.facets.tags.tags[0]"),
])
def test_an_emitter_that_may_not_classify_is_refused_naming_the_tag_and_nothing_is_written(
    http, services, admin, neo4j_driver, tmp_path, facets, field
):
    log = AuditLog(services.db)
    service = OpenLineageService(services.db, _ingester_access(tmp_path), log)
    with pytest.raises(Exception) as refused:
        http.portal.call(service.record, Principal(name="ingester-1", roles=("ingester",)),
                         parse_event(json.dumps(event("START", "10:00:00", **facets))))
    assert refused.value.extensions == {"code": "FORBIDDEN", "action": "classify", "field": field}
    assert "PII" in refused.value.message
    assert count_entities(neo4j_driver) == 0
    assert [(e["action"], e["decision"]) for e in events(admin, principal="ingester-1")] == [("classify", "deny")]


@pytest.mark.parametrize(("body", "field"), [
    (event("START", "10:00:00", job_facets={"tags": {"tags": [{"key": "pii", "value": "true", "field": "email"}]}}),
     "job.facets.tags.tags[0].field"),
    (event("START", "10:00:00", run_facets={"tags": {"tags": [{"key": "pii", "value": True}]}}), "run.facets.tags.tags[0].value"),
    (_job_event(job={"namespace": "airflow", "name": "daily_orders",
                     "facets": {"tags": {"tags": [{"key": "pii", "value": "true", "field": "email"}]}}}),
     "job.facets.tags.tags[0].field"),
])
def test_a_job_or_run_tag_with_a_field_or_a_bad_value_is_400_and_writes_nothing(http, neo4j_driver, body, field):
    assert_rejected(http, neo4j_driver, body, field)

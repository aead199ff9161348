"""OpenLineage beyond runs: JobEvents (a job's declared lineage), DatasetEvents (a dataset's metadata
alone), and the facets that change entities (documentation, ownership, symlinks, tags), sent by the
real openlineage-python client over HTTP; bad input over plain HTTP.

The job most tests declare (names as provgraph stores them):

    postgres://db:5432/shop.orders  -INPUT_TO->  airflow/daily_orders  -PRODUCED->  s3://lake/clean/orders
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openlineage.client.event_v2 import DatasetEvent, InputDataset, Job, JobEvent, OutputDataset, StaticDataset
from openlineage.client.facet_v2 import (
    documentation_dataset,
    ownership_dataset,
    schema_dataset,
    symlinks_dataset,
    tags_dataset,
)

from provgraph.openlineage.events import parse_event
from provgraph.domain.principals import Principal
from provgraph.governance.access import AccessControl
from provgraph.governance.audit import AuditLog
from provgraph.resources import resource_dir
from provgraph.services.openlineage import OpenLineageService

from .graph import count_entities, live_edges
from .documents import IMPACT, LINEAGE
from .live_server import live_server_url  # noqa: F401  (fixture)
from .test_audit import events
from .test_openlineage import CLEAN, ORDERS, PIPELINE, _graph, assert_rejected, entity, ol_client, post, recorded

CUSTOMERS = "postgres://db:5432/shop.customers"
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/"
ENTITY_WITH_ALIASES = "id qualifiedName description owners aliases classifications { name propagated sourceId }"


# -- events from the real client -------------------------------------------------------------------------


def job_event(time: str, inputs=(), outputs=(), **job_facets: Any) -> JobEvent:
    return JobEvent(
        eventTime=f"2026-03-01T{time}+00:00",
        job=Job(namespace="airflow", name="daily_orders", facets=job_facets),
        producer="https://example.com/tests",
        inputs=list(inputs),
        outputs=list(outputs),
    )


def dataset_event(time: str, dataset: StaticDataset) -> DatasetEvent:
    return DatasetEvent(eventTime=f"2026-03-01T{time}+00:00", dataset=dataset, producer="https://example.com/tests")


def source(name: str = "shop.orders", **facets: Any) -> InputDataset:
    return InputDataset(namespace="postgres://db:5432", name=name, facets=facets)


def target(**facets: Any) -> OutputDataset:
    return OutputDataset(namespace="s3://lake", name="/clean/orders", facets=facets)


def tags(*pairs: tuple[str, str] | tuple[str, str, str]) -> tags_dataset.TagsDatasetFacet:
    return tags_dataset.TagsDatasetFacet(
        tags=[tags_dataset.TagsDatasetFacetFields(key=p[0], value=p[1], field=p[2] if len(p) > 2 else None) for p in pairs]
    )


def by_name(admin, entity_type: str, qualified_name: str, fields: str = ENTITY_WITH_ALIASES) -> dict | None:
    query = f"query($t: EntityType!, $q: String!) {{ entityByName(type: $t, qualifiedName: $q) {{ {fields} }} }}"
    return admin.data(query, {"t": entity_type, "q": qualified_name})["entityByName"]


def removed_edges(driver) -> set[tuple[str, str, str]]:
    with driver.session() as session:
        rows = session.run(
            "MATCH (s:Entity)-[r]->(t:Entity) WHERE r.removedAt IS NOT NULL "
            "RETURN s.qualifiedName AS s, type(r) AS k, t.qualifiedName AS t"
        ).data()
    return {(r["s"], r["k"], r["t"]) for r in rows}


# -- JobEvent: declared lineage --------------------------------------------------------------------------


def test_a_job_event_declares_lineage_through_the_pipeline_seen_by_lineage_and_impact(live_server_url, admin, neo4j_driver):
    ol_client(live_server_url).emit(job_event("10:00:00", inputs=[source()], outputs=[target()]))

    assert live_edges(neo4j_driver) == {(ORDERS, "INPUT_TO", PIPELINE), (PIPELINE, "PRODUCED", CLEAN)}
    orders, clean = entity(admin, "DATASET", ORDERS), entity(admin, "DATASET", CLEAN)
    pipeline = entity(admin, "PIPELINE", PIPELINE)
    impact = admin.data(IMPACT, {"id": orders["id"]})["impact"]
    assert {(e["id"], e["distance"]) for e in impact["entities"]} == {(pipeline["id"], 1), (clean["id"], 2)}
    upstream = admin.data(LINEAGE, {"id": clean["id"], "direction": "UPSTREAM"})["lineage"]
    assert {n["id"] for n in upstream["nodes"]} == {clean["id"], pipeline["id"], orders["id"]}
    assert count_entities(neo4j_driver) == 3  # a JobEvent has no run


def test_a_later_job_event_replaces_the_declared_lineage_ending_the_old_edges(live_server_url, http, neo4j_driver):
    client = ol_client(live_server_url)
    client.emit(job_event("10:00:00", inputs=[source()], outputs=[target()]))
    client.emit(job_event("11:00:00", inputs=[source("shop.customers")], outputs=[target()]))

    assert live_edges(neo4j_driver) == {(CUSTOMERS, "INPUT_TO", PIPELINE), (PIPELINE, "PRODUCED", CLEAN)}
    assert removed_edges(neo4j_driver) == {(ORDERS, "INPUT_TO", PIPELINE)}


def test_an_older_job_event_arriving_late_does_not_undo_a_newer_declaration(http, neo4j_driver):
    newer = {"eventTime": "2026-03-01T11:00:00Z", "schemaURL": SPEC + "JobEvent",
             "job": {"namespace": "airflow", "name": "daily_orders"},
             "inputs": [{"namespace": "postgres://db:5432", "name": "shop.customers"}]}
    older = {**newer, "eventTime": "2026-03-01T10:00:00Z", "inputs": [{"namespace": "postgres://db:5432", "name": "shop.orders"}]}
    recorded(http, newer)
    response = post(http, older)
    assert response.status_code == 201 and response.json()["declared"] is False
    assert live_edges(neo4j_driver) == {(CUSTOMERS, "INPUT_TO", PIPELINE)}
    assert removed_edges(neo4j_driver) == set()


def test_the_same_job_event_twice_changes_nothing(live_server_url, neo4j_driver, admin):
    client = ol_client(live_server_url)
    event = job_event(
        "10:00:00",
        inputs=[source(schema=schema_dataset.SchemaDatasetFacet(fields=[schema_dataset.SchemaDatasetFacetFields(name="id")]))],
        outputs=[target(documentation=documentation_dataset.DocumentationDatasetFacet(description="clean orders"))],
    )
    client.emit(event)
    before, stamps = _graph(neo4j_driver), [entity(admin, "DATASET", qn)["updatedAt"] for qn in (ORDERS, CLEAN)]
    client.emit(event)
    assert _graph(neo4j_driver) == before
    assert [entity(admin, "DATASET", qn)["updatedAt"] for qn in (ORDERS, CLEAN)] == stamps


def test_every_event_is_audited_as_a_write_of_the_emitter(http, as_role, admin):
    engineer = as_role("data-engineer", name="airflow")
    body = {"eventTime": "2026-03-01T10:00:00Z", "job": {"namespace": "airflow", "name": "daily_orders"},
            "outputs": [{"namespace": "s3://lake", "name": "/clean/orders"}]}
    assert post(http, body, token=engineer.token).status_code == 201
    writes = [e for e in events(admin, principal="airflow", action="write")]
    assert {(e["resourceType"], e["resourceId"], e["details"]["operation"]) for e in writes} == {
        ("Pipeline", entity(admin, "PIPELINE", PIPELINE)["id"], "OpenLineage JobEvent"),
        ("Dataset", entity(admin, "DATASET", CLEAN)["id"], "OpenLineage JobEvent"),
    }


# -- DatasetEvent and the facets that change entities -------------------------------------------------------


def test_a_dataset_event_updates_the_datasets_schema_description_and_owners(live_server_url, admin):
    facets = {
        "schema": schema_dataset.SchemaDatasetFacet(fields=[schema_dataset.SchemaDatasetFacetFields(name="email", type="TEXT")]),
        "documentation": documentation_dataset.DocumentationDatasetFacet(description="one row per order"),
        "ownership": ownership_dataset.OwnershipDatasetFacet(owners=[ownership_dataset.Owner(name="team:shop", type="MAINTAINER")]),
    }
    ol_client(live_server_url).emit(dataset_event("10:00:00", StaticDataset(namespace="postgres://db:5432", name="shop.orders", facets=facets)))

    orders = by_name(admin, "DATASET", ORDERS)
    assert (orders["description"], orders["owners"]) == ("one row per order", ["team:shop"])
    assert by_name(admin, "FEATURE", f"{ORDERS}#email") is not None


def test_a_changed_ownership_facet_replaces_the_owners_it_gave_and_keeps_those_set_by_hand(http, admin):
    def owned(time: str, *names: str) -> dict:
        return {"eventTime": f"2026-03-01T{time}Z", "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders",
                "facets": {"ownership": {"owners": [{"name": n} for n in names]}}}}

    recorded(http, owned("10:00:00", "team:shop"))
    admin.data("mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }",
               {"in": [{"type": "DATASET", "qualifiedName": ORDERS, "owners": ["dora", "team:shop"]}]})
    recorded(http, owned("11:00:00", "team:orders"))
    assert by_name(admin, "DATASET", ORDERS)["owners"] == ["dora", "team:orders"]


def test_a_retracted_documentation_facet_clears_the_description_it_gave(http, admin):
    def documented(time: str, facet: dict) -> dict:
        return {"eventTime": f"2026-03-01T{time}Z", "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders",
                "facets": {"documentation": facet}}}

    recorded(http, documented("10:00:00", {"description": "orders"}))
    recorded(http, documented("11:00:00", {"_deleted": True}))
    assert by_name(admin, "DATASET", ORDERS)["description"] is None


def test_symlinks_are_aliases_found_by_entity_by_name_and_search(live_server_url, admin, as_role):
    symlinks = symlinks_dataset.SymlinksDatasetFacet(
        identifiers=[symlinks_dataset.Identifier(namespace="hive://warehouse", name="shop.customer_master", type="TABLE")]
    )
    ol_client(live_server_url).emit(dataset_event("10:00:00", StaticDataset(namespace="postgres://db:5432", name="shop.orders", facets={"symlinks": symlinks})))

    alias = "hive://warehouse/shop.customer_master"
    found = by_name(admin, "DATASET", alias)
    assert (found["qualifiedName"], found["aliases"]) == (ORDERS, [alias])
    assert by_name(admin, "FEATURE", alias) is None  # aliases are per type
    hits = admin.data("query { search(text: \"customer master\") { totalCount edges { node { qualifiedName } } } }")["search"]
    assert [e["node"]["qualifiedName"] for e in hits["edges"]] == [ORDERS]

    admin.data("mutation($id: ID!) { classify(entityId: $id, name: \"PII\") { id } }", {"id": found["id"]})
    viewer = as_role("viewer")
    assert by_name(viewer, "DATASET", alias) is None  # hidden: the same answer as a missing one
    assert by_name(viewer, "DATASET", "hive://warehouse/shop.nothing") is None


def test_a_tag_naming_a_classification_classifies_the_dataset_and_propagates(live_server_url, admin, as_role):
    engineer = as_role("data-engineer", name="airflow")
    ol_client(live_server_url, token=engineer.token).emit(
        job_event("10:00:00", inputs=[source(tags=tags(("pii", "true"), ("environment", "production")))], outputs=[target()])
    )
    orders = by_name(admin, "DATASET", ORDERS)
    assert [(c["name"], c["propagated"]) for c in orders["classifications"]] == [("PII", False)]
    assert [(c["name"], c["sourceId"]) for c in by_name(admin, "DATASET", CLEAN)["classifications"]] == [("PII", orders["id"])]
    [classified] = events(admin, principal="airflow", action="classify")
    assert (classified["resourceId"], classified["decision"]) == (orders["id"], "allow")
    assert classified["details"]["tag"] == "inputs[0].facets.tags.tags[0]"


def test_a_tag_with_a_field_classifies_that_fields_feature_and_other_tags_stay_plain(http, admin):
    tagged = {"tags": [{"key": "classification", "value": "PII", "field": "email"},
                       {"key": "sensitive", "value": "false"}, {"key": "team", "value": "shop"}]}
    recorded(http, {"eventTime": "2026-03-01T10:00:00Z", "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders",
                    "facets": {"tags": tagged}}})
    email = by_name(admin, "FEATURE", f"{ORDERS}#email")
    assert [c["name"] for c in email["classifications"]] == ["PII"]
    orders = entity(admin, "DATASET", ORDERS)
    assert orders["classifications"] == []  # SENSITIVE said false, TEAM names no classification
    assert orders["properties"]["facets"]["tags"] == tagged


def _ingester_access(tmp_path: Path) -> AccessControl:
    """The built-in roles plus `ingester`: may write everything OpenLineage touches and read what it
    writes, PII included (an event naming an entity its emitter may not see is refused), may not classify."""
    policies = resource_dir("policies")
    (tmp_path / "model.conf").write_text((policies / "model.conf").read_text())
    lines = [f"p, role:ingester, type:{label}, write, allow" for label in ("Pipeline", "PipelineRun", "Dataset", "Feature")]
    lines += ["p, role:ingester, type:*, read, allow", "p, role:ingester, restricted:PII, read, allow"]
    (tmp_path / "policy.csv").write_text((policies / "policy.csv").read_text() + "\n" + "\n".join(lines) + "\n")
    return AccessControl.from_policies(tmp_path)


def test_a_principal_that_may_ingest_but_not_classify_is_refused_naming_the_tag_and_nothing_is_written(
    http, services, admin, neo4j_driver, tmp_path
):
    log = AuditLog(services.db)
    service = OpenLineageService(services.db, _ingester_access(tmp_path), log)
    ingester = Principal(name="ingester-1", roles=("ingester",))
    body = {"eventTime": "2026-03-01T10:00:00Z", "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders",
            "facets": {"tags": {"tags": [{"key": "team", "value": "shop"}, {"key": "PII", "value": "true"}]}}}}
    with pytest.raises(Exception) as refused:
        http.portal.call(service.record, ingester, parse_event(json.dumps(body)))
    assert refused.value.extensions == {"code": "FORBIDDEN", "action": "classify", "field": "dataset.facets.tags.tags[1]"}
    assert "PII" in refused.value.message
    assert count_entities(neo4j_driver) == 0
    assert [(e["action"], e["decision"]) for e in events(admin, principal="ingester-1")] == [("classify", "deny")]

    untagged = {**body, "dataset": {**body["dataset"], "facets": {"tags": {"tags": [{"key": "team", "value": "shop"}]}}}}
    http.portal.call(service.record, ingester, parse_event(json.dumps(untagged)))
    assert entity(admin, "DATASET", ORDERS)["classifications"] == []


def test_a_tag_the_dataset_already_carries_needs_no_right_to_classify(http, services, admin, tmp_path):
    recorded(http, {"eventTime": "2026-03-01T10:00:00Z", "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders"}})
    admin.data("mutation($id: ID!) { classify(entityId: $id, name: \"PII\") { id } }", {"id": entity(admin, "DATASET", ORDERS)["id"]})
    service = OpenLineageService(services.db, _ingester_access(tmp_path), AuditLog(services.db))
    body = {"eventTime": "2026-03-01T11:00:00Z", "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders",
            "facets": {"tags": {"tags": [{"key": "pii", "value": "true"}]}}}}
    result = http.portal.call(service.record, Principal(name="ingester-1", roles=("ingester",)), parse_event(json.dumps(body)))
    assert result.classified == ()


# -- bad input -------------------------------------------------------------------------------------------


def _dataset_event(**facets: Any) -> dict:
    return {"eventTime": "2026-03-01T10:00:00Z", "schemaURL": SPEC + "DatasetEvent",
            "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders", "facets": facets}}


def _job_event(**fields: Any) -> dict:
    return {"eventTime": "2026-03-01T10:00:00Z", "schemaURL": SPEC + "JobEvent",
            "job": {"namespace": "airflow", "name": "daily_orders"}, **fields}


def _many(count: int, make) -> list:
    return [make(i) for i in range(count)]


BAD_EVENTS = {
    "JobEvent without job": ({k: v for k, v in _job_event().items() if k != "job"}, "job"),
    "JobEvent with a run": (_job_event(run={"runId": "0b7e3c1a-4f5d-4e8a-9c2b-1d6f7a8e9b01"}), "run"),
    "JobEvent job without namespace": (_job_event(job={"name": "daily_orders"}), "job.namespace"),
    "DatasetEvent without dataset": ({k: v for k, v in _dataset_event().items() if k != "dataset"}, "dataset"),
    "DatasetEvent with outputs": ({**_dataset_event(), "outputs": []}, "outputs"),
    "no run, job or dataset": ({"eventTime": "2026-03-01T10:00:00Z"}, "job"),
    "schema field without a name": (
        _dataset_event(schema={"fields": [{"name": "id"}, {"name": "email"}, {"type": "TEXT"}]}), "dataset.facets.schema.fields[2].name",
    ),
    "documentation without description": (_dataset_event(documentation={"contentType": "text/markdown"}), "dataset.facets.documentation.description"),
    "documentation too long": (_dataset_event(documentation={"description": "x" * 20_000}), "dataset.facets.documentation.description"),
    "owners not a list": (_dataset_event(ownership={"owners": "team:shop"}), "dataset.facets.ownership.owners"),
    "owner with a blank name": (_dataset_event(ownership={"owners": [{"name": " "}]}), "dataset.facets.ownership.owners[0].name"),
    "symlink without type": (
        _job_event(inputs=[{"namespace": "pg", "name": "t", "facets": {"symlinks": {"identifiers": [{"namespace": "hive", "name": "t"}]}}}]),
        "inputs[0].facets.symlinks.identifiers[0].type",
    ),
    "tag without key": (_dataset_event(tags={"tags": [{"value": "true"}]}), "dataset.facets.tags.tags[0].key"),
    "tag value not a string": (_dataset_event(tags={"tags": [{"key": "pii", "value": True}]}), "dataset.facets.tags.tags[0].value"),
    "too many owners": (_dataset_event(ownership={"owners": _many(101, lambda i: {"name": f"o{i}"})}), "dataset.facets.ownership.owners"),
    "too many symlinks": (
        _dataset_event(symlinks={"identifiers": _many(101, lambda i: {"namespace": "hive", "name": f"t{i}", "type": "TABLE"})}),
        "dataset.facets.symlinks.identifiers",
    ),
    "too many tags": (_dataset_event(tags={"tags": _many(101, lambda i: {"key": f"k{i}", "value": "v"})}), "dataset.facets.tags.tags"),
    "too many inputs": (_job_event(inputs=_many(1001, lambda i: {"namespace": "pg", "name": f"t{i}"})), "inputs"),
}


@pytest.mark.parametrize("case", BAD_EVENTS)
def test_bad_job_and_dataset_events_are_400_naming_the_field_and_write_nothing(http, neo4j_driver, case):
    assert_rejected(http, neo4j_driver, *BAD_EVENTS[case])


def test_owners_past_the_limit_with_those_set_by_hand_are_400_and_roll_back(http, admin, neo4j_driver):
    admin.data("mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }",
               {"in": [{"type": "DATASET", "qualifiedName": ORDERS, "owners": [f"person{i}" for i in range(60)]}]})
    body = _dataset_event(ownership={"owners": [{"name": f"team{i}"} for i in range(60)]}, documentation={"description": "d"})
    response = post(http, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_INPUT", "field": "dataset.facets.ownership.owners"}
    orders = by_name(admin, "DATASET", ORDERS)
    assert (len(orders["owners"]), orders["description"]) == (60, None)


def test_lineage_may_be_declared_through_a_pipeline_by_hand_too(admin, neo4j_driver):
    [orders, job] = admin.data(
        "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }",
        {"in": [{"type": "DATASET", "qualifiedName": ORDERS}, {"type": "PIPELINE", "qualifiedName": PIPELINE}]},
    )["upsertEntities"]
    edge = admin.data(
        "mutation($s: ID!, $t: ID!) { linkLineage(sourceId: $s, targetId: $t) { type } }", {"s": orders["id"], "t": job["id"]}
    )["linkLineage"]
    assert edge["type"] == "INPUT_TO"
    assert live_edges(neo4j_driver) == {(ORDERS, "INPUT_TO", PIPELINE)}

"""OpenLineage ingestion: `POST /api/v1/lineage` driven by the real openlineage-python HTTP transport, the
merge rules (additive, replay-safe, order-independent), schema and column lineage, auth, bad input, and
`provgraph ingest openlineage`.

The run most tests record (names as provgraph stores them):

    postgres://db:5432/shop.orders {id, email}  -INPUT_TO->  run  -PRODUCED->  s3://lake/clean/orders {id, email_hash}
    column lineage:  orders#id -> clean/orders#id (IDENTITY),  orders#email -> clean/orders#email_hash (masking)
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import requests
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import column_lineage_dataset as column_lineage
from openlineage.client.facet_v2 import datasource_dataset, schema_dataset
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpCompression, HttpConfig, HttpTransport

from provgraph.api.openlineage import MAX_EVENT_BYTES
from provgraph.cli.ingest import CLI_PRINCIPAL, ingest_openlineage_file, run_ingest
from provgraph.cli.ingest import register as add_ingest_parser
from provgraph.cli.runtime import Runtime

from .graph import count_entities, live_edges
from .live_server import live_server_url  # noqa: F401  (fixture)
from .support import ADMIN_TOKEN

RUN = "0b7e3c1a-4f5d-4e8a-9c2b-1d6f7a8e9b01"
OTHER_RUN = "0b7e3c1a-4f5d-4e8a-9c2b-1d6f7a8e9b02"
ORDERS, CLEAN = "postgres://db:5432/shop.orders", "s3://lake/clean/orders"
PIPELINE = "airflow/daily_orders"
ENTITY = "id name description properties updatedAt classifications { name propagated }"


# -- events, hand-built as the spec's JSON -------------------------------------------------------------


def event(event_type: str | None, time: str, run_id: str = RUN, inputs=(), outputs=(), **fields: Any) -> dict:
    body = {
        "eventTime": f"2026-03-01T{time}Z",
        "producer": "https://example.com/tests",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run_id, "facets": fields.pop("run_facets", {})},
        "job": {"namespace": "airflow", "name": "daily_orders", "facets": fields.pop("job_facets", {})},
        "inputs": list(inputs),
        "outputs": list(outputs),
        **fields,
    }
    if event_type is not None:
        body["eventType"] = event_type
    return body


def orders(**facets: Any) -> dict:
    schema = {"fields": [{"name": "id", "type": "BIGINT"}, {"name": "email", "type": "TEXT", "description": "customer email"}]}
    return {"namespace": "postgres://db:5432", "name": "shop.orders", "facets": {"schema": schema, **facets}}


def clean_orders(**facets: Any) -> dict:
    lineage = {
        "fields": {
            "id": {"inputFields": [_source("id", "DIRECT", "IDENTITY")]},
            "email_hash": {"inputFields": [_source("email", "DIRECT", "TRANSFORMATION", "sha256(email)", True)]},
        }
    }
    schema = {"fields": [{"name": "id", "type": "BIGINT"}, {"name": "email_hash", "type": "TEXT"}]}
    return {"namespace": "s3://lake", "name": "/clean/orders", "facets": {"schema": schema, "columnLineage": lineage, **facets}}


def _source(field: str, kind: str, subtype: str, description: str | None = None, masking: bool = False) -> dict:
    transformation = {"type": kind, "subtype": subtype, "masking": masking}
    if description:
        transformation["description"] = description
    return {"namespace": "postgres://db:5432", "name": "shop.orders", "field": field, "transformations": [transformation]}


def post(http, body: Any, token: str | None = ADMIN_TOKEN, **kwargs: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if isinstance(body, (bytes, str)) or "content" in kwargs:
        return http.post("/api/v1/lineage", content=kwargs.pop("content", body), headers={**headers, **kwargs.pop("headers", {})})
    return http.post("/api/v1/lineage", json=body, headers=headers)


def recorded(http, *bodies: dict) -> None:
    for body in bodies:
        response = post(http, body)
        assert response.status_code == 201, response.text


def entity(admin, entity_type: str, qualified_name: str) -> dict | None:
    query = f"query($t: EntityType!, $q: String!) {{ entityByName(type: $t, qualifiedName: $q) {{ {ENTITY} }} }}"
    return admin.data(query, {"t": entity_type, "q": qualified_name})["entityByName"]


def derives(driver) -> dict[tuple[str, str], dict]:
    """Every DERIVES edge's properties (minus createdAt), by (source, target) qualifiedName."""
    with driver.session() as session:
        rows = session.run(
            "MATCH (s:Feature)-[r:DERIVES]->(t:Feature) RETURN s.qualifiedName AS s, t.qualifiedName AS t, properties(r) AS p"
        ).data()
    return {(r["s"], r["t"]): {k: v for k, v in r["p"].items() if k != "createdAt"} for r in rows}


# -- the real client -----------------------------------------------------------------------------------


def ol_client(url: str, token: str | None = ADMIN_TOKEN, **config: Any) -> OpenLineageClient:
    auth = ApiKeyTokenProvider({"apiKey": token}) if token else None
    # A generous timeout: the first request plans every query, slow on a busy CI machine.
    http_config = HttpConfig(url=url, timeout=60, retry={"total": 0}, **({"auth": auth} if auth else {}), **config)
    return OpenLineageClient(transport=HttpTransport(http_config))


def client_event(state: RunState, time: str, inputs=(), outputs=()) -> RunEvent:
    return RunEvent(
        eventType=state,
        eventTime=f"2026-03-01T{time}+00:00",
        run=Run(runId=RUN),
        job=Job(namespace="airflow", name="daily_orders"),
        producer="https://example.com/tests",
        inputs=list(inputs),
        outputs=list(outputs),
    )


def client_orders() -> InputDataset:
    fields = [schema_dataset.SchemaDatasetFacetFields(name="id", type="BIGINT"),
              schema_dataset.SchemaDatasetFacetFields(name="email", type="TEXT", description="customer email")]
    return InputDataset(
        namespace="postgres://db:5432",
        name="shop.orders",
        facets={
            "schema": schema_dataset.SchemaDatasetFacet(fields=fields),
            "dataSource": datasource_dataset.DatasourceDatasetFacet(name="shop", uri="postgres://db:5432/shop"),
        },
    )


def client_clean_orders() -> OutputDataset:
    def source(field: str, masking: bool) -> column_lineage.InputField:
        transformation = column_lineage.Transformation(type="DIRECT", subtype="TRANSFORMATION", masking=masking)
        return column_lineage.InputField(namespace="postgres://db:5432", name="shop.orders", field=field, transformations=[transformation])

    lineage = column_lineage.ColumnLineageDatasetFacet(
        fields={
            "id": column_lineage.Fields(inputFields=[source("id", False)]),
            "email_hash": column_lineage.Fields(inputFields=[source("email", True)]),
        }
    )
    fields = [schema_dataset.SchemaDatasetFacetFields(name="id"), schema_dataset.SchemaDatasetFacetFields(name="email_hash")]
    return OutputDataset(
        namespace="s3://lake",
        name="/clean/orders",
        facets={"schema": schema_dataset.SchemaDatasetFacet(fields=fields), "columnLineage": lineage},
    )


def test_the_openlineage_python_client_records_a_run_over_http(live_server_url, admin, neo4j_driver):
    client = ol_client(live_server_url)
    client.emit(client_event(RunState.START, "10:00:00", inputs=[client_orders()]))
    client.emit(client_event(RunState.COMPLETE, "10:05:00", outputs=[client_clean_orders()]))

    run = entity(admin, "PIPELINE_RUN", RUN)
    assert {k: run["properties"][k] for k in ("state", "startedAt", "endedAt")} == {
        "state": "COMPLETED",
        "startedAt": "2026-03-01T10:00:00.000000Z",
        "endedAt": "2026-03-01T10:05:00.000000Z",
    }
    assert entity(admin, "PIPELINE", PIPELINE)["name"] == "daily_orders"
    source = entity(admin, "DATASET", ORDERS)
    assert source["name"] == "shop.orders"
    assert source["properties"]["facets"]["dataSource"]["uri"] == "postgres://db:5432/shop"
    assert entity(admin, "FEATURE", f"{ORDERS}#email")["description"] == "customer email"
    assert live_edges(neo4j_driver) == {
        (ORDERS, "INPUT_TO", RUN),
        (RUN, "PRODUCED", CLEAN),
        (f"{ORDERS}#id", "DERIVES", f"{CLEAN}#id"),
        (f"{ORDERS}#email", "DERIVES", f"{CLEAN}#email_hash"),
    }
    assert derives(neo4j_driver)[(f"{ORDERS}#email", f"{CLEAN}#email_hash")]["blockedClassifications"] == ["PII"]


def test_the_client_may_send_its_events_gzip_compressed(live_server_url, admin):
    ol_client(live_server_url, compression=HttpCompression.GZIP).emit(
        client_event(RunState.START, "10:00:00", inputs=[client_orders()])
    )
    assert entity(admin, "PIPELINE_RUN", RUN)["properties"]["state"] == "RUNNING"


def test_the_client_without_a_token_is_refused_with_401(live_server_url, neo4j_driver):
    with pytest.raises(requests.HTTPError) as refused:
        ol_client(live_server_url, token=None).emit(client_event(RunState.START, "10:00:00"))
    assert refused.value.response.status_code == 401
    assert count_entities(neo4j_driver) == 0


# -- authorization -------------------------------------------------------------------------------------


def test_a_data_engineer_may_ingest_and_a_data_scientist_may_not(http, as_role, neo4j_driver):
    engineer, scientist = as_role("data-engineer"), as_role("data-scientist")
    refused = post(http, event("START", "10:00:00", inputs=[orders()]), token=scientist.token)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert count_entities(neo4j_driver) == 0
    assert post(http, event("START", "10:00:00", inputs=[orders()]), token=engineer.token).status_code == 201


# -- merge rules ---------------------------------------------------------------------------------------


def test_success_answers_201_with_a_summary(http):
    response = post(http, event("START", "10:00:00", inputs=[orders()], outputs=[clean_orders()]))
    assert response.status_code == 201
    summary = response.json()
    assert summary["run"]["qualifiedName"] == RUN and summary["run"]["state"] == "RUNNING"
    assert summary["pipeline"]["qualifiedName"] == PIPELINE
    assert (summary["inputs"], summary["outputs"]) == ([ORDERS], [CLEAN])
    assert (summary["features"], summary["columnLineageEdges"]) == (4, 2)


def test_replaying_an_event_changes_nothing(http, admin, neo4j_driver):
    body = event("COMPLETE", "10:05:00", inputs=[orders()], outputs=[clean_orders()], run_facets={"nominalTime": {"nominalStartTime": "2026-03-01T10:00:00Z"}})
    recorded(http, body)
    names = [("PIPELINE", PIPELINE), ("PIPELINE_RUN", RUN), ("DATASET", ORDERS), ("DATASET", CLEAN), ("FEATURE", f"{CLEAN}#email_hash")]
    before = [entity(admin, t, q) for t, q in names]
    edges_before = derives(neo4j_driver)
    recorded(http, body)
    assert [entity(admin, t, q) for t, q in names] == before
    assert derives(neo4j_driver) == edges_before
    assert len(live_edges(neo4j_driver)) == 4


def test_events_are_additive_a_later_event_without_inputs_keeps_them(http, neo4j_driver):
    recorded(http, event("START", "10:00:00", inputs=[orders()]), event("COMPLETE", "10:05:00", outputs=[clean_orders()]))
    assert {(ORDERS, "INPUT_TO", RUN), (RUN, "PRODUCED", CLEAN)} <= live_edges(neo4j_driver)


def test_complete_before_start_ends_in_the_same_state_as_start_before_complete(http, admin):
    start, complete = event("START", "10:00:00"), event("COMPLETE", "10:05:00")
    recorded(http, complete, start)
    run = entity(admin, "PIPELINE_RUN", RUN)["properties"]
    assert (run["state"], run["startedAt"], run["endedAt"]) == (
        "COMPLETED", "2026-03-01T10:00:00.000000Z", "2026-03-01T10:05:00.000000Z",
    )
    assert (run["stateEventType"], run["stateEventTime"]) == ("COMPLETE", "2026-03-01T10:05:00.000000Z")


def test_a_terminal_state_wins_over_a_running_event_with_a_later_time(http, admin):
    recorded(http, event("START", "10:00:00"), event("FAIL", "10:05:00"), event("RUNNING", "10:09:00"))
    run = entity(admin, "PIPELINE_RUN", RUN)["properties"]
    assert (run["state"], run["endedAt"]) == ("FAILED", "2026-03-01T10:05:00.000000Z")


def test_an_event_without_event_type_adds_facets_but_no_state(http, admin):
    recorded(http, event(None, "10:00:00", run_facets={"tags": {"tags": [{"key": "team", "value": "orders"}]}}))
    run = entity(admin, "PIPELINE_RUN", RUN)["properties"]
    assert "state" not in run and run["facets"]["tags"]["tags"][0]["value"] == "orders"


def _graph(driver) -> dict:
    """Everything in the graph, without ids and the times of writing."""
    with driver.session() as session:
        nodes = session.run(
            "MATCH (e:Entity) RETURN labels(e) AS labels, e.qualifiedName AS qn, e.name AS name, "
            "e.description AS description, e.properties AS properties"
        ).data()
        edges = session.run(
            "MATCH (s:Entity)-[r]->(t:Entity) RETURN s.qualifiedName AS s, type(r) AS kind, t.qualifiedName AS t, properties(r) AS p"
        ).data()
    return {
        "nodes": sorted((sorted(n["labels"]), n["qn"], n["name"], n["description"], n["properties"]) for n in nodes),
        "edges": sorted(
            (e["s"], e["kind"], e["t"], sorted((k, v) for k, v in e["p"].items() if k != "createdAt")) for e in edges
        ),
    }


def test_any_arrival_order_of_a_runs_events_gives_the_same_graph(http, neo4j_driver):
    """The same four events in each of the 24 arrival orders: START, RUNNING, COMPLETE and OTHER each report
    a different version of the same facets, schema field and column-lineage edge; COMPLETE's win."""

    def dataset(version: int, masking: bool) -> dict:
        source = {"namespace": "pg", "name": "src", "field": "a",
                  "transformations": [{"type": "DIRECT", "subtype": f"v{version}", "masking": masking}]}
        field = {"name": "out", "type": f"T{version}", **({"description": "d"} if version == 1 else {})}
        return {"namespace": "pg", "name": "dst", "facets": {
            "schema": {"fields": [field]},
            "columnLineage": {"fields": {"out": {"inputFields": [source]}}},
            "custom": {"version": version}}}

    reports = [("START", "10:00:00", 1, True), ("RUNNING", "10:01:00", 2, False), ("COMPLETE", "10:05:00", 3, False), ("OTHER", "10:03:00", 4, False)]
    events = [
        event(kind, time, inputs=[{"namespace": "pg", "name": "src"}], outputs=[dataset(version, masking)], run_facets={"custom": {"version": version}})
        for kind, time, version, masking in reports
    ]
    reference = None
    for order in itertools.permutations(events):
        with neo4j_driver.session() as session:
            session.run("MATCH (e:Entity) DETACH DELETE e").consume()
        recorded(http, *order)
        graph = _graph(neo4j_driver)
        if reference is None:
            reference = graph
            run = json.loads(next(n[4] for n in graph["nodes"] if "PipelineRun" in n[0]))
            assert (run["state"], run["facets"]["custom"]) == ("COMPLETED", {"version": 3})
            [masked] = [e[3] for e in graph["edges"] if e[1] == "DERIVES"]
            assert ("masking", True) in masked and ("blockedClassifications", ["PII"]) in masked
            assert ("transformationSubtype", "v3") in masked
            assert ("pg/dst#out", "out", None) in [(n[1], n[2], n[3]) for n in graph["nodes"]]  # v1's description lost to v3
        assert graph == reference, f"arrival order {[e['eventType'] for e in order]} differs"


# -- schema and column lineage ---------------------------------------------------------------------------


def test_the_schema_facet_creates_one_feature_per_field_nested_fields_dotted(http, admin, neo4j_driver):
    nested = {"name": "address", "type": "STRUCT", "fields": [{"name": "city", "type": "TEXT", "description": "city name"}]}
    dataset = {"namespace": "postgres://db:5432", "name": "shop.customers", "facets": {"schema": {"fields": [{"name": "id", "type": "BIGINT", "ordinal_position": 1}, nested]}}}
    recorded(http, event("START", "10:00:00", inputs=[dataset]))
    customers = "postgres://db:5432/shop.customers"
    with neo4j_driver.session() as session:
        members = session.run(
            "MATCH (:Dataset {qualifiedName: $qn})-[:HAS_FEATURE]->(f:Feature) RETURN f.qualifiedName ORDER BY f.qualifiedName", qn=customers
        ).value()
    assert members == [f"{customers}#address", f"{customers}#address.city", f"{customers}#id"]
    city = entity(admin, "FEATURE", f"{customers}#address.city")
    assert (city["name"], city["description"], city["properties"]) == ("address.city", "city name", {"dataType": "TEXT"})
    assert entity(admin, "FEATURE", f"{customers}#id")["properties"] == {"dataType": "BIGINT", "ordinalPosition": 1}


def test_column_lineage_creates_derives_edges_keeping_the_transformation_and_masking(http, neo4j_driver):
    recorded(http, event("COMPLETE", "10:05:00", inputs=[orders()], outputs=[clean_orders()]))
    edges = derives(neo4j_driver)
    identity = edges[(f"{ORDERS}#id", f"{CLEAN}#id")]
    masked = edges[(f"{ORDERS}#email", f"{CLEAN}#email_hash")]
    assert (identity["transformationType"], identity["transformationSubtype"], identity["masking"]) == ("DIRECT", "IDENTITY", False)
    assert "blockedClassifications" not in identity
    assert (masked["transformationType"], masked["transformationDescription"], masked["masking"]) == ("DIRECT", "sha256(email)", True)
    assert masked["blockedClassifications"] == ["PII"]


def test_the_older_column_lineage_shape_with_a_masked_transformation_type_masks(http, neo4j_driver):
    legacy = {"fields": {"email_hash": {"inputFields": [{"namespace": "postgres://db:5432", "name": "shop.orders", "field": "email"}],
                                        "transformationType": "MASKED", "transformationDescription": "hash"}}}
    output = {"namespace": "s3://lake", "name": "clean/orders", "facets": {"columnLineage": legacy}}
    recorded(http, event("COMPLETE", "10:05:00", outputs=[output]))
    edge = derives(neo4j_driver)[(f"{ORDERS}#email", f"{CLEAN}#email_hash")]
    assert (edge["transformationType"], edge["masking"], edge["blockedClassifications"]) == ("MASKED", True, ["PII"])


def test_a_masking_derivation_stops_pii_propagating_and_a_copy_does_not(http, admin):
    copied = clean_orders()
    copied["facets"]["columnLineage"]["fields"]["email_copy"] = {"inputFields": [_source("email", "DIRECT", "IDENTITY")]}
    recorded(http, event("COMPLETE", "10:05:00", inputs=[orders()], outputs=[copied]))
    email = entity(admin, "FEATURE", f"{ORDERS}#email")
    admin.data("mutation($id: ID!) { classify(entityId: $id, name: \"PII\") { id } }", {"id": email["id"]})
    assert [c["name"] for c in entity(admin, "FEATURE", f"{CLEAN}#email_copy")["classifications"]] == ["PII"]
    assert entity(admin, "FEATURE", f"{CLEAN}#email_hash")["classifications"] == []


def test_facets_are_kept_as_properties_on_run_job_and_dataset(http, admin):
    recorded(http, event(
        "START", "10:00:00",
        inputs=[{**orders(), "inputFacets": {"dataQualityMetrics": {"rowCount": 10}}}],
        run_facets={"nominalTime": {"nominalStartTime": "2026-03-01T10:00:00Z"}},
        job_facets={"sql": {"query": "SELECT id, email FROM shop.orders"}},
    ))
    run = entity(admin, "PIPELINE_RUN", RUN)["properties"]
    assert run["facets"]["nominalTime"] == {"nominalStartTime": "2026-03-01T10:00:00Z"}
    assert run["inputFacets"][ORDERS]["dataQualityMetrics"] == {"rowCount": 10}
    assert entity(admin, "PIPELINE", PIPELINE)["properties"]["facets"]["sql"]["query"].startswith("SELECT")
    assert entity(admin, "DATASET", ORDERS)["properties"]["namespace"] == "postgres://db:5432"


# -- bad input -------------------------------------------------------------------------------------------


def _without(body: dict, path: str) -> dict:
    parent, _, key = path.rpartition(".")
    target = body
    for part in parent.split(".") if parent else []:
        target = target[part]
    del target[key]
    return body


def _bad_schema() -> dict:
    return event("START", "10:00:00", inputs=[orders()], outputs=[{**clean_orders(), "facets": {"schema": {"fields": "id,email"}}}])


BAD_EVENTS = {
    "missing runId": (_without(event("START", "10:00:00"), "run.runId"), "run.runId"),
    "missing job name": (_without(event("START", "10:00:00"), "job.name"), "job.name"),
    "unknown eventType": (event("FINISHED", "10:00:00"), "eventType"),
    "non-UUID runId": (event("START", "10:00:00", run_id="run-42"), "run.runId"),
    "bad eventTime": ({**event("START", "10:00:00"), "eventTime": "yesterday"}, "eventTime"),
    "schema fields not a list": (_bad_schema(), "outputs[0].facets.schema.fields"),
    "column lineage without inputFields": (
        event("START", "10:00:00", outputs=[{"namespace": "s3://lake", "name": "x", "facets": {"columnLineage": {"fields": {"a": {}}}}}]),
        "outputs[0].facets.columnLineage.fields.a.inputFields",
    ),
    "facet not an object": (event("START", "10:00:00", inputs=[{**orders(), "facets": {"dataSource": "postgres"}}]), "inputs[0].facets.dataSource"),
    "dataSource uri not a string": (event("START", "10:00:00", inputs=[{**orders(), "facets": {"dataSource": {"uri": 5432}}}]), "inputs[0].facets.dataSource.uri"),
}


def assert_rejected(http, neo4j_driver, body: dict, field: str) -> None:
    """The event is a 400 BAD_INPUT naming `field`, and nothing of it was written."""
    response = post(http, body)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_INPUT", "field": field}
    assert error["message"].startswith(f"{field}: ")
    assert count_entities(neo4j_driver) == 0


@pytest.mark.parametrize("case", BAD_EVENTS)
def test_bad_events_are_400_naming_the_field_and_write_nothing(http, neo4j_driver, case):
    assert_rejected(http, neo4j_driver, *BAD_EVENTS[case])


def test_invalid_json_is_400_with_the_parse_error(http):
    response = post(http, b'{"eventType": "START",')
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_INPUT", "field": "body"}
    assert "invalid JSON" in error["message"] and "line 1 column 23" in error["message"]


def test_a_json_array_is_not_an_event(http):
    response = post(http, json.dumps([event("START", "10:00:00")]))
    assert response.status_code == 400
    assert "JSON object" in response.json()["errors"][0]["message"]


def test_an_oversized_body_is_413_even_without_a_content_length(http, neo4j_driver):
    padding = {"padding": {"text": "x" * MAX_EVENT_BYTES}}
    declared = post(http, event("START", "10:00:00", run_facets=padding))
    assert declared.status_code == 413
    assert declared.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"

    def chunks():  # streamed: no Content-Length for the server to trust
        body = json.dumps(event("START", "10:00:00", run_facets=padding)).encode()
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    streamed = post(http, None, content=chunks())
    assert streamed.status_code == 413
    assert streamed.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert count_entities(neo4j_driver) == 0


def test_a_gzip_bomb_is_413(http):
    bomb = gzip.compress(b" " * (MAX_EVENT_BYTES + 1))
    response = post(http, bomb, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 413


def test_facets_too_large_to_keep_are_413_and_roll_back_the_whole_event(http, neo4j_driver):
    big = {"notes": {"text": "x" * (1024 * 1024)}}
    response = post(http, event("START", "10:00:00", inputs=[orders()], outputs=[{"namespace": "s3://lake", "name": "big", "facets": big}]))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "outputs[0].facets"}
    assert count_entities(neo4j_driver) == 0


def test_without_a_token_the_endpoint_is_401(http):
    assert post(http, event("START", "10:00:00"), token=None).status_code == 401


# -- the CLI ---------------------------------------------------------------------------------------------


def _jsonl(path: Path, *lines: dict | str) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def test_cli_ingest_records_every_good_line_and_reports_bad_ones_by_number(http, services, admin, tmp_path):
    path = _jsonl(
        tmp_path / "events.jsonl",
        event("START", "10:00:00", inputs=[orders()]),
        "",
        event("COMPLETE", "10:05:00", outputs=[clean_orders()]),
        event("START", "10:00:00", run_id="not-a-uuid"),
    )
    summary = http.portal.call(ingest_openlineage_file, services, CLI_PRINCIPAL, path, False)
    assert (summary.recorded, summary.failed) == (2, 1)
    assert summary.errors == ["line 4: run.runId: 'not-a-uuid' is not a UUID"]
    assert entity(admin, "PIPELINE_RUN", RUN)["properties"]["state"] == "COMPLETED"


def test_cli_ingest_command_runs_through_argparse(settings, admin, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    path = _jsonl(tmp_path / "events.jsonl", event("COMPLETE", "10:05:00", inputs=[orders()]), event("START", "10:00:00"))
    parser = argparse.ArgumentParser()
    add_ingest_parser(parser.add_subparsers())
    args = parser.parse_args(["ingest", "openlineage", str(path), "--no-progress"])
    assert run_ingest(Runtime.from_environment(), args) == 0
    assert "2 events recorded, 0 rejected" in capsys.readouterr().out
    assert entity(admin, "PIPELINE_RUN", RUN)["properties"]["startedAt"] == "2026-03-01T10:00:00.000000Z"

"""Every bad input of the foundation gets a clear message naming the field, a code, and writes nothing."""

from __future__ import annotations

import pytest

from .documents import RECORD, UPSERT
from .graph import count_entities, dataset


def _rejected(admin, neo4j_driver, query, variables, code, *fragments):
    error = admin.error(query, variables)
    assert error["extensions"]["code"] == code, error
    for fragment in fragments:
        assert fragment in error["message"], error["message"]
    assert count_entities(neo4j_driver) == 0
    return error


def test_unknown_entity_type(admin, neo4j_driver):
    _rejected(admin, neo4j_driver, UPSERT, {"in": [{"type": "TABLE", "qualifiedName": "x"}]}, "BAD_INPUT", "TABLE", "EntityType")


@pytest.mark.parametrize("qualified_name", ["", "   ", "\t\n"])
def test_empty_or_whitespace_qualified_name(admin, neo4j_driver, qualified_name):
    _rejected(admin, neo4j_driver, UPSERT, {"in": [dataset("db://ok"), dataset(qualified_name)]}, "BAD_INPUT",
              "input[1].qualifiedName", "empty")


def test_qualified_name_over_1024_characters(admin, neo4j_driver):
    _rejected(admin, neo4j_driver, UPSERT, {"in": [dataset("x" * 1025)]}, "BAD_INPUT", "input[0].qualifiedName", "1024")


@pytest.mark.parametrize("properties", [[1, 2], "text", 3])
def test_properties_must_be_a_json_object(admin, neo4j_driver, properties):
    _rejected(admin, neo4j_driver, UPSERT, {"in": [dataset("db://a", properties=properties)]}, "BAD_INPUT",
              "input[0].properties", "JSON object")


def test_properties_over_64_kib(admin, neo4j_driver):
    _rejected(admin, neo4j_driver, UPSERT, {"in": [dataset("db://a", properties={"blob": "x" * 70_000})]}, "BAD_INPUT",
              "input[0].properties", "65536")


def test_the_same_key_twice_with_different_fields(admin, neo4j_driver):
    items = [dataset("db://a", description="one"), dataset("db://b"), dataset("db://a", description="two")]
    _rejected(admin, neo4j_driver, UPSERT, {"in": items}, "BAD_INPUT", "input[2]", "input[0]", "db://a")


def test_a_batch_over_ten_thousand_items(admin, neo4j_driver):
    items = [dataset(f"db://{i}") for i in range(10_001)]
    _rejected(admin, neo4j_driver, UPSERT, {"in": items}, "LIMIT_EXCEEDED", "10000", "10001")


@pytest.mark.parametrize("bad_id", ["42", "not-an-id", "00000000-0000-4000-8000-00000000000Z"])
def test_a_malformed_id(admin, neo4j_driver, bad_id):
    error = admin.error("query($id: ID!) { entity(id: $id) { id } }", {"id": bad_id})
    assert error["extensions"]["code"] == "BAD_INPUT" and error["extensions"]["field"] == "id"
    assert "not a valid entity id" in error["message"]


def test_an_entity_ref_with_neither_id_nor_type_and_name(admin, neo4j_driver):
    process = {"type": "RUN", "qualifiedName": "r", "inputs": [{"qualifiedName": "db://a"}], "outputs": []}
    _rejected(admin, neo4j_driver, RECORD, {"in": process}, "BAD_INPUT", "input.inputs[0]", "either id, or both type and qualifiedName")


def test_a_process_must_be_a_run_or_pipeline_run(admin, neo4j_driver):
    process = {"type": "DATASET", "qualifiedName": "r", "inputs": [], "outputs": []}
    _rejected(admin, neo4j_driver, RECORD, {"in": process}, "BAD_INPUT", "input.type", "RUN or PIPELINE_RUN")


def test_a_process_input_must_be_data(admin, neo4j_driver):
    process = {"type": "RUN", "qualifiedName": "r", "inputs": [{"type": "EXPERIMENT", "qualifiedName": "e"}], "outputs": []}
    _rejected(admin, neo4j_driver, RECORD, {"in": process}, "BAD_INPUT", "input.inputs[0]", "EXPERIMENT")


def test_a_process_with_an_unknown_input_id_writes_nothing(admin, neo4j_driver):
    process = {"type": "RUN", "qualifiedName": "r", "inputs": [{"id": "00000000-0000-4000-8000-000000000000"}],
               "outputs": [{"type": "DATASET", "qualifiedName": "db://out"}]}
    _rejected(admin, neo4j_driver, RECORD, {"in": process}, "NOT_FOUND", "input.inputs[0].id")


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1, 2"])
def test_an_invalid_json_body(http, admin, body):
    response = http.post("/graphql", content=body, headers={"Authorization": f"Bearer {admin.token}",
                                                            "Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT" and "JSON" in error["message"]


def test_a_page_size_over_the_cap(admin):
    error = admin.error("{ search(first: 101) { totalCount } }")
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and "first" in error["message"] and "100" in error["message"]


def test_a_cursor_not_from_this_api(admin):
    error = admin.error('{ search(after: "bogus!") { totalCount } }')
    assert error["extensions"]["code"] == "BAD_INPUT" and error["extensions"]["field"] == "after"

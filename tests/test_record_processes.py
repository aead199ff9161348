"""recordProcesses: many processes in one transaction, with recordProcess's rules for each, and every
bad input rejecting the whole batch before anything is written."""

from __future__ import annotations

from .documents import BY_NAME, ENTITY_FIELDS, RECORD
from .graph import by_name, count_entities, live_edges, upsert

BATCH = f"mutation($in: [ProcessInput!]!) {{ recordProcesses(input: $in) {{ {ENTITY_FIELDS} }} }}"
TAGGED = "mutation($in: [ProcessInput!]!) { recordProcesses(input: $in) { qualifiedName classifications { name sourceId } } }"
AUDITED = """query($action: String) { auditEvents(action: $action, first: 1000) { edges { node {
  resourceId resourceType details } } } }"""


def by_qualified_name(admin, qualified_name: str) -> dict:
    return admin.data(BY_NAME, {"t": "DATASET", "q": qualified_name})["entityByName"]


def process(name: str, inputs: list[dict], outputs: list[dict], **fields) -> dict:
    return {"type": "RUN", "qualifiedName": name, "inputs": inputs, "outputs": outputs, **fields}


def ds(name: str) -> dict[str, str]:
    return by_name("DATASET", name)


def test_a_batch_records_every_process_in_input_order_with_its_edges(admin, neo4j_driver):
    runs = admin.data(BATCH, {"in": [
        process("runs/b", [ds("db://raw")], [ds("db://clean")]),
        process("runs/a", [ds("db://clean")], [ds("db://features")], properties={"lr": 0.1}),
    ]})["recordProcesses"]
    assert [r["qualifiedName"] for r in runs] == ["runs/b", "runs/a"]
    assert runs[1]["properties"] == {"lr": 0.1}
    assert live_edges(neo4j_driver) == {
        ("db://raw", "INPUT_TO", "runs/b"), ("runs/b", "PRODUCED", "db://clean"),
        ("db://clean", "INPUT_TO", "runs/a"), ("runs/a", "PRODUCED", "db://features"),
    }
    # Each process gets its own audit event naming its inputs and outputs (by id).
    events = {e["resourceId"]: e for e in (edge["node"] for edge in admin.data(AUDITED, {"action": "write"})["auditEvents"]["edges"])}
    ids = {name: entity["id"] for name, entity in ((q, by_qualified_name(admin, q)) for q in ("db://raw", "db://clean", "db://features"))}
    for run, inputs, outputs in ((runs[0], ["db://raw"], ["db://clean"]), (runs[1], ["db://clean"], ["db://features"])):
        details = events[run["id"]]["details"]
        assert details["operation"] == "recordProcess"
        assert (details["inputs"], details["outputs"]) == ([ids[n] for n in inputs], [ids[n] for n in outputs])


def test_replaying_a_batch_changes_nothing(admin, neo4j_driver):
    batch = [process("runs/1", [ds("db://raw")], [ds("db://clean")]), process("runs/2", [ds("db://clean")], [])]
    first = admin.data(BATCH, {"in": batch})["recordProcesses"]
    with neo4j_driver.session() as session:
        before = session.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"]
    assert admin.data(BATCH, {"in": batch})["recordProcesses"] == first
    with neo4j_driver.session() as session:
        assert session.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"] == before


def test_a_batch_ends_the_edges_each_process_no_longer_lists(admin, neo4j_driver):
    admin.data(BATCH, {"in": [
        process("runs/1", [ds("db://raw"), ds("db://old")], [ds("db://clean")]),
        process("runs/2", [ds("db://clean")], [ds("db://features"), ds("db://stale")]),
    ]})
    admin.data(BATCH, {"in": [
        process("runs/1", [ds("db://raw")], [ds("db://clean")]),
        process("runs/2", [ds("db://clean")], [ds("db://features")]),
    ]})
    assert live_edges(neo4j_driver) == {
        ("db://raw", "INPUT_TO", "runs/1"), ("runs/1", "PRODUCED", "db://clean"),
        ("db://clean", "INPUT_TO", "runs/2"), ("runs/2", "PRODUCED", "db://features"),
    }
    with neo4j_driver.session() as session:
        ended = session.run("MATCH ()-[r]->() WHERE r.removedAt IS NOT NULL RETURN count(r) AS n").single()["n"]
    assert ended == 2


def test_the_same_process_twice_is_recorded_once_or_rejected_when_it_differs(admin, neo4j_driver):
    same = process("runs/1", [ds("db://raw")], [])
    runs = admin.data(BATCH, {"in": [same, same]})["recordProcesses"]
    assert runs[0] == runs[1]
    error = admin.error(BATCH, {"in": [same, process("runs/1", [ds("db://other")], [])]})
    assert error["extensions"]["code"] == "BAD_INPUT" and error["message"].startswith("input[1]:")
    assert live_edges(neo4j_driver) == {("db://raw", "INPUT_TO", "runs/1")}


def test_one_bad_process_rejects_the_whole_batch_naming_its_field(admin, neo4j_driver):
    [deployment] = upsert(admin, {"type": "DEPLOYMENT", "qualifiedName": "prod"})
    before = count_entities(neo4j_driver)
    error = admin.error(BATCH, {"in": [
        process("runs/ok", [ds("db://raw")], [ds("db://clean")]),
        process("runs/bad", [{"id": deployment["id"]}], []),
    ]})
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert error["extensions"]["field"] == "input[1].inputs[0]" and "DEPLOYMENT" in error["message"]
    missing = admin.error(BATCH, {"in": [process("runs/ok", [ds("db://raw")], []), process("runs/x", [], [{"id": "00000000-0000-4000-8000-000000000000"}])]})
    assert missing["extensions"]["code"] == "NOT_FOUND" and missing["extensions"]["field"] == "input[1].outputs[0].id"
    assert count_entities(neo4j_driver) == before and live_edges(neo4j_driver) == set()


def test_bad_shapes_name_the_process(admin):
    error = admin.error(BATCH, {"in": [process("runs/ok", [], []), {**process("x", [], []), "type": "DATASET"}]})
    assert error["extensions"]["code"] == "BAD_INPUT" and error["extensions"]["field"].startswith("input[1]")
    blank = admin.error(BATCH, {"in": [process("  ", [], [])]})
    assert blank["extensions"]["code"] == "BAD_INPUT" and blank["extensions"]["field"].startswith("input[0]")


def test_batch_limits(admin, neo4j_driver):
    too_many = [process(f"runs/{i}", [], []) for i in range(1001)]
    error = admin.error(BATCH, {"in": too_many})
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and error["extensions"]["field"] == "input"
    assert "at most 1000 processes" in error["message"]
    wide = [process(f"runs/{i}", [ds(f"db://in/{i}/{j}") for j in range(2001)], []) for i in range(5)]
    error = admin.error(BATCH, {"in": wide})
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and "10000 inputs and outputs" in error["message"]
    assert count_entities(neo4j_driver) == 0


def test_a_batch_needs_write_on_what_it_creates_and_writes_nothing_when_denied(as_role, neo4j_driver):
    scientist = as_role("data-scientist")
    error = scientist.error(BATCH, {"in": [process("runs/1", [], []), process("runs/2", [ds("db://raw")], [])]})
    assert error["extensions"]["code"] == "FORBIDDEN" and "DATASET" in error["message"]
    assert count_entities(neo4j_driver) == 0


def test_tags_flow_through_a_chain_recorded_in_one_batch(admin):
    [raw] = upsert(admin, {"type": "DATASET", "qualifiedName": "db://raw"})
    admin.data("mutation($id: ID!) { classify(entityId: $id, name: \"PII\") { id } }", {"id": raw["id"]})
    runs = admin.data(TAGGED, {"in": [
        process("runs/1", [{"id": raw["id"]}], [ds("db://clean")]),
        process("runs/2", [ds("db://clean")], [ds("db://features")]),
    ]})["recordProcesses"]
    assert [r["classifications"] for r in runs] == [[{"name": "PII", "sourceId": raw["id"]}]] * 2
    features = admin.data('{ entityByName(type: DATASET, qualifiedName: "db://features") { classifications { name } } }')
    assert features["entityByName"]["classifications"] == [{"name": "PII"}]


def test_record_process_and_a_batch_of_one_agree(admin):
    one = admin.data(RECORD, {"in": process("runs/1", [ds("db://raw")], [])})["recordProcess"]
    [again] = admin.data(BATCH, {"in": [process("runs/1", [ds("db://raw")], [])]})["recordProcesses"]
    assert again == one

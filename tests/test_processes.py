"""recordProcess and lineage edges: exact inputs and outputs, idempotent replays, history kept."""

from __future__ import annotations

from .documents import LINK, RECORD, UNLINK
from .graph import by_name, dataset, live_edges, record, upsert

RAW, CLEAN = by_name("DATASET", "db://raw"), by_name("DATASET", "db://clean")


def test_record_process_creates_unknown_refs_by_name_and_the_edges(admin, neo4j_driver):
    run = record(admin, "runs/1", [RAW], [CLEAN], container=by_name("EXPERIMENT", "exp"))
    assert run["type"] == "RUN"
    assert live_edges(neo4j_driver) == {("db://raw", "INPUT_TO", "runs/1"), ("runs/1", "PRODUCED", "db://clean")}
    with neo4j_driver.session() as session:
        assert session.run("MATCH (:Experiment)-[:HAS_RUN]->(r:Run) RETURN r.qualifiedName").value() == ["runs/1"]


def test_replaying_a_process_changes_nothing(admin, neo4j_driver):
    first = record(admin, "runs/1", [RAW], [CLEAN], properties={"lr": 0.1})
    with neo4j_driver.session() as session:
        before = session.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"]
    again = record(admin, "runs/1", [RAW], [CLEAN], properties={"lr": 0.1})
    assert again == first
    with neo4j_driver.session() as session:
        assert session.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"] == before


def test_recording_fewer_inputs_ends_the_dropped_edge_but_keeps_it_in_history(admin, neo4j_driver):
    other = by_name("DATASET", "db://other")
    record(admin, "runs/1", [RAW, other], [CLEAN])
    record(admin, "runs/1", [RAW], [CLEAN])
    assert ("db://other", "INPUT_TO", "runs/1") not in live_edges(neo4j_driver)
    with neo4j_driver.session() as session:
        ended = session.run(
            "MATCH (:Dataset {qualifiedName: 'db://other'})-[r:INPUT_TO]->() RETURN r.removedAt IS NOT NULL AS ended"
        ).value()
    assert ended == [True]


def test_an_input_by_id_must_exist(admin, neo4j_driver):
    [raw] = upsert(admin, dataset("db://raw"))
    run = record(admin, "runs/1", [{"id": raw["id"]}], [])
    assert run["qualifiedName"] == "runs/1"
    missing = {"type": "RUN", "qualifiedName": "runs/2", "inputs": [{"id": "00000000-0000-4000-8000-000000000000"}], "outputs": []}
    error = admin.error(RECORD, {"in": missing})
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.inputs[0].id"}
    assert live_edges(neo4j_driver) == {("db://raw", "INPUT_TO", "runs/1")}


def test_link_lineage_picks_the_edge_kind_from_the_types(admin):
    [raw] = upsert(admin, dataset("db://raw"))
    [run] = upsert(admin, {"type": "PIPELINE_RUN", "qualifiedName": "p/1"})
    [f1, f2] = upsert(admin, {"type": "FEATURE", "qualifiedName": "f1"}, {"type": "FEATURE", "qualifiedName": "f2"})
    [mv, dep] = upsert(admin, {"type": "MODEL_VERSION", "qualifiedName": "m/1"}, {"type": "DEPLOYMENT", "qualifiedName": "d"})
    kinds = [
        admin.data(LINK, {"s": s["id"], "t": t["id"]})["linkLineage"]["type"]
        for s, t in [(raw, run), (run, raw), (f1, f2), (mv, dep)]
    ]
    assert kinds == ["INPUT_TO", "PRODUCED", "DERIVES", "DEPLOYED_AS"]


def test_linking_twice_keeps_one_live_edge(admin, neo4j_driver):
    [raw] = upsert(admin, dataset("db://raw"))
    [run] = upsert(admin, {"type": "RUN", "qualifiedName": "r"})
    for _ in range(2):
        admin.data(LINK, {"s": raw["id"], "t": run["id"]})
    with neo4j_driver.session() as session:
        assert session.run("MATCH ()-[r:INPUT_TO]->() RETURN count(r)").single()[0] == 1


def test_unlink_ends_the_edge_and_relinking_starts_a_new_one(admin, neo4j_driver):
    [raw] = upsert(admin, dataset("db://raw"))
    [run] = upsert(admin, {"type": "RUN", "qualifiedName": "r"})
    admin.data(LINK, {"s": raw["id"], "t": run["id"]})
    assert admin.data(UNLINK, {"s": raw["id"], "t": run["id"]})["unlinkLineage"] is True
    assert admin.data(UNLINK, {"s": raw["id"], "t": run["id"]})["unlinkLineage"] is False
    admin.data(LINK, {"s": raw["id"], "t": run["id"]})
    with neo4j_driver.session() as session:
        rows = session.run("MATCH ()-[r:INPUT_TO]->() RETURN r.removedAt IS NULL AS live ORDER BY live").value()
    assert rows == [False, True]


def test_an_edge_between_types_that_cannot_flow_is_bad_input(admin):
    [a, b] = upsert(admin, dataset("db://a"), dataset("db://b"))
    error = admin.error(LINK, {"s": a["id"], "t": b["id"]})
    assert error["extensions"]["code"] == "BAD_INPUT" and "DATASET to a DATASET" in error["message"]


def test_a_self_edge_is_bad_input(admin):
    [a] = upsert(admin, dataset("db://a"))
    assert admin.error(LINK, {"s": a["id"], "t": a["id"]})["extensions"]["code"] == "BAD_INPUT"


def test_the_process_end_of_an_edge_decides_who_may_write_it(admin, as_role):
    [raw] = upsert(admin, dataset("db://raw"))
    [run] = upsert(admin, {"type": "RUN", "qualifiedName": "r"})
    assert as_role("data-engineer").error(LINK, {"s": raw["id"], "t": run["id"]})["extensions"]["code"] == "FORBIDDEN"
    assert as_role("data-scientist").data(LINK, {"s": raw["id"], "t": run["id"]})["linkLineage"]["type"] == "INPUT_TO"


def test_record_process_needs_write_on_entities_it_creates(as_role, neo4j_driver):
    scientist = as_role("data-scientist")
    error = scientist.error(RECORD, {"in": {"type": "RUN", "qualifiedName": "r", "inputs": [RAW], "outputs": []}})
    assert error["extensions"]["code"] == "FORBIDDEN" and "DATASET" in error["message"]
    assert live_edges(neo4j_driver) == set()


LINKS = "mutation($in: [LineageEdgeInput!]!) { linkLineages(input: $in) { source target type } }"


def test_link_lineages_adds_every_edge_in_one_call_in_input_order(admin, neo4j_driver):
    [raw, run, clean] = upsert(admin, dataset("db://raw"), {"type": "RUN", "qualifiedName": "r"}, dataset("db://clean"))
    pairs = [{"sourceId": run["id"], "targetId": clean["id"]}, {"sourceId": raw["id"], "targetId": run["id"]}]
    edges = admin.data(LINKS, {"in": pairs + pairs[:1]})["linkLineages"]
    assert [e["type"] for e in edges] == ["PRODUCED", "INPUT_TO", "PRODUCED"]
    assert live_edges(neo4j_driver) == {("db://raw", "INPUT_TO", "r"), ("r", "PRODUCED", "db://clean")}
    assert admin.data(LINKS, {"in": pairs})["linkLineages"] == edges[:2]  # a replay adds nothing
    with neo4j_driver.session() as session:
        assert session.run("MATCH ()-[r:INPUT_TO|PRODUCED]->() RETURN count(r)").single()[0] == 2


def test_one_bad_edge_rejects_the_whole_batch_naming_it(admin, as_role, neo4j_driver):
    [a, b, run] = upsert(admin, dataset("db://a"), dataset("db://b"), {"type": "RUN", "qualifiedName": "r"})
    good = {"sourceId": a["id"], "targetId": run["id"]}
    wrong_kind = admin.error(LINKS, {"in": [good, {"sourceId": a["id"], "targetId": b["id"]}]})
    assert wrong_kind["extensions"] == {"code": "BAD_INPUT", "field": "input[1].targetId"}
    loop = admin.error(LINKS, {"in": [good, {"sourceId": b["id"], "targetId": b["id"]}]})
    assert loop["extensions"]["field"] == "input[1].targetId"
    missing = admin.error(LINKS, {"in": [good, {"sourceId": "00000000-0000-4000-8000-000000000000", "targetId": run["id"]}]})
    assert missing["extensions"] == {"code": "NOT_FOUND", "field": "input[1].sourceId"}
    denied = as_role("data-engineer").error(LINKS, {"in": [good]})
    assert denied["extensions"]["code"] == "FORBIDDEN"
    too_many = admin.error(LINKS, {"in": [good] * 10_001})
    assert too_many["extensions"]["code"] == "LIMIT_EXCEEDED" and too_many["extensions"]["field"] == "input"
    assert live_edges(neo4j_driver) == set()

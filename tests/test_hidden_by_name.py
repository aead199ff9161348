"""A hidden entity named by its qualifiedName gets one answer wherever a name is resolved.

An id is unguessable, so a hidden id answers exactly like a missing one (NOT_FOUND). A name is a unique
key the caller chose: a missing name is created, and a hidden one cannot be, so "missing" would be a lie
the next call exposes. Every resolver (services/references.py: `resolve_refs` and `visible_by_name`)
answers FORBIDDEN naming the field and the entity's type and nothing else of it; nothing is written and
the denial is audited against the hidden entity. Its owners, who may read it, may also name it.
"""

from __future__ import annotations

import pytest

from .documents import CLASSIFY, ENTITY, RECORD, UPSERT
from .graph import by_name, dataset, upsert
from .test_openlineage import ORDERS, clean_orders, event, orders, post

EVENTS = """query($principal: String) {
  auditEvents(principal: $principal, decision: "deny", first: 100) { edges { node { action resourceId resourceType rule } } }
}"""
START = "mutation($e: String!) { startRun(input: {experiment: $e}) { id } }"
LOG_INPUTS = "mutation($run: ID!, $in: [EntityRef!]!) { logRunInputs(runId: $run, inputs: $in) }"
CREATE_VERSION = "mutation($m: String!) { createModelVersion(model: $m) { id } }"
DEPLOY = """mutation($v: ID!, $d: String!) {
  deploy(input: {versionId: $v, deployment: $d, environment: "prod"}) { id }
}"""
MISSING_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def hidden(admin):
    """One PII-classified (restricted) entity of each kind a name can point at, owned by `owen`."""
    made = upsert(
        admin,
        dataset("db://secret", owners=["owen"]),
        {"type": "EXPERIMENT", "qualifiedName": "exp.secret", "owners": ["owen"]},
        {"type": "MODEL", "qualifiedName": "models.secret", "owners": ["owen"]},
        {"type": "DEPLOYMENT", "qualifiedName": "deploy.secret", "owners": ["owen"]},
    )
    for entity in made:
        admin.data(CLASSIFY, {"id": entity["id"], "n": "PII"})
    return {e["qualifiedName"]: e["id"] for e in made}


def _entity_count(neo4j_driver) -> int:
    with neo4j_driver.session() as session:
        return session.run("MATCH (e:Entity) RETURN count(e) AS n").single()["n"]


def _refused(client, document, variables, field, hidden_id, neo4j_driver, admin, principal) -> None:
    before = _entity_count(neo4j_driver)
    error = client.error(document, variables)
    assert error["extensions"] == {"code": "FORBIDDEN", "action": "write", "field": field}, error
    assert error["message"].startswith(f"{field}: principal {principal!r} may not write or reference this ")
    assert hidden_id not in error["message"] and "owen" not in error["message"]
    assert _entity_count(neo4j_driver) == before  # nothing half-written
    denials = [e["node"] for e in admin.data(EVENTS, {"principal": principal})["auditEvents"]["edges"]]
    assert any(d["resourceId"] == hidden_id and d["rule"].startswith("restricted:") for d in denials), denials


def test_ingestion_answers_a_hidden_name_with_forbidden_naming_the_field(admin, as_role, hidden, neo4j_driver):
    engineer = as_role("data-engineer", name="erin")
    upsert_it = {"in": [dataset("db://fine"), dataset("db://secret", description="x")]}
    _refused(engineer, UPSERT, upsert_it, "input[1]", hidden["db://secret"], neo4j_driver, admin, "erin")
    process = {"type": "PIPELINE_RUN", "qualifiedName": "p/1", "inputs": [by_name("DATASET", "db://secret")], "outputs": []}
    _refused(engineer, RECORD, {"in": process}, "input.inputs[0]", hidden["db://secret"], neo4j_driver, admin, "erin")


def test_runs_the_registry_and_deployments_answer_a_hidden_name_the_same_way(admin, as_role, hidden, neo4j_driver):
    scientist = as_role("data-scientist", name="sci")
    _refused(scientist, START, {"e": "exp.secret"}, "input.experiment", hidden["exp.secret"], neo4j_driver, admin, "sci")
    run = scientist.data(START, {"e": "exp.open"})["startRun"]["id"]
    by_secret_name = {"run": run, "in": [by_name("DATASET", "db://secret")]}
    _refused(scientist, LOG_INPUTS, by_secret_name, "inputs[0]", hidden["db://secret"], neo4j_driver, admin, "sci")
    _refused(scientist, CREATE_VERSION, {"m": "models.secret"}, "model", hidden["models.secret"], neo4j_driver, admin, "sci")
    version = scientist.data(CREATE_VERSION, {"m": "models.open"})["createModelVersion"]["id"]
    deploy = {"v": version, "d": "deploy.secret"}
    _refused(scientist, DEPLOY, deploy, "deployment", hidden["deploy.secret"], neo4j_driver, admin, "sci")


def test_a_hidden_id_is_still_exactly_a_missing_one(admin, as_role, hidden):
    scientist = as_role("data-scientist")
    run = scientist.data(START, {"e": "exp.open"})["startRun"]["id"]
    answers = [scientist.error(LOG_INPUTS, {"run": run, "in": [{"id": i}]}) for i in (hidden["db://secret"], MISSING_ID)]
    for answer, entity_id in zip(answers, (hidden["db://secret"], MISSING_ID)):
        assert answer["extensions"] == {"code": "NOT_FOUND", "field": "inputs[0].id"}
        assert answer["message"] == f"inputs[0].id: no entity with id {entity_id!r}"


def test_the_owner_may_name_what_it_owns(admin, as_role, hidden):
    owner = as_role("data-scientist", name="owen")
    run = owner.data(START, {"e": "exp.secret"})["startRun"]["id"]
    inputs = owner.data(LOG_INPUTS, {"run": run, "in": [by_name("DATASET", "db://secret")]})["logRunInputs"]
    assert inputs == [hidden["db://secret"]]


def test_an_openlineage_event_naming_a_hidden_dataset_is_refused_whole(admin, as_role, http, neo4j_driver):
    """An emitter's event writes every dataset it names (facets, owners, lineage), so naming one the
    emitter may not see is the same FORBIDDEN, naming the event field; nothing of the event is written."""
    [secret] = upsert(admin, dataset(ORDERS))
    admin.data(CLASSIFY, {"id": secret["id"], "n": "PII"})
    engineer = as_role("data-engineer", name="emma")
    before = _entity_count(neo4j_driver)
    refused = post(http, event("START", "10:00:00", inputs=[orders()], outputs=[clean_orders()]), token=engineer.token)
    assert refused.status_code == 403, refused.text
    [error] = refused.json()["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN", "action": "write", "field": "inputs[0]"}
    assert secret["id"] not in error["message"]
    assert _entity_count(neo4j_driver) == before
    denials = [e["node"] for e in admin.data(EVENTS, {"principal": "emma"})["auditEvents"]["edges"]]
    assert any(d["resourceId"] == secret["id"] for d in denials), denials
    # Cleared, the same event is recorded.
    assert post(http, event("START", "10:00:00", inputs=[orders()], outputs=[clean_orders()])).status_code == 201


def test_an_emitter_cannot_make_itself_owner_of_a_hidden_dataset(admin, as_role, http):
    """Without the check, an `ownership` facet naming the emitter would hand it the owner rule's read."""
    [secret] = upsert(admin, dataset(ORDERS, owners=["steward"]))
    admin.data(CLASSIFY, {"id": secret["id"], "n": "PII"})
    engineer = as_role("data-engineer", name="mallory")
    claim = {"eventTime": "2026-03-01T10:00:00Z", "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders",
             "facets": {"ownership": {"owners": [{"name": "mallory"}]}}}}
    refused = post(http, claim, token=engineer.token)
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["field"] == "dataset"
    assert admin.data(ENTITY, {"id": secret["id"]})["entity"]["owners"] == ["steward"]
    assert engineer.data(ENTITY, {"id": secret["id"]})["entity"] is None

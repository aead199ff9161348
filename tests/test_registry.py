"""The model registry: numbered versions, aliases with history, and the promotion workflow."""

from __future__ import annotations

import asyncio

from provgraph.domain.principals import Principal

from .graph import dataset, live_edges, upsert
from .mlops import (
    APPROVE,
    CREATE_VERSION,
    LOG_INPUTS,
    MODEL_VERSION,
    REJECT,
    REQUEST,
    SET_ALIAS,
    audit_actions,
    model_version,
    start_run,
)

HISTORY = """query($id: ID!, $alias: String) { model(id: $id) {
  aliases { alias version } aliasHistory(alias: $alias) { alias version removedAt assignedBy } } }"""
BY_ALIAS = "query($m: ID!, $a: String!) { modelVersionByAlias(modelId: $m, alias: $a) { version } }"
CLASSIFY = 'mutation($id: ID!, $name: String!) { classify(entityId: $id, name: $name) { id } }'


GRANT_APPROVAL = 'mutation($p: String!, $e: ID!) { grant(principal: $p, action: "approve", entityId: $e) }'


def grant_approval(admin, principal: str, model_id: str) -> None:
    """An instance grant: `principal` may approve promotions of this one model."""
    assert admin.data(GRANT_APPROVAL, {"p": principal, "e": model_id})["grant"] is True


# -- versions ---------------------------------------------------------------------------------------


def test_version_numbers_count_up_per_model(admin):
    assert [model_version(admin, "churn")["version"] for _ in range(3)] == [1, 2, 3]
    fraud = model_version(admin, "fraud")
    assert fraud["version"] == 1 and fraud["entity"]["qualifiedName"] == "fraud/v1"
    assert fraud["entity"]["name"] == "fraud v1"


def test_a_version_is_contained_in_its_model_and_produced_by_its_run(admin, neo4j_driver):
    run = start_run(admin, qualifiedName="runs/42")
    version = model_version(admin, "churn", run["id"])
    assert version["runId"] == run["id"]
    assert ("runs/42", "PRODUCED", "churn/v1") in live_edges(neo4j_driver)
    with neo4j_driver.session() as session:
        contained = session.run(
            "MATCH (m:Model)-[:HAS_VERSION]->(v:ModelVersion {id: $id}) RETURN m.qualifiedName AS m", id=version["id"]
        ).single()
    assert contained["m"] == "churn"


def test_concurrent_registrations_get_distinct_numbers(http, services):
    principal = Principal(name="admin", roles=("admin",))

    async def register_ten() -> list[int]:
        created = await asyncio.gather(*(services.registry.create_model_version(principal, "churn") for _ in range(10)))
        return sorted(v.version for v in created)

    assert http.portal.call(register_ten) == list(range(1, 11))


def test_numbering_continues_after_versions_upserted_outside_the_registry(admin):
    upsert(
        admin,
        {"type": "MODEL", "qualifiedName": "legacy"},
        {"type": "MODEL_VERSION", "qualifiedName": "legacy/2019", "container": {"type": "MODEL", "qualifiedName": "legacy"}},
    )
    assert model_version(admin, "legacy")["version"] == 2


# -- aliases ----------------------------------------------------------------------------------------


def test_an_alias_moves_between_versions_and_keeps_its_history(admin):
    v1, v2 = model_version(admin, "churn"), model_version(admin, "churn")
    model_id = v1["modelId"]
    admin.data(SET_ALIAS, {"model": model_id, "version": v1["id"], "alias": "champion"})
    moved = admin.data(SET_ALIAS, {"model": model_id, "version": v2["id"], "alias": "champion"})["setAlias"]
    assert (moved["version"], moved["removedAt"]) == (2, None)
    model = admin.data(HISTORY, {"id": model_id, "alias": "champion"})["model"]
    assert model["aliases"] == [{"alias": "champion", "version": 2}]  # unique per model
    assert [(a["version"], a["removedAt"] is None) for a in model["aliasHistory"]] == [(2, True), (1, False)]
    assert admin.data(BY_ALIAS, {"m": model_id, "a": "champion"})["modelVersionByAlias"]["version"] == 2
    assert admin.data(MODEL_VERSION, {"id": v1["id"]})["modelVersion"]["aliases"] == []


def test_setting_an_alias_where_it_already_points_changes_nothing(admin):
    v1 = model_version(admin, "churn")
    admin.data(SET_ALIAS, {"model": v1["modelId"], "version": v1["id"], "alias": "champion"})
    admin.data(SET_ALIAS, {"model": v1["modelId"], "version": v1["id"], "alias": "champion"})
    assert len(admin.data(HISTORY, {"id": v1["modelId"], "alias": None})["model"]["aliasHistory"]) == 1


def test_one_version_may_hold_several_aliases(admin):
    v1 = model_version(admin, "churn")
    for alias in ("champion", "stable"):
        admin.data(SET_ALIAS, {"model": v1["modelId"], "version": v1["id"], "alias": alias})
    assert admin.data(MODEL_VERSION, {"id": v1["id"]})["modelVersion"]["aliases"] == ["champion", "stable"]


def test_an_alias_on_a_version_of_another_model_is_bad_input(admin):
    churn, fraud = model_version(admin, "churn"), model_version(admin, "fraud")
    error = admin.error(SET_ALIAS, {"model": churn["modelId"], "version": fraud["id"], "alias": "champion"})
    assert error["extensions"]["code"] == "BAD_INPUT" and "versionId" in error["message"]
    assert "its own model" in error["message"]


def test_an_alias_name_with_spaces_is_bad_input(admin):
    v1 = model_version(admin, "churn")
    error = admin.error(SET_ALIAS, {"model": v1["modelId"], "version": v1["id"], "alias": "the champion"})
    assert error["extensions"]["code"] == "BAD_INPUT" and "alias" in error["message"]


# -- promotions -------------------------------------------------------------------------------------


def test_a_reviewer_approves_a_promotion_and_the_alias_moves(admin, as_role, neo4j_driver):
    scientist, reviewer = as_role("data-scientist", name="alice"), as_role("governance-reviewer", name="rita")
    version = model_version(scientist, "churn")
    request = scientist.data(REQUEST, {"version": version["id"], "alias": "champion", "comment": "AUC +3 points"})[
        "requestPromotion"
    ]
    assert (request["status"], request["requestedBy"], request["needsGovernance"]) == ("PENDING", "alice", False)
    approved = reviewer.data(APPROVE, {"id": request["id"], "comment": "checked the eval report"})["approvePromotion"]
    assert (approved["status"], approved["decidedBy"], approved["decisionComment"]) == (
        "APPROVED", "rita", "checked the eval report")
    shown = admin.data(MODEL_VERSION, {"id": version["id"]})["modelVersion"]
    assert shown["aliases"] == ["champion"]
    assert [(p["status"], p["requestedBy"], p["decidedBy"]) for p in shown["promotions"]] == [("APPROVED", "alice", "rita")]
    steps = [a for a in audit_actions(neo4j_driver, version["id"]) if a[1].endswith("promotion")]
    assert steps == [("alice", "request-promotion", "allow"), ("rita", "approve-promotion", "allow")]


def test_approving_your_own_request_is_forbidden_and_audited(admin, neo4j_driver):
    version = model_version(admin, "churn")
    request = admin.data(REQUEST, {"version": version["id"], "alias": "champion"})["requestPromotion"]
    error = admin.error(APPROVE, {"id": request["id"]})
    assert error["extensions"]["code"] == "FORBIDDEN" and "another reviewer" in error["message"]
    assert admin.data(MODEL_VERSION, {"id": version["id"]})["modelVersion"]["aliases"] == []
    assert ("admin", "approve-promotion", "deny") in audit_actions(neo4j_driver, version["id"])


def test_a_rejected_promotion_leaves_the_alias_where_it_was(admin, as_role):
    scientist, reviewer = as_role("data-scientist"), as_role("governance-reviewer")
    v1, v2 = model_version(scientist, "churn"), model_version(scientist, "churn")
    scientist.data(SET_ALIAS, {"model": v1["modelId"], "version": v1["id"], "alias": "champion"})
    request = scientist.data(REQUEST, {"version": v2["id"], "alias": "champion"})["requestPromotion"]
    rejected = reviewer.data(REJECT, {"id": request["id"], "comment": "calibration is off"})["rejectPromotion"]
    assert rejected["status"] == "REJECTED" and rejected["decisionComment"] == "calibration is off"
    assert admin.data(BY_ALIAS, {"m": v1["modelId"], "a": "champion"})["modelVersionByAlias"]["version"] == 1


def test_a_decided_promotion_cannot_be_decided_again(as_role):
    scientist, reviewer = as_role("data-scientist"), as_role("governance-reviewer")
    version = model_version(scientist, "churn")
    request = scientist.data(REQUEST, {"version": version["id"], "alias": "champion"})["requestPromotion"]
    reviewer.data(APPROVE, {"id": request["id"]})
    error = reviewer.error(REJECT, {"id": request["id"]})
    assert error["extensions"]["code"] == "CONFLICT" and "already approved" in error["message"]


def test_a_second_pending_request_for_the_same_alias_is_a_conflict(as_role):
    scientist = as_role("data-scientist")
    version = model_version(scientist, "churn")
    scientist.data(REQUEST, {"version": version["id"], "alias": "champion"})
    error = scientist.error(REQUEST, {"version": version["id"], "alias": "champion"})
    assert error["extensions"]["code"] == "CONFLICT" and "already pending" in error["message"]


def test_a_data_scientist_may_not_approve_without_a_grant(as_role):
    alice, bob = as_role("data-scientist", name="alice"), as_role("data-scientist", name="bob")
    version = model_version(alice, "churn")
    request = alice.data(REQUEST, {"version": version["id"], "alias": "champion"})["requestPromotion"]
    assert bob.error(APPROVE, {"id": request["id"]})["extensions"]["code"] == "FORBIDDEN"


def test_a_grant_on_the_model_lets_a_principal_approve(admin, as_role):
    alice, bob = as_role("data-scientist", name="alice"), as_role("data-scientist", name="bob")
    version = model_version(alice, "churn")
    grant_approval(admin, "bob", version["modelId"])
    request = alice.data(REQUEST, {"version": version["id"], "alias": "champion"})["requestPromotion"]
    assert bob.data(APPROVE, {"id": request["id"]})["approvePromotion"]["status"] == "APPROVED"


def test_approve_is_granted_on_a_model_only(admin, as_role):
    as_role("data-scientist", name="bob")
    [data] = upsert(admin, dataset("db://a"))
    error = admin.error(GRANT_APPROVAL, {"p": "bob", "e": data["id"]})
    assert error["extensions"] == {"code": "BAD_INPUT", "field": "entityId"} and "MODEL" in error["message"]
    clearance = admin.error('mutation { grant(principal: "bob", action: "approve", classification: "PII") }')
    assert clearance["extensions"]["code"] == "BAD_INPUT"


# -- restricted data upstream -----------------------------------------------------------------------


def _version_trained_on_pii(admin, scientist, name="alice"):
    """customers (PII) -INPUT_TO-> run -PRODUCED-> churn v1, by a data scientist cleared for PII."""
    admin.data('mutation($p: String!) { grant(principal: $p, action: "read", classification: "PII") }', {"p": name})
    customers = upsert(admin, dataset("postgres://crm/customers"))[0]
    admin.data(CLASSIFY, {"id": customers["id"], "name": "PII"})
    run = start_run(scientist)
    scientist.data(LOG_INPUTS, {"run": run["id"], "in": [{"id": customers["id"]}]})
    return customers, scientist.data(CREATE_VERSION, {"model": "churn", "run": run["id"]})["createModelVersion"]


def test_a_version_with_pii_upstream_needs_a_governance_reviewer(admin, as_role):
    alice, bob, rita = as_role("data-scientist", name="alice"), as_role("data-scientist", name="bob"), as_role(
        "governance-reviewer", name="rita")
    _, version = _version_trained_on_pii(admin, alice)
    grant_approval(admin, "bob", version["modelId"])
    request = alice.data(REQUEST, {"version": version["id"], "alias": "champion"})["requestPromotion"]
    assert request["needsGovernance"] and request["restrictedUpstream"] == ["PII"]
    error = bob.error(APPROVE, {"id": request["id"]})
    assert error["extensions"]["code"] == "FORBIDDEN" and "PII" in error["message"]
    assert rita.data(APPROVE, {"id": request["id"]})["approvePromotion"]["status"] == "APPROVED"


def test_moving_an_alias_onto_a_version_with_pii_upstream_directly_is_forbidden(admin, as_role):
    alice = as_role("data-scientist", name="alice")
    _, version = _version_trained_on_pii(admin, alice)
    error = alice.error(SET_ALIAS, {"model": version["modelId"], "version": version["id"], "alias": "champion"})
    assert error["extensions"]["code"] == "FORBIDDEN" and "requestPromotion" in error["message"]


def test_a_blocked_classification_upstream_still_needs_a_reviewer(admin, as_role):
    """customers (PII) -INPUT_TO-> anonymise (PII blocked) -PRODUCED-> features -INPUT_TO-> run -> v1:
    the version does not carry PII, but its data came from PII, which is what a reviewer must see."""
    alice = as_role("data-scientist", name="alice")
    upsert(admin, dataset("postgres://crm/customers"))
    admin.data(
        "mutation($in: ProcessInput!) { recordProcess(input: $in) { id } }",
        {"in": {"type": "PIPELINE_RUN", "qualifiedName": "airflow://anonymise/1",
                "inputs": [{"type": "DATASET", "qualifiedName": "postgres://crm/customers"}],
                "outputs": [{"type": "DATASET", "qualifiedName": "s3://lake/features"}]}},
    )
    ids = {e["qualifiedName"]: e["id"] for e in upsert(admin, dataset("postgres://crm/customers"), dataset("s3://lake/features"))}
    anonymise = admin.data('query { entityByName(type: PIPELINE_RUN, qualifiedName: "airflow://anonymise/1") { id } }')
    admin.data(
        'mutation($s: ID!, $t: ID!) { blockPropagation(sourceId: $s, targetId: $t, classification: "PII") { source } }',
        {"s": anonymise["entityByName"]["id"], "t": ids["s3://lake/features"]},
    )
    admin.data(CLASSIFY, {"id": ids["postgres://crm/customers"], "name": "PII"})
    run = start_run(alice)  # alice is not cleared for PII, and need not be: the features do not carry it
    alice.data(LOG_INPUTS, {"run": run["id"], "in": [{"id": ids["s3://lake/features"]}]})
    version = alice.data(CREATE_VERSION, {"model": "churn", "run": run["id"]})["createModelVersion"]
    entity = admin.data("query($id: ID!) { entity(id: $id) { classifications { name } } }", {"id": version["id"]})
    assert entity["entity"]["classifications"] == []
    request = alice.data(REQUEST, {"version": version["id"], "alias": "champion"})["requestPromotion"]
    assert request["restrictedUpstream"] == ["PII"] and request["needsGovernance"] is True


PENDING = "{ promotions(status: PENDING) { totalCount edges { node { id versionId } } } }"


def test_the_inbox_neither_lists_nor_counts_a_request_about_a_version_the_reader_may_not_see(admin, as_role):
    alice, bob = as_role("data-scientist", name="alice"), as_role("data-scientist", name="bob")
    _, hidden_version = _version_trained_on_pii(admin, alice)
    hidden = alice.data(REQUEST, {"version": hidden_version["id"], "alias": "champion"})["requestPromotion"]
    plain_version = model_version(bob, "plain-model")
    plain = bob.data(REQUEST, {"version": plain_version["id"], "alias": "champion"})["requestPromotion"]

    seen_by_bob = bob.data(PENDING)["promotions"]
    assert seen_by_bob["totalCount"] == 1
    assert [e["node"]["id"] for e in seen_by_bob["edges"]] == [plain["id"]]
    seen_by_alice = alice.data(PENDING)["promotions"]  # cleared for PII: both
    assert seen_by_alice["totalCount"] == 2
    assert {e["node"]["id"] for e in seen_by_alice["edges"]} == {hidden["id"], plain["id"]}

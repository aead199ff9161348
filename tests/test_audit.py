"""The audit log: each audited action leaves exactly the expected event, the log is one hash chain, and
`provgraph audit verify` names the first event anyone edited or deleted."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest

from provgraph.cli.audit import audit_verify
from provgraph.cli.runtime import Runtime
from provgraph.domain.entities import EntityInput, EntityType
from provgraph.domain.principals import Principal
from provgraph.governance.access import DEFAULT_DENY
from provgraph.governance.audit import event_hash, verify_chain
from provgraph.governance.neo4j_adapter import Neo4jPolicyAdapter
from provgraph.resources import resource_dir
from provgraph.store.database import native  # a driver DateTime or a datetime, as the codec in use hydrates it

from .documents import ENTITY, GRANT, REVOKE, SEARCH, UPSERT
from .graph import dataset, upsert

ADMIN_RULE = "p, role:admin, *, *, allow"
EVENT_FIELDS = "seq time principal action resourceId resourceIds resourceType decision rule requestId client details prevHash hash"
EVENTS = f"""query($principal: String, $entityId: ID, $action: String, $decision: String, $since: DateTime,
               $until: DateTime, $first: Int, $after: String) {{
  auditEvents(principal: $principal, entityId: $entityId, action: $action, decision: $decision, since: $since,
              until: $until, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }}
    edges {{ cursor node {{ {EVENT_FIELDS} }} }}
  }}
}}"""


def events(admin, **filters) -> list[dict]:
    return [edge["node"] for edge in admin.data(EVENTS, {"first": 1000, **filters})["auditEvents"]["edges"]]


def verify(services, http):
    """What `provgraph audit verify` does: chain the backlog, then walk the chain."""
    sequenced(services, http)
    return http.portal.call(verify_chain, services.db)


def sequenced(services, http) -> None:
    """Chains every pending event now (the sequencer's loop would, a few ms later): the tampering below
    edits the chain through the database, where only sequenced events have a seq."""
    http.portal.call(services.sequencer.sequence_pending)


# -- what gets recorded ---------------------------------------------------------------------------


def test_an_upsert_leaves_one_write_event_per_entity_with_who_where_and_why(admin, http):
    response = http.post(
        "/graphql",
        json={"query": UPSERT, "variables": {"in": [dataset("db://a"), dataset("db://b")]}},
        headers={"Authorization": f"Bearer {admin.token}", "X-Request-Id": "req-upsert-1"},
    )
    stored = {e["qualifiedName"]: e["id"] for e in response.json()["data"]["upsertEntities"]}

    writes = events(admin, action="write")
    assert sorted(e["resourceId"] for e in writes) == sorted(stored.values())
    for event in writes:
        assert event["principal"] == "admin"
        assert event["resourceType"] == "Dataset"
        assert event["decision"] == "allow"
        assert event["rule"] == ADMIN_RULE
        assert event["requestId"] == "req-upsert-1"
        assert event["client"] == "testclient"
        assert event["details"] == {"operation": "upsertEntities"}


def test_a_denied_write_leaves_one_denial_and_nothing_else(admin, as_role):
    viewer = as_role("viewer", name="vic")
    assert viewer.error(UPSERT, {"in": [dataset("db://a")]})["extensions"]["code"] == "FORBIDDEN"

    [denial] = events(admin, principal="vic", decision="deny")
    assert (denial["action"], denial["resourceType"], denial["rule"]) == ("write", "Dataset", DEFAULT_DENY)
    assert events(admin, action="write", decision="allow") == []
    assert events(admin, principal="vic") == [denial]


def test_a_write_and_its_event_commit_together(admin, as_role, neo4j_driver):
    """The denied half of a batch rolls the whole batch back, events included."""
    engineer = as_role("data-engineer", name="erin")
    error = engineer.error(UPSERT, {"in": [dataset("db://ok"), {"type": "MODEL", "qualifiedName": "m"}]})
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert events(admin, principal="erin", action="write", decision="allow") == []
    with neo4j_driver.session() as session:
        assert session.run("MATCH (e:Entity) RETURN count(e) AS n").single()["n"] == 0


def test_a_delete_is_audited_with_the_rule_that_allowed_it(admin, as_role):
    owner = as_role("viewer", name="olga")
    [created] = upsert(admin, dataset("db://a", owners=["olga"]))
    assert owner.data("mutation($id: ID!) { deleteEntity(id: $id) }", {"id": created["id"]})["deleteEntity"] is True

    [event] = events(admin, action="delete")
    assert (event["principal"], event["resourceId"], event["decision"]) == ("olga", created["id"], "allow")
    assert event["rule"] == "p, relation:owner, entity:*, write, allow"


def test_a_login_failure_is_audited(admin, http, services):
    http.post("/graphql", json={"query": "{ me { name } }"}, headers={"Authorization": "Bearer pgt_wrong"})
    http.post("/graphql", json={"query": "{ me { name } }"})
    # Failures are summarised per window (governance/auth_failures.py): close the window now.
    http.portal.call(services.principals.record_login_failures, True)

    failures = events(admin, action="login")
    assert [(e["principal"], e["decision"], e["details"]["reason"]) for e in failures] == [
        ("anonymous", "deny", "no bearer token"),
        ("anonymous", "deny", "unknown token"),
    ]


def test_reading_unrestricted_metadata_is_one_event_per_request(admin, as_role):
    upsert(admin, dataset("db://a"), dataset("db://b"), dataset("db://c"))
    viewer = as_role("viewer", name="val")
    assert viewer.data(SEARCH, {"first": 10})["search"]["totalCount"] == 3

    [read] = events(admin, principal="val", action="read")
    assert read["resourceId"] is None and read["decision"] == "allow"
    assert read["details"] == {"operation": "search", "entities": 3, "total": 3}
    assert read["rule"] == "p, role:viewer, type:*, read, allow"


def test_reading_one_entity_is_one_event_about_it(admin, as_role):
    [created] = upsert(admin, dataset("db://a"))
    viewer = as_role("viewer", name="val")
    viewer.data(ENTITY, {"id": created["id"]})

    [read] = events(admin, principal="val", action="read")
    assert (read["resourceId"], read["resourceType"], read["decision"]) == (created["id"], "Dataset", "allow")


def test_reading_a_restricted_entity_is_one_event_per_restricted_entity(admin, as_role):
    plain, secret = upsert(admin, dataset("db://plain"), dataset("db://secret"))
    admin.data('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": secret["id"]})
    reviewer = as_role("governance-reviewer", name="rita")
    assert reviewer.data(SEARCH, {"first": 10})["search"]["totalCount"] == 2

    reads = events(admin, principal="rita", action="read")
    by_resource = {e["resourceId"]: e for e in reads}
    assert set(by_resource) == {None, secret["id"]}  # the request, and the one restricted entity
    assert by_resource[secret["id"]]["details"]["restricted"] == ["PII"]
    assert by_resource[secret["id"]]["rule"] == "p, role:governance-reviewer, restricted:*, read, allow"


def test_a_hidden_entity_asked_for_by_id_is_a_denial(admin, as_role):
    [secret] = upsert(admin, dataset("db://secret"))
    admin.data('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": secret["id"]})
    viewer = as_role("viewer", name="val")
    assert viewer.data(ENTITY, {"id": secret["id"]})["entity"] is None

    [denial] = events(admin, principal="val", action="read")
    assert (denial["resourceId"], denial["resourceType"], denial["decision"]) == (secret["id"], "Dataset", "deny")


LINEAGE = "query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 2) { nodes { id restricted } } }"


def tagged_downstream(admin):
    """base and secret -> run -> out1, out2, with secret PII: the run and both outputs carry it."""
    base, secret, out1, out2 = upsert(admin, dataset("db://base"), dataset("db://secret"), dataset("db://out1"), dataset("db://out2"))
    admin.data(
        "mutation($in: ProcessInput!) { recordProcess(input: $in) { id } }",
        {"in": {"type": "RUN", "qualifiedName": "runs/1", "inputs": [{"id": base["id"]}, {"id": secret["id"]}],
                "outputs": [{"id": out1["id"]}, {"id": out2["id"]}]}},
    )
    admin.data('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": secret["id"]})
    return base, out1, out2


def test_restricted_entities_met_in_one_answer_are_grouped_by_decision_rule_and_type(admin, as_role, services, http):
    base, out1, out2 = tagged_downstream(admin)
    viewer, reviewer = as_role("viewer", name="val"), as_role("governance-reviewer", name="rita")
    assert sum(n["restricted"] for n in viewer.data(LINEAGE, {"id": base["id"]})["lineage"]["nodes"]) == 3
    reviewer.data(LINEAGE, {"id": base["id"]})

    denied = {e["resourceType"]: e for e in events(admin, principal="val", decision="deny")}
    assert set(denied) == {"Run", "Dataset"}
    assert denied["Run"]["resourceId"] is not None and denied["Run"]["resourceIds"] == []
    assert denied["Dataset"]["resourceId"] is None
    assert sorted(denied["Dataset"]["resourceIds"]) == sorted([out1["id"], out2["id"]])
    assert denied["Dataset"]["details"] == {"operation": "lineage", "entities": 2}
    revealed = [e for e in events(admin, principal="rita", action="read") if e["resourceId"] != base["id"]]
    grouped = [e for e in revealed if e["resourceIds"]]
    assert len(revealed) == 2 and len(grouped) == 1
    assert grouped[0]["details"] == {"operation": "lineage", "entities": 2, "restricted": ["PII"]}
    assert grouped[0]["rule"] == "p, role:governance-reviewer, restricted:*, read, allow"
    # Filtering by entity finds the grouped events that list it, and the chain still verifies.
    about_out1 = events(admin, entityId=out1["id"], action="read")
    assert {(e["principal"], e["decision"]) for e in about_out1} == {("val", "deny"), ("rita", "allow")}
    assert verify(services, http).ok


def test_grouped_events_are_in_the_hash_chain(admin, as_role, services, http):
    base, out1, _ = tagged_downstream(admin)
    as_role("viewer", name="val").data(LINEAGE, {"id": base["id"]})
    assert verify(services, http).ok
    [grouped] = [e for e in events(admin, principal="val") if e["resourceIds"]]
    stored = {"seq": grouped["seq"], "time": datetime.fromisoformat(grouped["time"]),
              "principal": grouped["principal"], "action": grouped["action"], "resourceId": None,
              "resourceType": grouped["resourceType"], "decision": grouped["decision"], "rule": grouped["rule"],
              "requestId": grouped["requestId"], "client": grouped["client"],
              "details": json.dumps(grouped["details"], sort_keys=True, separators=(",", ":")),
              "prevHash": grouped["prevHash"]}
    assert event_hash({**stored, "resourceIds": grouped["resourceIds"]}) == grouped["hash"]
    assert event_hash({**stored, "resourceIds": [out1["id"]]}) != grouped["hash"]  # editing the list is detected


def test_principal_and_grant_changes_are_audited(admin):
    admin.data('mutation { createPrincipal(name: "pat", roles: ["viewer"]) { token } }')
    [created] = upsert(admin, dataset("db://a"))
    admin.data(GRANT, {"p": "pat", "a": "read", "e": created["id"]})
    admin.data(REVOKE, {"p": "pat", "a": "read", "e": created["id"]})
    admin.data(GRANT, {"p": "pat", "a": "role:data-engineer"})
    admin.data(GRANT, {"p": "pat", "a": "read", "c": "PII"})
    admin.data('mutation { rotateToken(name: "pat") }')
    admin.data('mutation { deactivatePrincipal(name: "pat") }')

    changes = [
        (e["action"], e["resourceId"], e["details"].get("granted"))
        for e in reversed(events(admin, principal="admin"))
        if e["action"] not in ("read", "write", "read-audit")
    ]
    assert changes == [
        ("create-principal", "pat", None),
        ("grant", created["id"], "read"),
        ("revoke", created["id"], "read"),
        ("grant", "pat", "role:data-engineer"),
        ("grant", "PII", "read"),
        ("rotate-token", "pat", None),
        ("deactivate-principal", "pat", None),
    ]


def test_a_changed_role_table_is_audited_once(services, http, admin, tmp_path):
    [deployed] = events(admin, action="policy-change")  # recorded when this store was prepared
    assert (deployed["principal"], deployed["resourceId"], deployed["details"]["previous"]) == ("system", "policies", None)

    policies = resource_dir("policies")
    (tmp_path / "model.conf").write_bytes((policies / "model.conf").read_bytes())
    changed = tmp_path / "policy.csv"
    changed.write_text((policies / "policy.csv").read_text() + "p, role:viewer, reports, run, allow\n")
    adapter = Neo4jPolicyAdapter(services.db, policy_file=changed)
    assert http.portal.call(adapter.audit_policy_files) is True
    assert http.portal.call(adapter.audit_policy_files) is False  # the same files again: nothing new

    latest = events(admin, action="policy-change")[0]
    assert latest["details"]["previous"] == deployed["details"]["digest"] != latest["details"]["digest"]


# -- reading the log --------------------------------------------------------------------------------


def test_only_admins_and_reviewers_read_the_audit_log(admin, as_role):
    assert as_role("governance-reviewer").data(EVENTS, {})["auditEvents"]["totalCount"] >= 1
    for role in ("viewer", "data-engineer", "data-scientist"):
        error = as_role(role, name=f"no-{role}").error(EVENTS, {})
        assert error["extensions"]["code"] == "FORBIDDEN"
        [denial] = events(admin, principal=f"no-{role}", decision="deny")
        assert denial["resourceType"] == "audit"


def test_audit_events_are_newest_first_and_page_with_cursors(admin):
    upsert(admin, *(dataset(f"db://t{i}") for i in range(5)))
    first = admin.data(EVENTS, {"action": "write", "first": 2})["auditEvents"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
    upsert(admin, dataset("db://later"))  # appended while paging: pages after the cursor do not shift
    rest = admin.data(EVENTS, {"action": "write", "first": 10, "after": first["pageInfo"]["endCursor"]})["auditEvents"]
    seqs = [e["node"]["seq"] for e in first["edges"] + rest["edges"]]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == 5
    assert rest["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True, "endCursor": rest["edges"][-1]["cursor"]}


def test_audit_events_filter_by_entity_decision_and_time(admin, as_role):
    a, b = upsert(admin, dataset("db://a"), dataset("db://b"))
    as_role("viewer", name="val").error("mutation($id: ID!) { deleteEntity(id: $id) }", {"id": a["id"]})

    about_a = events(admin, entityId=a["id"])
    assert {(e["action"], e["decision"]) for e in about_a} == {("write", "allow"), ("delete", "deny")}
    assert [e["action"] for e in events(admin, entityId=a["id"], decision="deny")] == ["delete"]
    [write_b] = events(admin, entityId=b["id"])
    same_moment = events(admin, action="write", since=write_b["time"], until=write_b["time"])  # one transaction
    assert {e["resourceId"] for e in same_moment} == {a["id"], b["id"]}
    assert events(admin, action="write", until="2000-01-01T00:00:00Z") == []
    assert events(admin, action="write", since="2999-01-01T00:00:00Z") == []


@pytest.mark.parametrize(("field", "value"), [("decision", "maybe"), ("after", "bm90LWEtY3Vyc29y")])
def test_audit_events_reject_bad_filters(admin, field, value):
    error = admin.error(EVENTS, {field: value})
    assert error["extensions"]["code"] == "BAD_INPUT" and field in error["message"]


# -- the hash chain ---------------------------------------------------------------------------------


def test_every_event_carries_the_hash_of_the_one_before(admin):
    upsert(admin, dataset("db://a"), dataset("db://b"))
    chain = sorted(events(admin), key=lambda e: e["seq"])
    assert [e["seq"] for e in chain] == list(range(1, len(chain) + 1))
    assert chain[0]["prevHash"] == ""
    assert all(later["prevHash"] == earlier["hash"] for earlier, later in zip(chain, chain[1:]))


def test_verify_passes_on_an_untouched_chain(admin, services, http):
    upsert(admin, dataset("db://a"), dataset("db://b"))
    check = verify(services, http)
    assert check.ok and check.first_broken_seq is None and check.checked >= 2


def test_editing_an_event_makes_verify_fail_and_name_it(admin, services, http, neo4j_driver):
    upsert(admin, dataset("db://a"), dataset("db://b"), dataset("db://c"))
    sequenced(services, http)
    with neo4j_driver.session() as session:
        session.run("MATCH (e:AuditEvent {seq: 2}) SET e.principal = 'someone-else'").consume()
    check = verify(services, http)
    assert not check.ok and check.first_broken_seq == 2 and "event 2" in check.message


def test_an_edit_with_a_recomputed_hash_is_caught_by_the_next_event(admin, services, http, neo4j_driver):
    upsert(admin, dataset("db://a"), dataset("db://b"), dataset("db://c"))
    sequenced(services, http)
    with neo4j_driver.session() as session:
        row = session.run("MATCH (e:AuditEvent {seq: 2}) RETURN e {.*} AS e").single()["e"]
        row = {**row, "time": native(row["time"]), "principal": "someone-else"}
        session.run("MATCH (e:AuditEvent {seq: 2}) SET e.principal = $p, e.hash = $h", p="someone-else", h=event_hash(row)).consume()
    check = verify(services, http)
    assert not check.ok and check.first_broken_seq == 2 and "event 2 or 3" in check.message


def test_deleting_an_event_makes_verify_fail_and_name_it(admin, services, http, neo4j_driver):
    upsert(admin, dataset("db://a"), dataset("db://b"), dataset("db://c"))
    sequenced(services, http)
    with neo4j_driver.session() as session:
        session.run("MATCH (e:AuditEvent {seq: 2}) DELETE e").consume()
    check = verify(services, http)
    assert not check.ok and check.first_broken_seq == 2 and "missing" in check.message


def test_deleting_the_newest_events_is_caught_by_the_head(admin, services, http, neo4j_driver):
    upsert(admin, dataset("db://a"), dataset("db://b"), dataset("db://c"))
    sequenced(services, http)
    with neo4j_driver.session() as session:
        last = session.run("MATCH (e:AuditEvent) RETURN max(e.seq) AS last").single()["last"]
        session.run("MATCH (e:AuditEvent) WHERE e.seq = $last DELETE e", last=last).consume()
    check = verify(services, http)
    assert not check.ok and check.first_broken_seq == last


def test_concurrent_writers_append_one_unbroken_chain(admin, services, http):
    writer = Principal(name="admin", roles=("admin",))

    async def many() -> None:
        await asyncio.gather(
            *(
                services.ingest.upsert_entities(writer, [EntityInput(type=EntityType.DATASET, qualified_name=f"db://c{i}")])
                for i in range(20)
            )
        )

    http.portal.call(many)
    check = verify(services, http)
    assert check.ok, check.message
    assert len(events(admin, action="write")) == 20


def test_the_cli_verify_exits_nonzero_and_names_the_broken_event(admin, neo4j_uri, monkeypatch, capsys, neo4j_driver):
    upsert(admin, dataset("db://a"), dataset("db://b"))
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    assert audit_verify(Runtime.from_environment(), None) == 0
    assert "intact" in capsys.readouterr().out
    with neo4j_driver.session() as session:
        session.run("MATCH (e:AuditEvent {seq: 1}) SET e.decision = 'deny'").consume()
    assert audit_verify(Runtime.from_environment(), None) == 1
    assert "event 1" in capsys.readouterr().err

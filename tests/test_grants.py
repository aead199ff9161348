"""Grants: clearances reveal restricted entities and revoking hides them again, instance grants open one
entity, owners update their own entities, and a grant made through one API replica is enforced by another."""

from __future__ import annotations

import time

import casbin
import pytest
from starlette.testclient import TestClient

from provgraph.api.app import create_app
from provgraph.domain.principals import Principal
from provgraph.governance.access import AccessControl
from provgraph.governance.neo4j_adapter import Neo4jPolicyAdapter
from provgraph.resources import resource_dir

from .documents import CLASSIFY, ENTITY, GRANT, REVOKE, SEARCH, UPSERT
from .graph import dataset, upsert
from .support import ADMIN_TOKEN, GraphQLClient

GRANTS = "query($p: String) { grants(principal: $p) { principal action entityId classification } }"


def pii_dataset(admin, qualified_name: str) -> dict:
    [created] = upsert(admin, dataset(qualified_name, owners=["data-team"]))
    admin.data(CLASSIFY, {"id": created["id"], "n": "PII"})
    return created


def visible_ids(client) -> set[str]:
    return {edge["node"]["id"] for edge in client.data(SEARCH, {"first": 100})["search"]["edges"]}


# -- clearances and instance grants -------------------------------------------------------------------


def test_a_clearance_reveals_restricted_entities_and_revoking_it_hides_them_again(admin, as_role):
    secret = pii_dataset(admin, "warehouse.customers")
    viewer = as_role("viewer", name="val")
    assert viewer.data(ENTITY, {"id": secret["id"]})["entity"] is None
    assert secret["id"] not in visible_ids(viewer)

    assert admin.data(GRANT, {"p": "val", "a": "read", "c": "PII"})["grant"] is True
    assert viewer.data(ENTITY, {"id": secret["id"]})["entity"]["qualifiedName"] == "warehouse.customers"
    assert secret["id"] in visible_ids(viewer)

    assert admin.data(REVOKE, {"p": "val", "a": "read", "c": "PII"})["revoke"] is True
    assert viewer.data(ENTITY, {"id": secret["id"]})["entity"] is None
    assert secret["id"] not in visible_ids(viewer)


def test_a_clearance_for_one_classification_does_not_reveal_another(admin, as_role):
    [both] = upsert(admin, dataset("db://both"))
    admin.data(CLASSIFY, {"id": both["id"], "n": "PII"})
    admin.data(CLASSIFY, {"id": both["id"], "n": "SENSITIVE"})
    viewer = as_role("viewer", name="val")
    admin.data(GRANT, {"p": "val", "a": "read", "c": "PII"})
    assert viewer.data(ENTITY, {"id": both["id"]})["entity"] is None
    admin.data(GRANT, {"p": "val", "a": "read", "c": "SENSITIVE"})
    assert viewer.data(ENTITY, {"id": both["id"]})["entity"]["id"] == both["id"]


def test_an_instance_grant_reveals_that_entity_only(admin, as_role):
    granted, other = pii_dataset(admin, "db://granted"), pii_dataset(admin, "db://other")
    viewer = as_role("viewer", name="val")
    admin.data(GRANT, {"p": "val", "a": "read", "e": granted["id"]})

    assert viewer.data(ENTITY, {"id": granted["id"]})["entity"]["id"] == granted["id"]
    assert viewer.data(ENTITY, {"id": other["id"]})["entity"] is None
    assert visible_ids(viewer) == {granted["id"]}
    assert viewer.data(SEARCH, {"first": 100})["search"]["totalCount"] == 1


def test_an_instance_write_grant_lets_a_viewer_update_that_entity_only(admin, as_role):
    target, _ = upsert(admin, dataset("db://target"), dataset("db://other"))
    viewer = as_role("viewer", name="val")
    admin.data(GRANT, {"p": "val", "a": "write", "e": target["id"]})

    [updated] = viewer.data(UPSERT, {"in": [dataset("db://target", description="now documented")]})["upsertEntities"]
    assert updated["description"] == "now documented"
    assert viewer.error(UPSERT, {"in": [dataset("db://other", description="x")]})["extensions"]["code"] == "FORBIDDEN"
    assert viewer.error(UPSERT, {"in": [dataset("db://new")]})["extensions"]["code"] == "FORBIDDEN"


def test_owners_update_their_entities_whatever_their_role(admin, as_role):
    upsert(admin, dataset("db://mine", owners=["val"]))
    viewer = as_role("viewer", name="val")
    [updated] = viewer.data(UPSERT, {"in": [dataset("db://mine", description="mine to describe")]})["upsertEntities"]
    assert updated["description"] == "mine to describe"
    # ownership is of that entity: creating another dataset still needs the type right
    assert viewer.error(UPSERT, {"in": [dataset("db://not-yet", owners=["val"])]})["extensions"]["code"] == "FORBIDDEN"


def test_an_explicit_deny_beats_ownership(admin, as_role):
    upsert(admin, dataset("db://reviewed", owners=["rita"]))
    reviewer = as_role("governance-reviewer", name="rita")
    error = reviewer.error(UPSERT, {"in": [dataset("db://reviewed", description="x")]})
    assert error["extensions"]["code"] == "FORBIDDEN"


def test_a_restricted_entity_cannot_be_written_by_an_uncleared_engineer(admin, as_role):
    pii_dataset(admin, "db://secret")
    engineer = as_role("data-engineer", name="erin")
    error = engineer.error(UPSERT, {"in": [dataset("db://secret", description="overwrite")]})
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "data-team" not in error["message"] and "secret" not in error["message"]


# -- the grant mutations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "code", "fragment"),
    [
        ({"p": "val", "a": "read"}, "BAD_INPUT", "entityId"),
        ({"p": "val", "a": "read", "e": "00000000-0000-4000-8000-000000000000", "c": "PII"}, "BAD_INPUT", "entityId"),
        ({"p": "val", "a": "fly", "c": "PII"}, "BAD_INPUT", "action"),
        ({"p": "val", "a": "write", "c": "PII"}, "BAD_INPUT", "clearance"),
        ({"p": "val", "a": "role:superuser"}, "BAD_INPUT", "unknown role"),
        ({"p": "val", "a": "role:viewer", "c": "PII"}, "BAD_INPUT", "action"),
        ({"p": "val", "a": "read", "e": "not-an-id"}, "BAD_INPUT", "entityId"),
        ({"p": "nobody", "a": "read", "c": "PII"}, "NOT_FOUND", "principal"),
        ({"p": "val", "a": "read", "e": "00000000-0000-4000-8000-000000000000"}, "NOT_FOUND", "entityId"),
        ({"p": "val", "a": "read", "c": "NO_SUCH_TAG"}, "NOT_FOUND", "classification"),
    ],
)
def test_grant_rejects_bad_requests_naming_the_field(admin, as_role, variables, code, fragment):
    as_role("viewer", name="val")
    error = admin.error(GRANT, variables)
    assert error["extensions"]["code"] == code and fragment in error["message"]


@pytest.mark.parametrize("role", ["governance-reviewer", "data-engineer", "data-scientist", "viewer"])
def test_only_admins_grant_and_revoke(as_role, role):
    as_role("viewer", name="val")
    actor = as_role(role)
    assert actor.error(GRANT, {"p": "val", "a": "read", "c": "PII"})["extensions"]["code"] == "FORBIDDEN"
    assert actor.error(REVOKE, {"p": "val", "a": "read", "c": "PII"})["extensions"]["code"] == "FORBIDDEN"


def test_revoke_is_false_when_there_was_nothing_to_revoke(admin, as_role):
    as_role("viewer", name="val")
    assert admin.data(REVOKE, {"p": "val", "a": "read", "c": "PII"})["revoke"] is False


def test_grants_are_listed_for_reviewers(admin, as_role):
    [created] = upsert(admin, dataset("db://a"))
    as_role("viewer", name="val")
    admin.data(GRANT, {"p": "val", "a": "read", "c": "PII"})
    admin.data(GRANT, {"p": "val", "a": "write", "e": created["id"]})
    reviewer = as_role("governance-reviewer")
    assert sorted(reviewer.data(GRANTS, {"p": "val"})["grants"], key=lambda g: g["action"]) == [
        {"principal": "val", "action": "read", "entityId": None, "classification": "PII"},
        {"principal": "val", "action": "write", "entityId": created["id"], "classification": None},
    ]
    assert as_role("viewer").error(GRANTS, {"p": "val"})["extensions"]["code"] == "FORBIDDEN"


# -- storage and replicas ---------------------------------------------------------------------------


def test_grants_are_casbin_rules_stored_in_neo4j(admin, as_role, neo4j_driver):
    as_role("viewer", name="val")
    admin.data(GRANT, {"p": "val", "a": "read", "c": "PII"})
    with neo4j_driver.session() as session:
        rules = [r["rule"] for r in session.run("MATCH (r:PolicyRule) RETURN r.rule AS rule")]
        version = session.run("MATCH (v:PolicyVersion) RETURN v.version AS v").single()["v"]
    assert rules == [["principal:val", "restricted:PII", "read", "allow"]]
    assert version >= 1


def test_the_adapter_serves_casbins_own_interface(services, http):
    """casbin's AsyncEnforcer persists through the adapter, and a fresh enforcer loads what it stored
    together with the built-in role table from policies/policy.csv."""
    directory = resource_dir("policies")

    async def roundtrip() -> tuple[bool, bool, bool]:
        writer = casbin.AsyncEnforcer(str(directory / "model.conf"), Neo4jPolicyAdapter(services.db))
        await writer.load_policy()
        await writer.add_policy("principal:zoe", "entity:abc", "read", "allow")
        reader = AccessControl.from_policies(adapter=Neo4jPolicyAdapter(services.db))
        await reader.load()
        zoe = Principal(name="zoe", roles=("viewer",))
        granted = reader.allows(zoe, "read", "entity:abc")
        builtin = reader.allows(zoe, "read", "type:Dataset")
        await writer.remove_policy("principal:zoe", "entity:abc", "read", "allow")
        await reader.load()
        return granted, builtin, reader.allows(zoe, "read", "entity:abc")

    assert http.portal.call(roundtrip) == (True, True, False)


def test_a_grant_made_through_one_replica_is_enforced_by_another(admin, as_role, settings):
    secret = pii_dataset(admin, "warehouse.customers")
    created = admin.data('mutation { createPrincipal(name: "val", roles: ["viewer"]) { token } }')
    token = created["createPrincipal"]["token"]
    with TestClient(create_app(settings)) as replica_b:
        viewer_on_b = GraphQLClient(replica_b, token)
        admin_on_b = GraphQLClient(replica_b, ADMIN_TOKEN)
        assert viewer_on_b.data(ENTITY, {"id": secret["id"]})["entity"] is None

        admin.data(GRANT, {"p": "val", "a": "read", "c": "PII"})  # through replica A
        assert _eventually(lambda: viewer_on_b.data(ENTITY, {"id": secret["id"]})["entity"] is not None)

        admin_on_b.data(REVOKE, {"p": "val", "a": "read", "c": "PII"})  # through replica B
        viewer_on_a = admin.with_token(token)
        assert _eventually(lambda: viewer_on_a.data(ENTITY, {"id": secret["id"]})["entity"] is None)


def _eventually(check, timeout: float = 5.0) -> bool:
    """True once check() is, polling: replicas converge within about a second (the policy check interval)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()

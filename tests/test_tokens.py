"""Tokens and principal lifecycle: rotation, deactivation and role changes take effect on the next request,
on every replica, because authentication reads the principal from Neo4j on every request."""

from __future__ import annotations

from starlette.testclient import TestClient

from provgraph.api.app import create_app
from provgraph.cli.principal import principal_rotate
from provgraph.cli.runtime import Runtime

from .documents import ME, UPSERT
from .graph import dataset
from .support import GraphQLClient

GRANT = "mutation($p: String!, $a: String!) { grant(principal: $p, action: $a) }"
REVOKE = "mutation($p: String!, $a: String!) { revoke(principal: $p, action: $a) }"
ROTATE = "mutation($n: String!) { rotateToken(name: $n) }"
DEACTIVATE = "mutation($n: String!) { deactivatePrincipal(name: $n) }"


def create(admin, name: str, *roles: str) -> GraphQLClient:
    created = admin.data(
        "mutation($n: String!, $r: [String!]!) { createPrincipal(name: $n, roles: $r) { token } }", {"n": name, "r": list(roles)}
    )
    return admin.with_token(created["createPrincipal"]["token"])


def test_an_admin_rotates_a_token_and_the_old_one_stops_working(admin):
    old = create(admin, "val", "viewer")
    new_token = admin.data(ROTATE, {"n": "val"})["rotateToken"]
    assert new_token.startswith("pgt_") and new_token != old.token
    assert old.execute(ME)["_status"] == 401
    assert admin.with_token(new_token).data(ME)["me"]["name"] == "val"


def test_a_principal_rotates_its_own_token_but_no_one_elses(admin):
    val = create(admin, "val", "viewer")
    create(admin, "other", "viewer")
    assert val.error(ROTATE, {"n": "other"})["extensions"]["code"] == "FORBIDDEN"
    new_token = val.data(ROTATE, {"n": "val"})["rotateToken"]
    assert val.execute(ME)["_status"] == 401
    assert admin.with_token(new_token).data(ME)["me"]["name"] == "val"


def test_rotating_an_unknown_principal_is_not_found(admin):
    error = admin.error(ROTATE, {"n": "nobody"})
    assert error["extensions"]["code"] == "NOT_FOUND" and "nobody" in error["message"]


def test_the_cli_rotates_a_token(admin, neo4j_uri, monkeypatch, capsys):
    old = create(admin, "val", "viewer")
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    args = type("Args", (), {"name": "val"})()
    assert principal_rotate(Runtime.from_environment(), args) == 0
    new_token = capsys.readouterr().out.strip()
    assert old.execute(ME)["_status"] == 401
    assert admin.with_token(new_token).data(ME)["me"]["name"] == "val"


def test_deactivation_takes_effect_on_the_next_request_on_every_replica(admin, settings):
    val = create(admin, "val", "viewer")
    with TestClient(create_app(settings)) as replica_b:
        val_on_b = GraphQLClient(replica_b, val.token)
        assert val_on_b.data(ME)["me"]["name"] == "val"
        assert admin.data(DEACTIVATE, {"n": "val"})["deactivatePrincipal"] is True
        assert val.execute(ME)["_status"] == 401
        assert val_on_b.execute(ME)["_status"] == 401
    assert admin.data(DEACTIVATE, {"n": "val"})["deactivatePrincipal"] is False  # already inactive


def test_only_admins_deactivate(admin, as_role):
    create(admin, "val", "viewer")
    assert as_role("governance-reviewer").error(DEACTIVATE, {"n": "val"})["extensions"]["code"] == "FORBIDDEN"


def test_a_revoked_role_stops_working_on_the_next_request(admin):
    erin = create(admin, "erin", "data-engineer")
    erin.data(UPSERT, {"in": [dataset("db://a")]})
    admin.data(GRANT, {"p": "erin", "a": "role:viewer"})
    assert admin.data(REVOKE, {"p": "erin", "a": "role:data-engineer"})["revoke"] is True

    assert erin.data(ME)["me"]["roles"] == ["viewer"]
    assert erin.error(UPSERT, {"in": [dataset("db://b")]})["extensions"]["code"] == "FORBIDDEN"


def test_a_granted_role_works_on_the_next_request(admin):
    val = create(admin, "val", "viewer")
    assert val.error(UPSERT, {"in": [dataset("db://a")]})["extensions"]["code"] == "FORBIDDEN"
    assert admin.data(GRANT, {"p": "val", "a": "role:data-engineer"})["grant"] is True
    assert val.data(UPSERT, {"in": [dataset("db://a")]})["upsertEntities"][0]["qualifiedName"] == "db://a"


def test_a_principal_keeps_at_least_one_role(admin):
    create(admin, "val", "viewer")
    error = admin.error(REVOKE, {"p": "val", "a": "role:viewer"})
    assert error["extensions"]["code"] == "CONFLICT" and "deactivate" in error["message"]


def test_the_last_active_admin_keeps_the_admin_role(admin):
    admin.data(GRANT, {"p": "admin", "a": "role:viewer"})
    error = admin.error(REVOKE, {"p": "admin", "a": "role:admin"})
    assert error["extensions"]["code"] == "CONFLICT" and "last active admin" in error["message"]
    create(admin, "second-admin", "admin")
    assert admin.data(REVOKE, {"p": "admin", "a": "role:admin"})["revoke"] is True
    assert admin.data(ME)["me"]["roles"] == ["viewer"]

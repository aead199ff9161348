"""Bearer tokens, principals, and the type-level role table enforced in the service layer."""

from __future__ import annotations

import pytest

from .documents import ME, UPSERT
from .graph import count_entities, dataset



def test_no_token_is_401(http):
    response = http.post("/graphql", json={"query": ME})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_wrong_token_is_401(admin):
    body = admin.with_token("pgt_wrong").execute(ME)
    assert body["_status"] == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_health_needs_no_token(http):
    assert http.get("/healthz").json() == {"status": "ok"}
    assert http.get("/readyz").status_code == 200


def test_every_response_carries_a_request_id(http, admin):
    given = http.post("/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {admin.token}", "X-Request-Id": "req-42"})
    assert given.headers["x-request-id"] == "req-42"
    generated = http.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32


def test_me_names_the_caller_and_its_roles(admin, as_role):
    assert admin.data(ME)["me"] == {"name": "admin", "roles": ["admin"]}
    assert as_role("viewer", name="vera").data(ME)["me"] == {"name": "vera", "roles": ["viewer"]}


def test_create_principal_returns_a_token_stored_only_hashed(admin, neo4j_driver):
    created = admin.data('mutation { createPrincipal(name: "dana", roles: ["data-engineer"]) { principal { name roles } token } }')
    token = created["createPrincipal"]["token"]
    assert created["createPrincipal"]["principal"] == {"name": "dana", "roles": ["data-engineer"]}
    assert token.startswith("pgt_") and len(token) >= 4 + 43  # 32 random bytes, url-safe base64
    with neo4j_driver.session() as session:
        stored = session.run("MATCH (p:Principal {name: 'dana'}) RETURN properties(p) AS p").single()["p"]
    assert token not in {str(v) for v in stored.values()}
    assert admin.with_token(token).data(ME)["me"]["name"] == "dana"


def test_a_deactivated_principal_token_is_rejected(admin, neo4j_driver):
    token = admin.data('mutation { createPrincipal(name: "gone", roles: ["viewer"]) { token } }')["createPrincipal"]["token"]
    with neo4j_driver.session() as session:
        session.run("MATCH (p:Principal {name: 'gone'}) SET p.active = false").consume()
    assert admin.with_token(token).execute(ME)["_status"] == 401


@pytest.mark.parametrize(
    ("name", "roles", "code", "fragment"),
    [
        ("bad name!", ["viewer"], "BAD_INPUT", "name:"),
        ("ok", ["superuser"], "BAD_INPUT", "unknown role 'superuser'"),
        ("ok", [], "BAD_INPUT", "at least one role"),
        ("admin", ["viewer"], "CONFLICT", "already exists"),
    ],
)
def test_create_principal_rejects_bad_input(admin, name, roles, code, fragment):
    error = admin.error("mutation($n: String!, $r: [String!]!) { createPrincipal(name: $n, roles: $r) { token } }",
                        {"n": name, "r": roles})
    assert error["extensions"]["code"] == code and fragment in error["message"]


def test_only_an_admin_creates_principals(as_role):
    error = as_role("governance-reviewer").error('mutation { createPrincipal(name: "x", roles: ["admin"]) { token } }')
    assert error["extensions"]["code"] == "FORBIDDEN"


def test_a_viewer_cannot_upsert(as_role, neo4j_driver):
    error = as_role("viewer").error(UPSERT, {"in": [dataset("db://a")]})
    assert error["extensions"]["code"] == "FORBIDDEN" and "DATASET" in error["message"]
    assert count_entities(neo4j_driver) == 0


def test_a_data_scientist_cannot_write_a_dataset_but_can_write_a_model(as_role, neo4j_driver):
    scientist = as_role("data-scientist")
    assert scientist.error(UPSERT, {"in": [dataset("db://a")]})["extensions"]["code"] == "FORBIDDEN"
    scientist.data(UPSERT, {"in": [{"type": "MODEL", "qualifiedName": "m"}]})
    assert count_entities(neo4j_driver) == 1


def test_a_data_engineer_writes_datasets(as_role):
    engineer = as_role("data-engineer")
    [stored] = engineer.data(UPSERT, {"in": [dataset("db://a")]})["upsertEntities"]
    assert stored["qualifiedName"] == "db://a"

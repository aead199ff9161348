"""Console sessions (POST/GET/DELETE /api/v1/session), cookie authentication and its CSRF defence."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from provgraph.api.cookies import SESSION_COOKIE
from provgraph.config import Settings
from provgraph.store.database import native  # a driver DateTime or a datetime, as the codec in use hydrates it

from .documents import UPSERT
from .graph import count_entities, dataset
from .support import ADMIN_TOKEN

ORIGIN = "http://testserver"  # the TestClient's own origin (scheme + Host header)
ME = "{ me { name roles } }"


@pytest.fixture(autouse=True)
def no_cookie_jar(http: TestClient):
    """The session-wide client must not carry a cookie from one test into another: every test here
    sends the cookie it means to, by hand."""
    http.cookies.clear()
    yield
    http.cookies.clear()


def sign_in(http: TestClient, token: str = ADMIN_TOKEN, **headers: str):
    response = http.post("/api/v1/session", json={"token": token}, headers={"Origin": ORIGIN, **headers})
    http.cookies.clear()
    return response


def session_id(response) -> str:
    cookie = response.headers["set-cookie"]
    name, _, rest = cookie.partition("=")
    assert name == SESSION_COOKIE
    return rest.split(";")[0]


def with_cookie(sid: str, **headers: str) -> dict[str, str]:
    return {"Cookie": f"{SESSION_COOKIE}={sid}", **headers}


def graphql(http: TestClient, query: str, headers: dict[str, str], variables: dict | None = None):
    return http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


def audit_events(neo4j_driver, action: str) -> list[dict]:
    with neo4j_driver.session() as session:
        # Chained events by seq, then those still waiting for the sequencer in the order it will chain them.
        rows = session.run(
            "MATCH (e {action: $a}) WHERE e:AuditEvent OR e:PendingAuditEvent "
            "RETURN e {.*} AS e ORDER BY e.seq IS NULL, e.seq, e.time, e.eventId",
            a=action,
        )
        return [row["e"] for row in rows]


def close_failure_windows(http) -> None:
    """Writes the failed-authentication summaries now rather than when their window closes."""
    http.portal.call(http.app.state.services.principals.record_login_failures, True)


def stored_sessions(neo4j_driver) -> list[dict]:
    with neo4j_driver.session() as session:
        rows = session.run("MATCH (s:Session) OPTIONAL MATCH (s)-[:SESSION_OF]->(p:Principal) RETURN s {.*} AS s, p.name AS p")
        return [{**row["s"], "principal": row["p"]} for row in rows]


def set_session_times(neo4j_driver, **times: datetime) -> None:
    with neo4j_driver.session() as session:
        session.run("MATCH (s:Session) SET s += $times", times=times).consume()


# -- sign-in ------------------------------------------------------------------------------------------


def test_sign_in_answers_the_principal_and_sets_a_strict_http_only_cookie(http, neo4j_driver):
    response = sign_in(http)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["principal"] == {"name": "admin", "roles": ["admin"]}
    expires_at = datetime.fromisoformat(body["expiresAt"])
    assert timedelta(hours=7, minutes=59) < expires_at - datetime.now(UTC) <= timedelta(hours=8)
    attributes = [part.strip() for part in response.headers["set-cookie"].split(";")]
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= set(attributes)
    assert "Secure" not in attributes  # plain http: a Secure cookie would never come back
    assert f"Max-Age={8 * 3600}" in attributes
    assert [event["decision"] for event in audit_events(neo4j_driver, "sign-in")] == ["allow"]


def test_over_https_the_cookie_is_secure(http):
    response = http.post(
        "https://testserver/api/v1/session", json={"token": ADMIN_TOKEN}, headers={"Origin": "https://testserver"}
    )
    assert response.status_code == 200, response.text
    assert "Secure" in [part.strip() for part in response.headers["set-cookie"].split(";")]


def test_the_session_id_is_stored_only_as_its_sha256_linked_to_the_principal(http, neo4j_driver):
    sid = session_id(sign_in(http))
    [stored] = stored_sessions(neo4j_driver)
    assert stored["idHash"] == hashlib.sha256(sid.encode()).hexdigest()
    assert stored["principal"] == "admin"
    assert sid not in json.dumps(stored, default=str)
    assert len(sid) >= 43  # 32 random bytes, url-safe base64


@pytest.mark.parametrize("token", ["pgt_wrong", "", "   "])
def test_a_wrong_or_empty_token_is_401_with_no_cookie_and_is_audited(http, neo4j_driver, token):
    response = sign_in(http, token)
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"].startswith("token: ")
    assert "set-cookie" not in response.headers
    assert stored_sessions(neo4j_driver) == []
    assert audit_events(neo4j_driver, "sign-in") == []  # failures are summarised per client and window
    close_failure_windows(http)
    [summary] = audit_events(neo4j_driver, "sign-in")
    assert summary["decision"] == "deny" and json.loads(summary["details"])["failures"] == 1


def test_a_deactivated_principal_cannot_sign_in(http, admin, neo4j_driver):
    token = admin.data('mutation { createPrincipal(name: "gone", roles: ["viewer"]) { token } }')["createPrincipal"]["token"]
    admin.data('mutation { deactivatePrincipal(name: "gone") }')
    response = sign_in(http, token)
    assert response.status_code == 401 and "set-cookie" not in response.headers
    close_failure_windows(http)
    assert [event["principal"] for event in audit_events(neo4j_driver, "sign-in")] == ["gone"]


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        (b"{not json", "application/json", "body"),
        (b'["pgt_x"]', "application/json", "body"),
        (b"{}", "application/json", "token"),
        (b'{"token": 42}', "application/json", "token"),
        (b'{"token": "pgt_x", "remember": true}', "application/json", "remember"),
        (b'{"token": "pgt_x"}', "text/plain", "Content-Type"),
    ],
)
def test_a_malformed_sign_in_body_is_bad_input_naming_the_field(http, neo4j_driver, body, content_type, field):
    response = http.post("/api/v1/session", content=body, headers={"Content-Type": content_type, "Origin": ORIGIN})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_INPUT", "field": field}
    assert error["message"].startswith(f"{field}: ")
    assert stored_sessions(neo4j_driver) == []


def test_a_sign_in_body_over_4_kb_is_refused_while_reading(http, neo4j_driver):
    padded = json.dumps({"token": "x" * 5000}).encode()
    declared = http.post("/api/v1/session", content=padded, headers={"Content-Type": "application/json"})

    def chunks():  # no Content-Length: the limit must be counted while the body streams in
        for start in range(0, len(padded), 1000):
            yield padded[start : start + 1000]

    streamed = http.post("/api/v1/session", content=chunks(), headers={"Content-Type": "application/json"})
    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and "4096 bytes" in error["message"]
    assert stored_sessions(neo4j_driver) == [] and audit_events(neo4j_driver, "sign-in") == []


def test_sign_in_from_another_site_is_refused(http, neo4j_driver):
    response = sign_in(http, Origin="https://evil.example")
    assert response.status_code == 403
    assert response.json()["errors"][0] == {"message": "cross-site request refused", "extensions": {"code": "FORBIDDEN"}}
    assert stored_sessions(neo4j_driver) == []


def test_sign_in_without_an_origin_works_for_non_browser_clients(http):
    response = http.post("/api/v1/session", json={"token": ADMIN_TOKEN})
    http.cookies.clear()
    assert response.status_code == 200 and session_id(response)


# -- using the session ------------------------------------------------------------------------------


def test_the_cookie_authenticates_graphql_and_the_session_route(http):
    sid = session_id(sign_in(http))
    me = graphql(http, ME, with_cookie(sid, Origin=ORIGIN))
    assert me.json() == {"data": {"me": {"name": "admin", "roles": ["admin"]}}}
    current = http.get("/api/v1/session", headers=with_cookie(sid))
    assert current.status_code == 200
    assert current.json()["principal"] == {"name": "admin", "roles": ["admin"]}
    assert current.json()["expiresAt"] is not None


def test_the_session_route_answers_for_a_bearer_too_and_401_without_credentials(http):
    bearer = http.get("/api/v1/session", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert bearer.json() == {"principal": {"name": "admin", "roles": ["admin"]}, "expiresAt": None}
    anonymous = http.get("/api/v1/session")
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_cookie_authenticates_report_downloads(http, admin):
    [created] = admin.data(UPSERT, {"in": [dataset("db://reported")]})["upsertEntities"]
    entity_id = created["id"]
    sid = session_id(sign_in(http))
    response = http.get(f"/api/v1/reports/provenance/{entity_id}?format=json", headers=with_cookie(sid))
    assert response.status_code == 200, response.text
    assert "db://reported" in response.text


def test_a_bearer_header_wins_over_the_cookie(http, as_role):
    viewer = as_role("viewer", name="vic")
    sid = session_id(sign_in(http))  # admin's session
    me = graphql(http, ME, with_cookie(sid, Authorization=f"Bearer {viewer.token}"))
    assert me.json()["data"]["me"]["name"] == "vic"
    wrong = graphql(http, ME, with_cookie(sid, Authorization="Bearer pgt_wrong"))
    assert wrong.status_code == 401  # a bad bearer is never rescued by a cookie


# -- CSRF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin_headers",
    [
        {},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "https://testserver"},  # same host, other scheme: another origin
        {"Referer": "https://evil.example/page"},
    ],
)
def test_a_cookie_mutation_without_the_servers_origin_is_refused_and_writes_nothing(http, neo4j_driver, origin_headers):
    sid = session_id(sign_in(http))
    response = graphql(http, UPSERT, with_cookie(sid, **origin_headers), {"in": [dataset("db://csrf")]})
    assert response.status_code == 403
    assert response.json()["errors"][0] == {"message": "cross-site request refused", "extensions": {"code": "FORBIDDEN"}}
    assert count_entities(neo4j_driver) == 0


@pytest.mark.parametrize(
    "origin_headers",
    [{"Origin": ORIGIN}, {"Origin": "http://testserver:80"}, {"Referer": f"{ORIGIN}/entities/x?tab=lineage"}],
)
def test_a_cookie_mutation_from_the_servers_own_origin_is_accepted(http, neo4j_driver, origin_headers):
    sid = session_id(sign_in(http))
    response = graphql(http, UPSERT, with_cookie(sid, **origin_headers), {"in": [dataset("db://same-site")]})
    assert response.status_code == 200 and not response.json().get("errors"), response.text
    assert count_entities(neo4j_driver) == 1


def test_the_origin_is_compared_with_the_host_header(http):
    sid = session_id(sign_in(http))
    headers = with_cookie(sid, Host="console.example:8443", Origin="http://console.example:8443")
    assert graphql(http, ME, headers).status_code == 200
    assert graphql(http, ME, {**headers, "Origin": ORIGIN}).status_code == 403


def test_bearer_requests_are_not_subject_to_the_origin_check(http, neo4j_driver):
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Origin": "https://evil.example"}
    response = graphql(http, UPSERT, headers, {"in": [dataset("db://api-client")]})
    assert response.status_code == 200 and not response.json().get("errors"), response.text
    assert count_entities(neo4j_driver) == 1


def test_a_cookie_read_over_get_needs_no_origin(http):
    sid = session_id(sign_in(http))
    response = http.get("/graphql", params={"query": ME}, headers=with_cookie(sid, Accept="application/json"))
    assert response.json() == {"data": {"me": {"name": "admin", "roles": ["admin"]}}}


@pytest.mark.parametrize("credentials", ["cookie", "bearer"])
def test_graphql_refuses_mutations_over_get(http, neo4j_driver, credentials):
    sid = session_id(sign_in(http))
    headers = with_cookie(sid) if credentials == "cookie" else {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    mutation = 'mutation { deactivatePrincipal(name: "admin") }'
    response = http.get("/graphql", params={"query": mutation}, headers={**headers, "Accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert "mutations are not allowed" in response.json()["errors"][0]["message"].lower()
    me = graphql(http, ME, {"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert me.json()["data"]["me"]["name"] == "admin"  # still active


# -- sign-out, expiry, deactivation ---------------------------------------------------------------


def test_sign_out_revokes_the_session_server_side_and_clears_the_cookie(http, neo4j_driver):
    sid = session_id(sign_in(http))
    response = http.delete("/api/v1/session", headers=with_cookie(sid, Origin=ORIGIN))
    assert response.status_code == 204
    cleared = [part.strip() for part in response.headers["set-cookie"].split(";")]
    assert cleared[0] == f"{SESSION_COOKIE}=" and "Max-Age=0" in cleared
    assert stored_sessions(neo4j_driver) == []
    after = graphql(http, ME, with_cookie(sid, Origin=ORIGIN))
    assert after.status_code == 401 and after.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert [event["principal"] for event in audit_events(neo4j_driver, "sign-out")] == ["admin"]
    again = http.delete("/api/v1/session", headers=with_cookie(sid, Origin=ORIGIN))
    assert again.status_code == 204 and len(audit_events(neo4j_driver, "sign-out")) == 1


def test_sign_out_from_another_site_is_refused(http, neo4j_driver):
    sid = session_id(sign_in(http))
    response = http.delete("/api/v1/session", headers=with_cookie(sid, Origin="https://evil.example"))
    assert response.status_code == 403
    assert len(stored_sessions(neo4j_driver)) == 1
    assert http.get("/api/v1/session", headers=with_cookie(sid)).status_code == 200


@pytest.mark.parametrize("which", ["absolute", "idle"])
def test_an_expired_session_is_401_clears_the_cookie_and_is_audited_once(http, neo4j_driver, which):
    sid = session_id(sign_in(http))
    now = datetime.now(UTC)
    if which == "absolute":
        set_session_times(neo4j_driver, expiresAt=now - timedelta(seconds=1))
    else:
        set_session_times(neo4j_driver, lastSeenAt=now - timedelta(minutes=31))
    response = http.get("/api/v1/session", headers=with_cookie(sid))
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert stored_sessions(neo4j_driver) == []
    assert http.get("/api/v1/session", headers=with_cookie(sid)).status_code == 401
    [expired] = audit_events(neo4j_driver, "session-expired")
    assert expired["principal"] == "admin"
    assert ("absolute lifetime" if which == "absolute" else "idle") in expired["rule"]


def test_last_seen_is_written_at_most_once_a_minute(http, neo4j_driver):
    sid = session_id(sign_in(http))
    recent = datetime.now(UTC) - timedelta(seconds=10)
    set_session_times(neo4j_driver, lastSeenAt=recent)
    assert http.get("/api/v1/session", headers=with_cookie(sid)).status_code == 200
    assert native(stored_sessions(neo4j_driver)[0]["lastSeenAt"]) == recent  # no write for a fresh touch
    stale = datetime.now(UTC) - timedelta(minutes=5)
    set_session_times(neo4j_driver, lastSeenAt=stale)
    assert http.get("/api/v1/session", headers=with_cookie(sid)).status_code == 200
    assert native(stored_sessions(neo4j_driver)[0]["lastSeenAt"]) > recent  # moved to now


def test_a_deactivated_principals_session_stops_working(http, admin, neo4j_driver):
    token = admin.data('mutation { createPrincipal(name: "leaver", roles: ["viewer"]) { token } }')["createPrincipal"]["token"]
    sid = session_id(sign_in(http, token))
    assert graphql(http, ME, with_cookie(sid, Origin=ORIGIN)).json()["data"]["me"]["name"] == "leaver"
    admin.data('mutation { deactivatePrincipal(name: "leaver") }')
    response = graphql(http, ME, with_cookie(sid, Origin=ORIGIN))
    assert response.status_code == 401
    assert stored_sessions(neo4j_driver) == []


def test_rotating_a_token_ends_the_sessions_signed_in_with_it(http, admin, neo4j_driver):
    token = admin.data('mutation { createPrincipal(name: "rota", roles: ["viewer"]) { token } }')["createPrincipal"]["token"]
    old = session_id(sign_in(http, token))
    admin_session = session_id(sign_in(http))
    new_token = admin.data('mutation { rotateToken(name: "rota") }')["rotateToken"]
    assert http.get("/api/v1/session", headers=with_cookie(old)).status_code == 401
    assert http.get("/api/v1/session", headers=with_cookie(admin_session)).status_code == 200  # others keep theirs
    assert [s["principal"] for s in stored_sessions(neo4j_driver)] == ["admin"]
    [rotated] = audit_events(neo4j_driver, "rotate-token")
    assert json.loads(rotated["details"])["sessionsEnded"] == 1
    assert sign_in(http, new_token).status_code == 200


def test_deactivating_a_principal_ends_its_sessions_at_once(http, admin, neo4j_driver):
    token = admin.data('mutation { createPrincipal(name: "quitter", roles: ["viewer"]) { token } }')["createPrincipal"]["token"]
    session_id(sign_in(http, token))
    session_id(sign_in(http, token))
    admin.data('mutation { deactivatePrincipal(name: "quitter") }')
    assert stored_sessions(neo4j_driver) == []
    [deactivated] = audit_events(neo4j_driver, "deactivate-principal")
    assert json.loads(deactivated["details"])["sessionsEnded"] == 2


def test_an_unknown_session_cookie_is_401(http):
    response = http.get("/api/v1/session", headers=with_cookie("not-a-session"))
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_signing_in_drops_the_principals_expired_sessions(http, neo4j_driver):
    session_id(sign_in(http))
    set_session_times(neo4j_driver, expiresAt=datetime.now(UTC) - timedelta(hours=1))
    session_id(sign_in(http))
    assert len(stored_sessions(neo4j_driver)) == 1


def test_session_lifetimes_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROVGRAPH_SESSION_TTL_SECONDS", "3600")
    monkeypatch.setenv("PROVGRAPH_SESSION_IDLE_SECONDS", "600")
    settings = Settings()
    assert (settings.session_ttl_seconds, settings.session_idle_seconds) == (3600, 600)
    assert (Settings.model_fields["session_ttl_seconds"].default, Settings.model_fields["session_idle_seconds"].default) == (
        8 * 3600,
        30 * 60,
    )


def test_a_short_configured_lifetime_is_what_the_server_enforces(settings, neo4j_driver):
    from provgraph.api.app import create_app

    short = settings.model_copy(update={"session_ttl_seconds": 120, "session_idle_seconds": 60})
    with TestClient(create_app(short)) as client:
        response = client.post("/api/v1/session", json={"token": ADMIN_TOKEN})
        assert f"Max-Age=120" in response.headers["set-cookie"]
        expires_at = datetime.fromisoformat(response.json()["expiresAt"])
        assert timedelta(seconds=100) < expires_at - datetime.now(UTC) <= timedelta(seconds=120)
        sid = session_id(response)
        client.cookies.clear()
        set_session_times(neo4j_driver, lastSeenAt=datetime.now(UTC) - timedelta(seconds=61))
        assert client.get("/api/v1/session", headers=with_cookie(sid)).status_code == 401

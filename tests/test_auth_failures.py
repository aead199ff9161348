"""Failed authentication writes nothing per request: failures are counted in memory, summarised once per
(principal, reason, client) window, and a client past the threshold is refused with 429 before any
lookup, while a token this process accepted keeps working from the same address."""

from __future__ import annotations

import json
import socket

import httpx

from provgraph.governance.auth_failures import FailedLogins

from .live_server import live_server  # noqa: F401 (a fixture)
from .support import ADMIN_TOKEN

ME = {"query": "{ me { name } }"}
LOGINS = '{ auditEvents(action: "login", first: 100) { edges { node { principal decision client details } } } }'


def logins(admin) -> list[dict]:
    return [edge["node"] for edge in admin.data(LOGINS)["auditEvents"]["edges"]]


def stored_events(neo4j_driver) -> int:
    with neo4j_driver.session() as session:
        return session.run("MATCH (e) WHERE e:AuditEvent OR e:PendingAuditEvent RETURN count(e) AS n").single()["n"]


def test_failures_write_nothing_until_the_window_is_summarised(http, services, admin, neo4j_driver):
    before = stored_events(neo4j_driver)
    for _ in range(3):
        assert http.post("/graphql", json=ME, headers={"Authorization": "Bearer pgt_wrong"}).status_code == 401
    assert http.post("/graphql", json=ME).status_code == 401
    assert stored_events(neo4j_driver) == before  # nothing written on the request path

    assert http.portal.call(services.principals.record_login_failures, True) == 2  # (reason) x (client)
    summaries = {e["details"]["reason"]: e for e in logins(admin)}
    assert set(summaries) == {"unknown token", "no bearer token"}
    assert summaries["unknown token"]["details"]["failures"] == 3
    assert summaries["no bearer token"]["details"]["failures"] == 1
    assert {(e["principal"], e["decision"], e["client"]) for e in summaries.values()} == {("anonymous", "deny", "testclient")}
    assert http.portal.call(services.principals.record_login_failures, True) == 0  # each window once


def test_past_the_threshold_a_client_gets_429_with_retry_after(http, services, admin, monkeypatch):
    failures = services.principals.failures
    monkeypatch.setattr(failures, "threshold", 5)
    http.post("/graphql", json=ME, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})  # accepted: remembered
    for _ in range(failures.threshold):
        assert http.post("/graphql", json=ME, headers={"Authorization": "Bearer pgt_guess"}).status_code == 401
    refused = http.post("/graphql", json=ME, headers={"Authorization": "Bearer pgt_guess"})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and "retry after" in error["message"]
    assert http.post("/graphql", json=ME).status_code == 429  # no token either
    # A token this process accepted from the same address still works (a user behind the same NAT).
    ok = http.post("/graphql", json=ME, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert ok.status_code == 200 and ok.json()["data"]["me"]["name"] == "admin"

    http.portal.call(services.principals.record_login_failures, True)
    [summary] = [e for e in logins(admin) if e["details"]["reason"] == "unknown token"]
    assert summary["details"]["failures"] == failures.threshold and summary["details"]["refused"] == 2


def test_a_window_closes_by_itself_and_reopens():
    now = [0.0]
    failures = FailedLogins(window=60, threshold=2, clock=lambda: now[0])
    failures.failed("10.0.0.1", "anonymous", "unknown token", "r1")
    failures.failed("10.0.0.1", "anonymous", "unknown token", "r2")
    assert failures.retry_after("10.0.0.1", None) == 60
    assert failures.retry_after("10.0.0.2", None) is None  # per client
    assert failures.take_summaries() == []  # the window is still open
    now[0] = 59.5
    assert failures.retry_after("10.0.0.1", None) == 1
    now[0] = 60.0
    assert failures.retry_after("10.0.0.1", None) is None
    [summary] = failures.take_summaries()
    assert (summary.client, summary.details["failures"], summary.details["refused"]) == ("10.0.0.1", 2, 2)


def test_lookups_in_flight_count_towards_the_threshold():
    """200 guesses arriving at once cost at most `threshold` token lookups, not 200."""
    failures = FailedLogins(window=60, threshold=3, clock=lambda: 0.0)
    admitted = [failures.admit("10.0.0.1", f"guess-{i}") for i in range(200)]
    assert sum(a.counted for a in admitted) == 3
    assert all(a.retry_after is not None for a in admitted[3:])
    failures.accepted("known")
    assert failures.admit("10.0.0.1", "known").retry_after is None  # a token accepted before still works
    for _ in range(3):
        failures.checked("10.0.0.1")
    assert failures.admit("10.0.0.1", "guess-new").counted  # nothing failed: the lookups were fine


def test_a_refused_client_is_answered_before_its_body_is_read_and_disconnected(live_server, monkeypatch):
    """A real server: past the threshold, a request declaring a 50 MB body it never sends is answered
    429 at once (an answer that waited for the body would never come) and the server closes the
    connection, so nothing more is read from it."""
    failures = live_server.services.principals.failures
    monkeypatch.setattr(failures, "threshold", 2)
    try:
        for _ in range(2):
            guess = httpx.post(f"{live_server.url}/graphql", json=ME, headers={"Authorization": "Bearer pgt_guess"})
            assert guess.status_code == 401
        with socket.create_connection(("127.0.0.1", live_server.port), timeout=60) as connection:
            connection.sendall(
                b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer pgt_guess\r\n"
                b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
            )
            answer = b""
            while chunk := connection.recv(65536):  # b"": the server closed the connection
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        status_line, *lines = head.decode().split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
        assert status_line.split(" ")[1] == "429"
        assert headers["connection"] == "close" and int(headers["retry-after"]) >= 1
        assert headers["x-content-type-options"] == "nosniff" and headers["x-request-id"]
        error = json.loads(body)["errors"][0]
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and "retry after" in error["message"]
    finally:
        failures.reset()

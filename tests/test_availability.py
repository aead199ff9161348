"""When Neo4j goes away the API answers UNAVAILABLE / 503, writes nothing, and recovers when it returns."""

from __future__ import annotations

import asyncio
from urllib.parse import urlparse

import pytest
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from starlette.testclient import TestClient

from provgraph.api.app import create_app
from provgraph.config import Settings
from provgraph.store.retry import RetryPolicy

from .documents import UPSERT
from .graph import count_entities, dataset
from .support import ADMIN_TOKEN, GraphQLClient
from .tcp_proxy import TcpProxy


@pytest.fixture
def proxied(settings: Settings, neo4j_driver):
    target = urlparse(settings.neo4j_uri)
    proxy = TcpProxy(target.hostname, target.port)
    proxied_settings = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{proxy.port}"})
    with TestClient(create_app(proxied_settings)) as client:
        yield client, proxy
    proxy.close()


def test_neo4j_down_gives_503_unavailable_and_recovery_follows(proxied, neo4j_driver):
    http, proxy = proxied
    api = GraphQLClient(http, ADMIN_TOKEN)
    assert http.get("/readyz").status_code == 200

    proxy.cut()
    assert http.get("/readyz").status_code == 503
    assert http.get("/healthz").status_code == 200  # the process itself is fine
    body = api.execute(UPSERT, {"in": [dataset("db://while-down")]})
    assert body["_status"] == 503
    assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert "nothing was written" in body["errors"][0]["message"]

    proxy.restore()
    assert http.get("/readyz").status_code == 200
    assert count_entities(neo4j_driver) == 0  # the failed write left nothing behind
    stored = api.data(UPSERT, {"in": [dataset("db://after")]})["upsertEntities"]
    assert stored[0]["qualifiedName"] == "db://after"


def test_authentication_while_neo4j_is_down_is_503_not_401(proxied):
    http, proxy = proxied
    proxy.cut()
    response = http.post("/graphql", json={"query": "{ me { name } }"}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"


@pytest.mark.parametrize("outage", ["cut", "hang"])
def test_every_route_answers_503_unavailable_while_neo4j_is_down(proxied, outage):
    """Refused connections (`cut`) and a host that accepts and never answers (`hang`) alike: readiness,
    GraphQL and the HTTP routes all answer 503 UNAVAILABLE (within the RetryPolicy's bound, below)."""
    http, proxy = proxied
    getattr(proxy, outage)()
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert http.get("/readyz").status_code == 503
    answers = [
        http.post("/graphql", json={"query": "{ search { totalCount } }"}, headers=auth),
        http.post("/api/v1/lineage", json={"eventTime": "2026-03-01T10:00:00Z"}, headers=auth),
        http.get("/api/v1/reports/provenance/x", headers=auth),
    ]
    for response in answers:
        assert response.status_code == 503, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    proxy.restore()
    assert http.get("/readyz").status_code == 200


class FakeClock:
    """Time that passes only when an attempt or a pause says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def _failing(clock: FakeClock, error: Exception, takes: float, then=None, times: int | None = None):
    calls = []

    async def attempt():
        calls.append(clock.now)
        clock.now += takes
        if times is None or len(calls) <= times:
            raise error
        return then

    return attempt, calls


@pytest.mark.parametrize("takes", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("error", [ServiceUnavailable("down"), SessionExpired("gone")])
def test_an_unreachable_database_is_reported_within_the_bound_however_slowly_attempts_fail(takes, error):
    clock = FakeClock()
    policy = RetryPolicy(unavailable_after=2.5, attempt_timeout=1.0, clock=clock, sleep=clock.sleep)
    attempt, calls = _failing(clock, error, takes)
    with pytest.raises(type(error)):
        asyncio.run(policy.run(attempt))
    assert clock.now <= 2.5
    assert len(calls) >= 2  # it was retried, not given up at once


def test_settings_keep_the_bound_within_3_seconds():
    settings = Settings()
    assert settings.neo4j_unavailable_after <= 3.0 and settings.neo4j_connect_timeout < settings.neo4j_unavailable_after


def test_transient_errors_are_retried_for_their_own_budget_and_then_succeed():
    clock = FakeClock()
    policy = RetryPolicy(transient_for=3.0, clock=clock, sleep=clock.sleep)
    deadlock = TransientError._basic_hydrate(neo4j_code="Neo.TransientError.Transaction.DeadlockDetected", message="deadlock")
    attempt, calls = _failing(clock, deadlock, 0.05, then="done", times=4)
    assert asyncio.run(policy.run(attempt)) == "done" and len(calls) == 5


def test_errors_that_are_not_retryable_are_raised_at_once():
    clock = FakeClock()
    policy = RetryPolicy(clock=clock, sleep=clock.sleep)
    attempt, calls = _failing(clock, ValueError("a bug"), 0.0)
    with pytest.raises(ValueError):
        asyncio.run(policy.run(attempt))
    assert len(calls) == 1

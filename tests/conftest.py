"""Shared fixtures: one real Neo4j per test session (the embedded server unless NEO4J_URI is set),
one app on it, an empty graph for every test."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import TransientError
from starlette.testclient import TestClient

from provgraph.api.app import create_app
from provgraph.config import Settings
from provgraph.services.container import Services

from .support import ADMIN_TOKEN, GraphQLClient

if TYPE_CHECKING:
    from .live_server import LiveServer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    from provgraph.embedded import server

    data_dir = tmp_path_factory.mktemp("embedded-neo4j")
    # PROVGRAPH_TEST_NEO4J_HEAP lets several suites share one machine (default: 2g, as CI runs it).
    heap = os.environ.get("PROVGRAPH_TEST_NEO4J_HEAP", "2g")
    info = server.start(data_dir, port=_free_port(), detached=False, heap=heap)
    try:
        yield info.uri
    finally:
        server.stop(data_dir)


@pytest.fixture(scope="session")
def settings(neo4j_uri: str) -> Settings:
    return Settings(NEO4J_URI=neo4j_uri, PROVGRAPH_ADMIN_TOKEN=ADMIN_TOKEN)


@pytest.fixture(scope="session")
def live_servers(settings: Settings) -> Iterator[dict[int, LiveServer]]:
    """The live HTTP servers of the session (tests/live_server.py, by settings), stopped here: a session
    fixture over `settings` is torn down before `neo4j_uri`, so they stop before the Neo4j they use."""
    servers: dict[int, LiveServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def neo4j_driver(settings: Settings) -> Iterator[object]:
    """A plain synchronous driver for tests that inspect or tamper with the stored graph directly."""
    auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
    driver = GraphDatabase.driver(settings.neo4j_uri, auth=auth)
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def http(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="session")
def services(http: TestClient) -> Services:
    return http.app.state.services


@pytest.fixture(autouse=True)
def empty_graph(request: pytest.FixtureRequest) -> None:
    """Every test that uses the database starts from an empty graph with only the built-ins."""
    if "http" not in request.fixturenames and "neo4j_driver" not in request.fixturenames:
        return
    driver = request.getfixturevalue("neo4j_driver")
    for attempt in range(5):  # the apps' background work (sequencer, login summaries) may deadlock the wipe
        try:
            with driver.session() as session:
                session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
            break
        except TransientError:
            if attempt == 4:
                raise
    if "http" in request.fixturenames:
        http: TestClient = request.getfixturevalue("http")
        services: Services = http.app.state.services
        http.portal.call(services.seed_builtins)
        services.principals.failures.reset()  # one test's failed logins must not throttle the next
        http.portal.call(services.principals.ensure_bootstrap_admin, ADMIN_TOKEN)


@pytest.fixture
def admin(http: TestClient) -> GraphQLClient:
    return GraphQLClient(http, ADMIN_TOKEN)


@pytest.fixture
def as_role(admin: GraphQLClient):
    """as_role('viewer') -> a GraphQL client acting as a new principal with that role."""
    counter = iter(range(10_000))

    def make(*roles: str, name: str | None = None) -> GraphQLClient:
        name = name or f"{roles[0]}-{next(counter)}"
        created = admin.data(
            "mutation($n: String!, $r: [String!]!) { createPrincipal(name: $n, roles: $r) { token } }",
            {"n": name, "r": list(roles)},
        )
        return admin.with_token(created["createPrincipal"]["token"])

    return make

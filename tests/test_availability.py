"""When Neo4j goes away the API answers UNAVAILABLE / 503, writes nothing, and recovers when it returns."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from starlette.testclient import TestClient

from provgraph.api.app import create_app
from provgraph.config import Settings

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

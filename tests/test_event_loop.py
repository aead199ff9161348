"""A large (but allowed) body does not stall the server: while one is decoded, `/healthz` keeps answering.

No timing threshold: the test counts how many health checks the server answered between the moment the
big body was fully sent and the moment its answer came back. A decode that held the event loop (the C
decoder holds it from the first byte to the last, even in a worker thread) lets none or one through."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
from graphql.execution import executor as graphql_executor

from provgraph.api import json_bodies, variable_coercion

from .live_server import live_server_url  # noqa: F401 (a fixture)
from .graph import dataset, upsert
from .support import ADMIN_TOKEN

HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}


def _health_checks_during(url: str, path: str, body: bytes) -> tuple[httpx.Response, int]:
    """Posts `body` to `path` and, once it is sent, checks /healthz until the post is answered."""
    sent, answered = threading.Event(), threading.Event()
    result: list[httpx.Response] = []

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 1024 * 1024):
            yield body[start : start + 1024 * 1024]
        sent.set()

    def post() -> None:
        try:
            result.append(httpx.post(f"{url}{path}", content=chunks(), headers=HEADERS, timeout=300))
        finally:
            answered.set()

    poster = threading.Thread(target=post)
    poster.start()
    sent.wait(timeout=300)
    healthy = 0
    with httpx.Client(base_url=url, timeout=60) as client:
        while not answered.is_set():
            response = client.get("/healthz")
            if not answered.is_set():
                assert response.status_code == 200
                healthy += 1
    poster.join()
    return result[0], healthy


def _many_small_values(count: int) -> list[dict]:
    return [{"i": i, "name": f"n{i}", "tags": ["a", "b"]} for i in range(count)]


def test_healthz_answers_while_a_large_graphql_body_is_decoded(live_server_url, http):
    body = json.dumps({"query": "{ __typename }", "variables": {"unused": _many_small_values(100_000)}}).encode()
    assert len(body) > 4 * json_bodies.OFF_LOOP_BYTES
    response, healthy = _health_checks_during(live_server_url, "/graphql", body)
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}
    assert healthy >= 10, healthy


def test_healthz_answers_while_a_large_openlineage_event_is_decoded(live_server_url, http):
    event = {
        "eventType": "START",
        "eventTime": "2026-03-01T10:00:00Z",
        "producer": "https://example.com/test",
        "run": {"runId": "01890a5b-0000-7000-8000-000000000001", "facets": {"big": {"rows": _many_small_values(60_000)}}},
        "job": {"namespace": "test", "name": "big_event"},
    }
    body = json.dumps(event).encode()
    assert json_bodies.OFF_LOOP_BYTES < len(body) < 5 * 1024 * 1024
    response, healthy = _health_checks_during(live_server_url, "/api/v1/lineage", body)
    # Decoded and mapped in full, then refused for what it would store: the decode is what is measured.
    assert response.status_code == 413 and response.json()["errors"][0]["extensions"]["field"] == "run.facets"
    assert healthy >= 3, healthy


def test_a_large_body_that_is_not_json_is_bad_input(http):
    broken = b'{"query": "{ __typename }", "variables": {"x": [' + b"1," * json_bodies.OFF_LOOP_BYTES + b"]}}"
    response = http.post("/graphql", content=broken, headers=HEADERS)
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    deep = b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = http.post("/graphql", content=deep, headers=HEADERS)
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    not_utf8 = b'{"query": "{ __typename }", "x": "' + b"\xff" * json_bodies.OFF_LOOP_BYTES + b'"}'
    response = http.post("/graphql", content=not_utf8, headers=HEADERS)
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"


def test_healthz_answers_while_large_variables_are_coerced(live_server_url, monkeypatch):
    """graphql-core coerces variables synchronously before execution; for a large request that must
    happen off the loop. Both places that could coerce (graphql-core's executor, and the worker
    thread of api/variable_coercion.py) report when coercion starts and ends; between the two, /healthz
    must keep answering. On the loop, none could be answered until coercion ended."""
    coercing, coerced = threading.Event(), threading.Event()

    def watched(coerce):
        def coerce_and_report(*args, **kwargs):
            coercing.set()
            try:
                return coerce(*args, **kwargs)
            finally:
                coerced.set()
        return coerce_and_report

    for module in (graphql_executor, variable_coercion):
        monkeypatch.setattr(module, "get_variable_values", watched(module.get_variable_values))
    # A list of 600,000 valid values and one invalid at the end: coercion walks them all, then the
    # request is refused with a coded error (nothing executes, so coercion is all the work after decoding).
    variables = {"types": ["DATASET"] * 600_000 + ["NOT_A_TYPE"]}
    body = json.dumps({"query": "query($types: [EntityType!]) { search(types: $types) { totalCount } }", "variables": variables}).encode()
    assert len(body) > json_bodies.OFF_LOOP_BYTES
    answered: list[httpx.Response] = []
    poster = threading.Thread(target=lambda: answered.append(httpx.post(f"{live_server_url}/graphql", content=body, headers=HEADERS, timeout=300)))
    poster.start()
    assert coercing.wait(timeout=300)
    healthy = 0
    with httpx.Client(base_url=live_server_url, timeout=60) as client:
        while not coerced.is_set():
            response = client.get("/healthz")
            if not coerced.is_set():  # answered while the variables were still being coerced
                assert response.status_code == 200
                healthy += 1
    poster.join()
    [response] = answered
    error = response.json()["errors"][0]
    assert "$types" in error["message"] and error["extensions"]["code"] == "BAD_INPUT", error
    assert healthy >= 3, healthy


def test_large_variables_coerced_off_the_loop_execute_as_usual(http, admin):
    """The same operation gets the same answer whether its variables were coerced on the loop (a small
    body) or in a worker thread (a body over the threshold)."""
    upsert(admin, dataset("db://one"), dataset("db://two"))
    query = "query($types: [EntityType!], $first: Int!) { search(types: $types, first: $first) { totalCount edges { node { qualifiedName } } } }"
    small = {"types": ["DATASET"], "first": 5}
    large = {"types": ["DATASET"] * 150_000, "first": 5}
    assert len(json.dumps(large)) > json_bodies.OFF_LOOP_BYTES
    answers = [http.post("/graphql", json={"query": query, "variables": v}, headers=HEADERS).json() for v in (small, large)]
    assert answers[0] == answers[1] and answers[0]["data"]["search"]["totalCount"] == 2, answers

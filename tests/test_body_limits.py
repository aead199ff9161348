"""Request bodies are limited while they stream in, on every route: a chunked body past the limit is
refused with 413 LIMIT_EXCEEDED without the server reading the rest, and a Content-Length over it is
refused before a byte of the body is read."""

from __future__ import annotations

import json
import resource
import socket
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest

from provgraph.api.app import create_app
from provgraph.api.openlineage import MAX_EVENT_BYTES
from provgraph.config import Settings

from .live_server import live_server_url, serving  # noqa: F401 (a fixture)
from .support import ADMIN_TOKEN

LIMIT = 1024 * 1024
CHUNK = b"x" * (64 * 1024)
SENT_IF_READ_WHOLE = 256 * 1024 * 1024
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def small_limit_url(settings: Settings) -> Iterator[str]:
    with serving(create_app(settings.model_copy(update={"max_body_bytes": LIMIT}))) as url:
        yield url


class Upload:
    """A chunked body of SENT_IF_READ_WHOLE bytes that counts how much of it the client was asked for."""

    def __init__(self) -> None:
        self.yielded = 0

    def __iter__(self) -> Iterator[bytes]:
        while self.yielded < SENT_IF_READ_WHOLE:
            self.yielded += len(CHUNK)
            yield CHUNK


def _max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _refused(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED" and error["extensions"]["limit"] == limit
    assert f"at most {limit} bytes" in error["message"]


def test_a_chunked_graphql_body_past_the_limit_is_refused_without_reading_the_rest(small_limit_url, http):
    upload = Upload()
    peak_before = _max_rss_bytes()
    response = httpx.post(f"{small_limit_url}/graphql", content=upload, headers=AUTH, timeout=60)
    _refused(response, LIMIT)
    assert "content-length" not in response.request.headers  # it really was chunked
    # The server stopped reading at the limit: the client was asked for a small part of the body (the
    # rest of what it sent sat in socket buffers), and the process never held the body whole.
    assert upload.yielded < SENT_IF_READ_WHOLE // 8, upload.yielded
    assert _max_rss_bytes() - peak_before < SENT_IF_READ_WHOLE // 4


@pytest.mark.parametrize(("path", "headers", "status"), [("/graphql", {}, 401), ("/api/v1/reports/provenance/x", AUTH, 405)])
def test_an_upload_answered_without_reading_it_is_not_drained_either(small_limit_url, http, path, headers, status):
    upload = Upload()
    response = httpx.post(f"{small_limit_url}{path}", content=upload, headers=headers, timeout=60)
    assert response.status_code == status
    assert upload.yielded < SENT_IF_READ_WHOLE // 8, upload.yielded  # the connection closed, the rest unsent


def test_openlineage_has_its_own_tighter_limit_through_the_same_mechanism(live_server_url, http):
    upload = Upload()
    response = httpx.post(f"{live_server_url}/api/v1/lineage", content=upload, headers=AUTH, timeout=60)
    _refused(response, MAX_EVENT_BYTES)
    assert upload.yielded < SENT_IF_READ_WHOLE // 8


def test_a_declared_content_length_over_the_limit_is_refused_before_any_body_is_sent(small_limit_url, http):
    address = urlparse(small_limit_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as conn:
        conn.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {ADMIN_TOKEN}\r\nContent-Length: {LIMIT + 1}\r\n\r\n".encode()
        )
        # Not one byte of the body was sent: the answer comes from the header alone.
        answer = b""
        while b"\r\n\r\n" not in answer:
            part = conn.recv(65536)
            assert part, "the server closed the connection without answering"
            answer += part
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_body_just_within_the_limit_is_served(small_limit_url, http):
    body = {"query": "{ me { name } }", "variables": {"padding": ""}}
    body["variables"]["padding"] = "x" * (LIMIT - len(json.dumps(body)))
    assert len(json.dumps(body)) == LIMIT
    response = httpx.post(f"{small_limit_url}/graphql", content=json.dumps(body), headers=AUTH, timeout=60)
    assert response.status_code == 200 and response.json()["data"]["me"]["name"] == "admin"

"""GraphQL documents are capped in bytes before anything parses them (data belongs in variables), and the
cache of parsed documents is bounded by the bytes it holds and never keeps a large document."""

from __future__ import annotations

import pytest
import strawberry.schema.schema as strawberry_schema

from provgraph.api.documents import DOCUMENT_CACHE_BYTES, DOCUMENTS, MAX_CACHED_DOCUMENT_BYTES, document_bytes
from provgraph.config import Settings

from .support import ADMIN_TOKEN

LIMIT = Settings.model_fields["max_query_bytes"].default


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """Every document strawberry parses during the test."""
    seen: list[str] = []
    real = strawberry_schema.parse

    def spy(source, **options):
        seen.append(source)
        return real(source, **options)

    monkeypatch.setattr(strawberry_schema, "parse", spy)
    return seen


def _post(http, query: str):
    return http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})


def _padded(operation: str, size: int) -> str:
    """`operation` padded with whitespace (no tokens) to `size` bytes."""
    return operation + " " * (size - document_bytes(operation))


def _limit_exceeded(response) -> None:
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "query", "limit": LIMIT}
    assert f"at most {LIMIT} bytes" in error["message"] and "variables" in error["message"]


def test_a_60_mb_string_literal_of_ten_tokens_is_refused_without_being_parsed(http, parses):
    query = '{ search(text: "' + "x" * 60_000_000 + '") { totalCount } }'
    _limit_exceeded(_post(http, query))
    assert parses == []


def test_the_limit_counts_utf8_bytes_not_characters(http, parses):
    query = "{ __typename } #" + "é" * (LIMIT // 2)  # fewer characters than LIMIT, more bytes
    assert len(query) < LIMIT < document_bytes(query)
    _limit_exceeded(_post(http, query))
    assert parses == []


def test_a_document_of_exactly_the_limit_is_served(http):
    response = _post(http, _padded("{ __typename }", LIMIT))
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}


def test_a_repeated_small_document_is_parsed_once(http, parses):
    query = "query RepeatedOnce { __typename }"
    for _ in range(3):
        assert _post(http, query).json()["data"] == {"__typename": "Query"}
    assert parses.count(query) <= 1  # at most once: an earlier test in the session may have cached it
    assert DOCUMENTS.get(query) is not None


def test_large_allowed_documents_are_served_but_never_cached(http):
    for i in range(12):
        query = _padded(f"query Large{i} {{ __typename }}", LIMIT - 100)
        assert _post(http, query).json()["data"] == {"__typename": "Query"}
        assert DOCUMENTS.get(query) is None
    assert DOCUMENTS.total_bytes <= DOCUMENT_CACHE_BYTES


def test_distinct_documents_never_grow_the_cache_past_its_byte_bound(http):
    size = MAX_CACHED_DOCUMENT_BYTES - 64
    sent = [_padded(f"query Distinct{i} {{ __typename }}", size) for i in range(DOCUMENT_CACHE_BYTES // size + 16)]
    for query in sent:
        assert _post(http, query).json()["data"] == {"__typename": "Query"}
        assert DOCUMENTS.total_bytes <= DOCUMENT_CACHE_BYTES
    assert DOCUMENTS.get(sent[-1]) is not None  # the most recent stays
    assert DOCUMENTS.get(sent[0]) is None  # the oldest made room
    assert len(DOCUMENTS) * size <= DOCUMENT_CACHE_BYTES + size


def test_an_invalid_document_is_answered_bad_input_and_not_cached(http):
    query = "query NotCached { noSuchField }"
    body = _post(http, query).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert DOCUMENTS.get(query) is None

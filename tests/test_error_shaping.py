"""Unexpected failures are masked (logged on the server, never shown); domain errors keep their code."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from provgraph.api.schema import schema


def test_an_unexpected_error_is_masked_with_code_internal(caplog):
    broken = SimpleNamespace(principal=None, services=None)  # `me` will fail with an AttributeError
    result = asyncio.run(schema.execute("{ me { name } }", context_value=broken))
    [error] = result.errors
    assert error.message == "Internal error; it has been logged."
    assert error.extensions == {"code": "INTERNAL"}
    assert "NoneType" not in error.message
    assert any("unexpected error" in record.message for record in caplog.records)


def test_a_validation_error_is_bad_input():
    result = asyncio.run(schema.execute("{ noSuchField }", context_value=None))
    [error] = result.errors
    assert error.extensions["code"] == "BAD_INPUT" and "noSuchField" in error.message

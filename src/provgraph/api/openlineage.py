"""OpenLineage at the edge: `POST /api/v1/lineage` (the path Marquez uses, so the stock `openlineage-python`
HTTP transport works unchanged). The body is one event, optionally gzip-encoded, at most 5 MiB; its wire
model, naming and mapping to domain reports are in openlineage/events.py (shared with the CLI).

Errors are `{"errors": [{"message", "extensions": {"code", "field"}}]}` with 400 (BAD_INPUT), 401, 403,
413 (LIMIT_EXCEEDED) or 503; success is 201 with a short summary of what the event touched.
"""

from __future__ import annotations

import zlib
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..domain.errors import BadInput, LimitExceeded, ProvgraphError
from ..domain.run_reports import DatasetEventResult, JobReportResult, RunReportResult
from ..openlineage.events import MAX_EVENT_BYTES, parse_event
from . import json_bodies
from .auth import error_body

__all__ = ["MAX_EVENT_BYTES", "post_lineage", "read_body", "summary"]


# -- the route -----------------------------------------------------------------------------------------


async def read_body(request: Request, limit: int = MAX_EVENT_BYTES) -> bytes:
    """The request body, gunzipped under `limit` bytes when gzip-encoded. The body as sent is limited
    while it streams in by api/limits.py (the app gives this route `MAX_EVENT_BYTES`)."""
    body = await request.body()
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise BadInput(f"Content-Encoding: {encoding!r} is not supported (use gzip or none)", field="Content-Encoding")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        inflated = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadInput(f"body: invalid gzip data: {exc}", field="body") from None
    if len(inflated) > limit or inflater.unconsumed_tail:
        raise LimitExceeded(f"body: an OpenLineage event may be at most {limit} bytes", field="body", limit=limit)
    return inflated


def summary(result: RunReportResult | JobReportResult | DatasetEventResult) -> dict[str, Any]:
    if isinstance(result, DatasetEventResult):
        return {
            "dataset": {"id": result.dataset_id, "qualifiedName": result.dataset_qualified_name},
            "features": result.features,
            "columnLineageEdges": result.column_lineage_edges,
            "classified": list(result.classified),
        }
    shared = {
        "pipeline": {"id": result.pipeline_id, "qualifiedName": result.pipeline_qualified_name},
        "inputs": list(result.inputs),
        "outputs": list(result.outputs),
        "features": result.features,
        "columnLineageEdges": result.column_lineage_edges,
        "classified": list(result.classified),
    }
    if isinstance(result, JobReportResult):
        return {**shared, "declared": result.replaced}
    return {**shared, "run": {"id": result.run_id, "qualifiedName": result.run_qualified_name, "state": result.state}}


async def post_lineage(request: Request) -> Response:
    """Records one OpenLineage event; 201 with a summary, or a JSON error (module docstring)."""
    try:
        body = await read_body(request)
        if len(body) > json_bodies.OFF_LOOP_BYTES:  # a large event is decoded and mapped off the event loop
            report = await anyio.to_thread.run_sync(parse_event, body, json_bodies.loads_yielding)
        else:
            report = parse_event(body, json_bodies.loads)
        services = request.app.state.services
        result = await services.openlineage.record(request.state.principal, report)
    except ProvgraphError as error:
        return Response(error_body(error), status_code=error.status, media_type="application/json")
    return JSONResponse(summary(result), status_code=201)

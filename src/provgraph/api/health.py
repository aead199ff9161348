"""Liveness and readiness, without authentication."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    if await request.app.state.services.db.ping():
        return JSONResponse({"status": "ready", "neo4j": "reachable"})
    return JSONResponse({"status": "unavailable", "neo4j": "unreachable"}, status_code=503)

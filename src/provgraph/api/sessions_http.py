"""Console sign-in over HTTP:

    POST   /api/v1/session  {"token": "..."}  -> 200 {"principal": {...}, "expiresAt": ...} + session cookie
    GET    /api/v1/session                    -> 200 the same, for the cookie's (or bearer's) principal
    DELETE /api/v1/session                    -> 204, the session ended server-side and the cookie cleared

Sign-in needs no principal, so anyone can call it: its body is read with a small limit (counted while
reading, not after) and must be exactly `{"token": "<string>"}`.
"""

from __future__ import annotations

import json
from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..domain.errors import BadInput, LimitExceeded, ProvgraphError
from ..domain.principals import Principal
from .auth import error_body
from .cookies import cleared_session_cookie, session_cookie, session_id_from

SIGN_IN_BODY_LIMIT = 4096
SIGN_IN_SHAPE = 'the body must be a JSON object {"token": "<your provgraph token>"}'


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _session_body(principal: Principal, expires_at: datetime | None) -> dict:
    return {
        "principal": {"name": principal.name, "roles": list(principal.roles)},
        "expiresAt": expires_at.isoformat() if expires_at else None,
    }


async def sign_in(request: Request) -> Response:
    try:
        token = _token_from(await _read_limited(request, SIGN_IN_BODY_LIMIT), request.headers.get("content-type", ""))
        signed_in = await request.app.state.services.sessions.sign_in(token, request.state.request_id, _client(request))
    except ProvgraphError as error:
        return Response(error_body(error), status_code=error.status, media_type="application/json")
    response = JSONResponse(_session_body(signed_in.principal, signed_in.expires_at))
    lifetime = int(request.app.state.services.sessions.lifetime.ttl.total_seconds())
    response.raw_headers.append(session_cookie(signed_in.session_id, lifetime, request.scope))
    return response


async def current_session(request: Request) -> Response:
    """The Authenticate middleware resolved the principal (cookie or bearer); a bearer has no expiry."""
    session = request.scope.get("state", {}).get("session")
    return JSONResponse(_session_body(request.state.principal, session.expires_at if session else None))


async def sign_out(request: Request) -> Response:
    try:
        await request.app.state.services.sessions.sign_out(
            session_id_from(request.headers), request.state.request_id, _client(request)
        )
    except ProvgraphError as error:
        return Response(error_body(error), status_code=error.status, media_type="application/json")
    response = Response(status_code=204)
    response.raw_headers.append(cleared_session_cookie(request.scope))
    return response


async def _read_limited(request: Request, limit: int) -> bytes:
    too_big = LimitExceeded(f"body: a sign-in body is at most {limit} bytes", field="body", limit=limit)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_big
    return bytes(body)


def _token_from(body: bytes, content_type: str) -> str:
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise BadInput(f"Content-Type: must be application/json; {SIGN_IN_SHAPE}", field="Content-Type")
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadInput(f"body: not valid JSON; {SIGN_IN_SHAPE}", field="body") from None
    if not isinstance(parsed, dict):
        raise BadInput(f"body: {SIGN_IN_SHAPE}", field="body")
    unknown = sorted(set(parsed) - {"token"})
    if unknown:
        name = unknown[0][:64]
        raise BadInput(f"{name}: unknown field; {SIGN_IN_SHAPE}", field=name)
    if "token" not in parsed:
        raise BadInput(f"token: required; {SIGN_IN_SHAPE}", field="token")
    if not isinstance(parsed["token"], str):
        raise BadInput(f"token: must be a string; {SIGN_IN_SHAPE}", field="token")
    return parsed["token"]

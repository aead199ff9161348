"""Request identity: a request id for every request, and the caller turned into a Principal.

A pure ASGI middleware so it runs once per request before any route, for GraphQL and HTTP alike.
The caller is the bearer token when the request has an Authorization header (exactly as for API
clients), else the console's session cookie. A cookie-authenticated unsafe method must come from the
server's own origin (same_origin.py), else 403.

No credentials (or bad ones) is a 401 everywhere except the health routes, the console's pages and
the GraphiQL page (they hold no data; every request they send still needs a principal), and the
sign-in and sign-out routes themselves.
"""

from __future__ import annotations

import json
import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.errors import ProvgraphError, TooManyFailures, Unauthenticated
from .console import is_graphiql_request, is_page_request
from .cookies import cleared_session_cookie, session_id_from
from .same_origin import UNSAFE_METHODS, check_same_origin
from .mlflow.errors import is_mlflow_path, mlflow_error_body

PUBLIC_PATHS = frozenset({"/healthz", "/readyz"})
SESSION_PATH = "/api/v1/session"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def error_body(error: ProvgraphError) -> bytes:
    return json.dumps({"errors": [{"message": error.message, "extensions": error.extensions}]}).encode()


class Authenticate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given_id = headers.get("x-request-id", "")
        request_id = given_id if _REQUEST_ID.match(given_id) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            if self._needs_principal(scope, headers):
                await self._authenticate(scope, headers, state)
            elif scope["path"] == SESSION_PATH and scope["method"] in UNSAFE_METHODS:
                # Signing in or out is open to all, but not from another site's page: refused when a
                # cookie rides along or the browser names a foreign origin (curl names none).
                if session_id_from(headers) or headers.get("origin") or headers.get("referer"):
                    check_same_origin(scope, headers)
        except ProvgraphError as error:
            ended_session = isinstance(error, Unauthenticated) and state.get("credential") == "session"
            cleared = [cleared_session_cookie(scope)] if ended_session else []
            await _send_error(send_with_id, error, cleared, scope["path"])
            return
        await self.app(scope, receive, send_with_id)

    @staticmethod
    def _needs_principal(scope: Scope, headers: Headers) -> bool:
        if scope["path"] in PUBLIC_PATHS or is_graphiql_request(scope, headers):
            return False
        if scope["path"] == SESSION_PATH:
            return scope["method"] not in ("POST", "DELETE")
        return not is_page_request(scope)

    async def _authenticate(self, scope: Scope, headers: Headers, state: dict) -> None:
        client = scope.get("client")
        where = {"request_id": state["request_id"], "client": client[0] if client else ""}
        services = scope["app"].state.services
        session_id = session_id_from(headers)
        if headers.get("authorization") or session_id is None:
            state["credential"] = "bearer"
            state["principal"] = await services.principals.authenticate(_bearer(headers), **where)
            return
        state["credential"] = "session"
        if scope["method"] in UNSAFE_METHODS:
            check_same_origin(scope, headers)
        session = await services.sessions.resume(session_id, **where)
        state["session"] = session
        state["principal"] = session.principal


def _bearer(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _send_error(send: Send, error: ProvgraphError, extra: list[tuple[bytes, bytes]], path: str) -> None:
    """GraphQL's error shape, or MLflow's on the MLflow paths (api/mlflow/errors.py)."""
    status, body = mlflow_error_body(error) if is_mlflow_path(path) else (error.status, error_body(error))
    if status == 401:
        extra = [*extra, (b"www-authenticate", b'Bearer realm="provgraph"')]
    if isinstance(error, TooManyFailures):
        extra = [*extra, (b"retry-after", str(error.retry_after).encode())]
    await _raw(send, status, body, extra)


async def _raw(send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

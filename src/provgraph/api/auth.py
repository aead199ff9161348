"""Request identity: a request id for every request, and the bearer token turned into a Principal.

A pure ASGI middleware so it runs once per request before any route, for GraphQL and HTTP alike.
No token (or a bad one) is a 401 everywhere except the health routes and the GraphiQL page itself
(the page holds no data; every query it sends still needs a token).
"""

from __future__ import annotations

import json
import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.errors import LimitExceeded, ProvgraphError
from .mlflow.errors import is_artifact_upload, is_mlflow_path, mlflow_error_body

PUBLIC_PATHS = frozenset({"/healthz", "/readyz"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MAX_BODY_BYTES = 64 * 1024 * 1024


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

        if not self._needs_token(scope, headers):
            await self.app(scope, receive, send_with_id)
            return
        length = headers.get("content-length")
        # Artifact uploads are counted while they stream to disk, against their own limit.
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES and not is_artifact_upload(scope):
            await _send_error(send_with_id, LimitExceeded(f"request body over {MAX_BODY_BYTES} bytes"), scope["path"])
            return
        client = scope.get("client")
        services = scope["app"].state.services
        try:
            state["principal"] = await services.principals.authenticate(
                _bearer(headers), request_id=request_id, client=client[0] if client else ""
            )
        except ProvgraphError as error:
            await _send_error(send_with_id, error, scope["path"])
            return
        await self.app(scope, receive, send_with_id)

    @staticmethod
    def _needs_token(scope: Scope, headers: Headers) -> bool:
        if scope["path"] in PUBLIC_PATHS:
            return False
        is_graphiql_page = (
            scope["method"] == "GET"
            and scope["path"] == "/graphql"
            and "text/html" in headers.get("accept", "")
            and not scope.get("query_string")
        )
        return not is_graphiql_page


def _bearer(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _send_error(send: Send, error: ProvgraphError, path: str) -> None:
    """GraphQL's error shape, or MLflow's on the MLflow paths (api/mlflow/errors.py)."""
    status, body = mlflow_error_body(error) if is_mlflow_path(path) else (error.status, error_body(error))
    extra = [(b"www-authenticate", b'Bearer realm="provgraph"')] if status == 401 else []
    await _raw(send, status, body, extra)


async def _raw(send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

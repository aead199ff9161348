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

import asyncio
import functools
import json
import random
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


def _request_id(headers: Headers) -> str:
    given = headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


class RefuseThrottled:
    """The cheapest possible answer to a client past the failed-login threshold (issue 13).

    Such a client floods, and every request it sends costs this process's event loop, which the
    legitimate requests share: each step of theirs (a Bolt round trip, say) waits behind every flood
    request ready at that moment. So this middleware is installed outermost and answers a request from
    a client being refused (one dict lookup for every other client) with 429 (in MLflow's error shape
    on its paths, as `Authenticate` answers) before routing, before
    any other middleware and before the body is read, from a response built once per message, with
    `Connection: close` so the server neither drains the body nor keeps the connection for the next
    guess. Exactly the requests `Authenticate` would refuse are refused: those needing a principal from
    a bearer token (or none) that this process has not accepted recently. This middleware logs
    nothing per request (uvicorn's access log, when on, still writes its line); the window's summary
    audit event counts the refusals.

    The answer leaves after about `delay` seconds (a timer: a waiting request costs no CPU), as a login
    prompt answers a wrong password slowly: a client that ignores Retry-After makes about one guess
    per connection and delay, however fast it is, so the flood's cost to the loop is bounded by its
    connections instead of by how fast this process can refuse. At most `max_waiting` refusals wait at
    once (each holds a connection and a little memory); past that they are answered at once.
    """

    def __init__(self, app: ASGIApp, delay: float = 1.0, max_waiting: int = 2_000) -> None:
        self.app = app
        self.delay = delay
        self.max_waiting = max_waiting
        self.waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = scope.get("client")
            address = client[0] if client else ""
            services = getattr(scope["app"].state, "services", None)  # None until the app has started
            if services is not None and services.principals.refusing(address):
                headers = Headers(scope=scope)
                if Authenticate.needs_principal(scope, headers) and Authenticate.uses_bearer(headers):
                    refusal = services.principals.refusal(_bearer(headers), address)
                    if refusal is not None:
                        await self._wait()
                        await _send_refusal(send, scope, headers, refusal)
                        return
        await self.app(scope, receive, send)

    async def _wait(self) -> None:
        if self.delay <= 0 or self.waiting >= self.max_waiting:
            return
        self.waiting += 1
        try:
            # Jittered (0.5-1.5x): refusals that arrived together must not come due together, or the
            # flood hits the loop in waves of every connection at once.
            await asyncio.sleep(self.delay * (0.5 + random.random()))
        finally:
            self.waiting -= 1


async def _send_refusal(send: Send, scope: Scope, headers: Headers, refusal: TooManyFailures) -> None:
    status, response_headers, body = _refusal(refusal.message, refusal.retry_after, is_mlflow_path(scope["path"]))
    request_id = (b"x-request-id", _request_id(headers).encode())
    await send({"type": "http.response.start", "status": status, "headers": [*response_headers, request_id]})
    await send({"type": "http.response.body", "body": body})


@functools.lru_cache(maxsize=256)
def _refusal(message: str, retry_after: int, mlflow: bool) -> tuple[int, tuple[tuple[bytes, bytes], ...], bytes]:
    """The status, headers and body `Authenticate` would send for this refusal (MLflow's shape on its
    paths), built once."""
    error = TooManyFailures(message, retry_after)
    status, body = mlflow_error_body(error) if mlflow else (error.status, error_body(error))
    headers = (
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
        (b"connection", b"close"),
        # What console.SecurityHeaders adds to every answer, which this one never passes through.
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    )
    return status, headers, body


class Authenticate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = _request_id(headers)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            if self.needs_principal(scope, headers):
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
    def needs_principal(scope: Scope, headers: Headers) -> bool:
        if scope["path"] in PUBLIC_PATHS or is_graphiql_request(scope, headers):
            return False
        if scope["path"] == SESSION_PATH:
            return scope["method"] not in ("POST", "DELETE")
        return not is_page_request(scope)

    @staticmethod
    def uses_bearer(headers: Headers) -> bool:
        """A bearer token when there is an Authorization header (as for API clients) or no session
        cookie either; the console's session cookie otherwise."""
        return bool(headers.get("authorization")) or session_id_from(headers) is None

    async def _authenticate(self, scope: Scope, headers: Headers, state: dict) -> None:
        client = scope.get("client")
        where = {"request_id": state["request_id"], "client": client[0] if client else ""}
        services = scope["app"].state.services
        if self.uses_bearer(headers):
            state["credential"] = "bearer"
            state["principal"] = await services.principals.authenticate(_bearer(headers), **where)
            return
        state["credential"] = "session"
        if scope["method"] in UNSAFE_METHODS:
            check_same_origin(scope, headers)
        session = await services.sessions.resume(session_id_from(headers), **where)
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

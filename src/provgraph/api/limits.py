"""Request body limits, enforced while the body streams in, for every route.

A pure ASGI middleware installed outermost: a declared Content-Length over the limit is refused before a
byte of the body is read, and a body without one (chunked, or a lying header) is counted message by
message as the app receives it; the message that crosses the limit is never handed on, nothing after it
is read, and the client gets 413 `LIMIT_EXCEEDED` naming the limit in bytes. Routes may have a tighter
limit than the default (OpenLineage events: 5 MiB), declared where the app is assembled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.errors import LimitExceeded
from .auth import error_body
from .mlflow.errors import is_mlflow_path, mlflow_error_body

# Closing the connection is what stops the server reading: uvicorn drains (and discards) the unread
# rest of a body to keep a connection alive, which a hostile client could make last forever.
_CLOSE = (b"connection", b"close")


class BodyTooLarge(LimitExceeded):
    def __init__(self, limit: int) -> None:
        super().__init__(f"body: a request body may be at most {limit} bytes", field="body", limit=limit)


class LimitBody:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        route_limits: Mapping[str, int] | None = None,
        uploads: tuple[Callable[[Scope], bool], int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # A route may tighten the limit, never loosen it.
        self.route_limits = {path: min(limit, max_bytes) for path, limit in (route_limits or {}).items()}
        # The one exception: file uploads that stream to disk (never held in memory) have their own limit.
        self.is_upload, self.upload_max_bytes = uploads or ((lambda scope: False), max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_max_bytes if self.is_upload(scope) else self.route_limits.get(scope["path"], self.max_bytes)
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, BodyTooLarge(limit), scope["path"])
            return

        received = 0
        unread = "chunked" in headers.get("transfer-encoding", "").lower() or declared not in ("", "0")
        started = False

        async def counted_receive() -> Message:
            nonlocal received, unread
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)  # the app never sees these bytes, nor asks for more
                unread = message.get("more_body", False)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if unread:  # answered without reading it all (a 401, say): drop, never drain, the rest
                    message = {**message, "headers": [*message.get("headers", []), _CLOSE]}
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge as too_large:
            if started:  # the app answered before it read the rest; nothing more to say
                return
            await _refuse(send, too_large, scope["path"])


async def _refuse(send: Send, error: LimitExceeded, path: str) -> None:
    # MLflow's clients read MLflow's error shape on its paths (a 4xx they do not retry).
    status, body = mlflow_error_body(error) if is_mlflow_path(path) else (error.status, error_body(error))
    # Connection: close, so the server drops the connection rather than drain a body nobody will read.
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        _CLOSE,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

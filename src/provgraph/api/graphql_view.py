"""The strawberry ASGI view with provgraph's context, error statuses and JSON errors for bad bodies, and
the document size limit checked on the request before anything parses the document."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from cross_web import HTTPException

from ..domain.errors import ProvgraphError
from .auth import error_body
from .context import RequestContext
from .documents import check_document_size


class GraphQLView(GraphQL):
    def __init__(self, *args: Any, max_query_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_query_bytes = max_query_bytes

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        for operation in data if isinstance(data, list) else [data]:
            check_document_size(operation.query, self.max_query_bytes)
        return data

    async def get_context(self, request: Request, response: Response) -> RequestContext:  # type: ignore[override]
        return RequestContext(
            request=request,
            response=response,
            principal=request.state.principal,
            services=request.app.state.services,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            # Strawberry answers a malformed body in plain text; clients get the same JSON shape as
            # every other error instead, with a code to switch on.
            response = JSONResponse(
                {"errors": [{"message": error.reason, "extensions": {"code": "BAD_INPUT"}}]},
                status_code=error.status_code,
            )
        except ProvgraphError as error:  # a limit on the request itself, before any execution
            response = Response(error_body(error), status_code=error.status, media_type="application/json")
        await response(scope, receive, send)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        errors = response_data.get("errors") if isinstance(response_data, dict) else None
        if errors and any((e.get("extensions") or {}).get("code") == "UNAVAILABLE" for e in errors):
            response.status_code = 503  # the database is down: let load balancers and clients retry
        return response

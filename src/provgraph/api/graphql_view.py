"""The strawberry ASGI view with provgraph's context, error statuses and JSON errors for bad bodies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from cross_web import HTTPException

from .console import is_graphiql_request
from .context import RequestContext


class GraphQLView(GraphQL):
    """`graphiql_page` answers a browser opening /graphql (the console's GraphiQL, see console.py);
    strawberry's own IDE page, which loads GraphiQL from a CDN, is never served."""

    def __init__(self, schema: Any, graphiql_page: Callable[[Request], Awaitable[Response]]) -> None:
        super().__init__(schema, graphql_ide=None)
        self._graphiql_page = graphiql_page

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
        if is_graphiql_request(scope, request.headers):
            await (await self._graphiql_page(request))(scope, receive, send)
            return
        try:
            response = await self.run(request)
        except HTTPException as error:
            # Strawberry answers a malformed body in plain text; clients get the same JSON shape as
            # every other error instead, with a code to switch on.
            response = JSONResponse(
                {"errors": [{"message": error.reason, "extensions": {"code": "BAD_INPUT"}}]},
                status_code=error.status_code,
            )
        await response(scope, receive, send)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        errors = response_data.get("errors") if isinstance(response_data, dict) else None
        if errors and any((e.get("extensions") or {}).get("code") == "UNAVAILABLE" for e in errors):
            response.status_code = 503  # the database is down: let load balancers and clients retry
        return response

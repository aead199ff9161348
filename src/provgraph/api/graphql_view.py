"""The strawberry ASGI view with provgraph's context, error statuses and JSON errors for bad bodies; the
document size limit checked on the request before anything parses the document; and large bodies
decoded (api/json_bodies.py) and their variables coerced (api/variable_coercion.py) off the event loop."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from cross_web import HTTPException

from ..domain.errors import ProvgraphError
from . import json_bodies
from .auth import error_body
from .console import is_graphiql_request
from .context import RequestContext
from .documents import check_document_size
from . import variable_coercion
from .variable_coercion import LargeVariables


class _Decoded:
    """A JSON body already decoded (or failed to decode) off the event loop."""

    def __init__(self, value: Any = None, error: json.JSONDecodeError | None = None) -> None:
        self.value, self.error = value, error


class _DecodedBodyRequest:
    """A request adapter whose body strawberry receives already decoded; `decode_json` unwraps it."""

    def __init__(self, adapter: Any, decoded: _Decoded) -> None:
        self._adapter, self._decoded = adapter, decoded

    def __getattr__(self, name: str) -> Any:
        return getattr(self._adapter, name)

    async def get_body(self) -> _Decoded:
        return self._decoded


class GraphQLView(GraphQL):
    """`graphiql_page` answers a browser opening /graphql (the console's GraphiQL, see console.py);
    strawberry's own IDE page, which loads GraphiQL from a CDN, is never served."""

    def __init__(
        self, schema: Any, *, graphiql_page: Callable[[Request], Awaitable[Response]], max_query_bytes: int
    ) -> None:
        super().__init__(schema, graphql_ide=None)
        self._graphiql_page = graphiql_page
        self.max_query_bytes = max_query_bytes

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        coerce_off_loop = False
        if request.method == "POST" and "application/json" in (request.content_type or ""):
            body = await request.get_body()
            coerce_off_loop = len(body) > variable_coercion.OFF_LOOP_BYTES
            if len(body) > json_bodies.OFF_LOOP_BYTES:
                try:
                    decoded = _Decoded(await json_bodies.decode(body))
                except json.JSONDecodeError as error:
                    decoded = _Decoded(error=error)
                request = _DecodedBodyRequest(request, decoded)
        data = await super().parse_http_body(request)
        for operation in data if isinstance(data, list) else [data]:
            check_document_size(operation.query, self.max_query_bytes)
            if coerce_off_loop and isinstance(operation.variables, dict):
                operation.variables = LargeVariables(operation.variables)  # coerced off the loop
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
        if is_graphiql_request(scope, request.headers):
            await (await self._graphiql_page(request))(scope, receive, send)
            return
        try:
            response = await self.run(request)
        except ClientDisconnect:
            return  # the browser left (a navigation) before its body arrived: nobody is there to answer
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

    def decode_json(self, data: str | bytes | _Decoded) -> object:
        if not isinstance(data, _Decoded):
            return json_bodies.loads(data)
        if data.error is not None:
            raise data.error  # strawberry answers it 400, as when it decodes on the loop
        return data.value

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        errors = response_data.get("errors") if isinstance(response_data, dict) else None
        if errors and any((e.get("extensions") or {}).get("code") == "UNAVAILABLE" for e in errors):
            response.status_code = 503  # the database is down: let load balancers and clients retry
        return response

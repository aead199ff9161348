"""The starlette application: routes, middleware, and the services it serves, opened in the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from ..config import Settings
from ..services.container import Services
from ..store.database import Database
from .auth import Authenticate
from .graphql_view import GraphQLView
from .health import healthz, readyz
from .limits import LimitBody
from .openlineage import MAX_EVENT_BYTES, post_lineage
from .reports_http import classification_report, provenance_report
from .schema import schema


def create_app(
    settings: Settings,
    *,
    neo4j_uri: str | None = None,
    on_started: Callable[[Services, str | None], object] | None = None,
) -> Starlette:
    """An app serving the Neo4j at `neo4j_uri` (default: settings.neo4j_uri). `on_started` runs once the
    services are ready, with the admin token generated on first start if there was none to use (serve
    prints it once and loads the demo)."""
    uri = neo4j_uri or settings.neo4j_uri
    if not uri:
        raise ValueError("create_app needs a Neo4j URI (NEO4J_URI, or the embedded server's)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = Database.connect(
            uri,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
            connect_timeout=settings.neo4j_connect_timeout,
            retry_time=settings.neo4j_retry_time,
            unavailable_after=settings.neo4j_unavailable_after,
        )
        services = Services.build(db)
        try:
            await services.prepare()
            generated_token = await services.principals.ensure_bootstrap_admin(settings.admin_token)
            app.state.services = services
            if on_started is not None:
                result = on_started(services, generated_token)
                if hasattr(result, "__await__"):
                    await result
            yield
        finally:
            await services.monitoring.webhooks.drain(timeout=10)  # alert webhooks still being delivered
            await db.close()

    graphql = GraphQLView(schema, max_query_bytes=settings.max_query_bytes)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/api/v1/lineage", post_lineage, methods=["POST"]),
            Route("/api/v1/reports/provenance/{id}", provenance_report, methods=["GET"]),
            Route("/api/v1/reports/classification/{name}", classification_report, methods=["GET"]),
        ],
        middleware=[
            Middleware(LimitBody, max_bytes=settings.max_body_bytes, route_limits={"/api/v1/lineage": MAX_EVENT_BYTES}),
            Middleware(Authenticate),
        ],
        lifespan=lifespan,
    )

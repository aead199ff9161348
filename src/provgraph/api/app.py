"""The starlette application: routes, middleware, and the services it serves, opened in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from ..config import Settings
from ..domain.errors import ProvgraphError
from ..services.container import Services
from ..store.database import Database
from .auth import Authenticate, RefuseThrottled
from .console import Console, SecurityHeaders
from .graphql_view import GraphQLView
from .health import healthz, readyz
from .limits import LimitBody
from .openlineage import MAX_EVENT_BYTES, post_lineage
from .mlflow.errors import is_artifact_upload
from .mlflow.routes import mlflow_routes
from .reports_http import classification_report, provenance_report
from .schema import schema
from .sessions_http import current_session, sign_in, sign_out

log = logging.getLogger(__name__)


async def _every(seconds: float, work: Callable[[], Awaitable[object]]) -> None:
    """Runs `work` every `seconds` until cancelled; a failed round is logged and retried next time."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await work()
        except ProvgraphError as error:
            log.warning("background %s: %s", getattr(work, "__name__", work), error.message)


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
        db = Database.connect(uri, **settings.neo4j_options())  # the CLI connects the same way
        services = Services.build(db, settings=settings)
        summaries: asyncio.Task[None] | None = None  # login-failure windows, summarised as they close
        try:
            await services.prepare()
            generated_token = await services.principals.ensure_bootstrap_admin(settings.admin_token)
            app.state.services = services
            services.sequencer.start()  # the lease decides which replica actually sequences
            summaries = asyncio.create_task(_every(1.0, services.principals.record_login_failures))
            app.state.artifacts_dir = settings.artifacts_dir
            app.state.artifact_max_bytes = settings.artifact_max_bytes
            if on_started is not None:
                result = on_started(services, generated_token)
                if hasattr(result, "__await__"):
                    await result
            # A collection stops the event loop for as long as it scans, and under a 10,000-item batch a
            # full one took 87-172 ms, four times a batch. Collecting the young generation every 20,000
            # allocations rather than 700 makes full collections rare during a batch (bench/README.md,
            # `bench loop`). gc.freeze() cut those pauses too, but made `bench run`'s propagation 2x slower
            # (in four runs of four; why was not pinned down), so it is not used.
            gc.set_threshold(20_000, 20, 20)
            yield
        finally:
            await services.monitoring.webhooks.drain(timeout=10)  # alert webhooks still being delivered
            if summaries is not None:
                summaries.cancel()
            await services.shut_down_audit()
            await db.close()

    console = Console(settings.console_dist_dir)
    graphql = GraphQLView(schema, graphiql_page=console.graphiql, max_query_bytes=settings.max_query_bytes)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/api/v1/lineage", post_lineage, methods=["POST"]),
            Route("/api/v1/reports/provenance/{id}", provenance_report, methods=["GET"]),
            Route("/api/v1/reports/classification/{name}", classification_report, methods=["GET"]),
            Route("/api/v1/session", sign_in, methods=["POST"]),
            Route("/api/v1/session", current_session, methods=["GET"]),
            Route("/api/v1/session", sign_out, methods=["DELETE"]),
            *mlflow_routes(),
            *console.routes(),  # last: the app's assets, and its pages for every other path
        ],
        middleware=[
            Middleware(RefuseThrottled, delay=settings.auth_refusal_delay),  # first: a flood costs the least
            Middleware(
                LimitBody,
                max_bytes=settings.max_body_bytes,
                route_limits={"/api/v1/lineage": MAX_EVENT_BYTES},
                # MLflow artifact uploads stream to disk and may be larger (PROVGRAPH_ARTIFACT_MAX_BYTES).
                uploads=(is_artifact_upload, settings.artifact_max_bytes),
            ),
            Middleware(SecurityHeaders),
            Middleware(Authenticate),
        ],
        lifespan=lifespan,
    )

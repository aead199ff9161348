"""The web console: the built single-page app (settings.console_dist_dir), its GraphiQL page, and the
security headers every answer carries.

- `/assets/*`: Vite's content-hashed files, cached for a year (`immutable`).
- any other GET that is not an API route and asks for a page: `index.html`, never cached, so the app's
  client routes (/login, /search, /entities/...) load from a bookmark. Unknown API paths are a JSON 404.
- `GET /graphql` asking for HTML: the app's `graphiql.html` (GraphiQL bundled from npm, no CDN).
- Without a built console, both pages are a short page saying how to build it, never an error.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
API_PATHS = frozenset({"/graphql", "/healthz", "/readyz", "/api"})
API_PREFIXES = ("/api/", "/graphql/")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>provgraph: console not built</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem}}
code{{background:#f3f3f3;padding:0 .25rem}}</style></head>
<body><h1>The provgraph console was not built</h1>
<p>This server has no built web console ({missing} is missing), so there is no page to show here.
The GraphQL API works as usual: <code>POST /graphql</code> with <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<p>To build the console, install Node.js 20+ with npm, then either reinstall
(<code>pip install .</code> builds it) or run <code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code>
in the source tree, and restart the server.</p></body></html>
"""


def is_api_path(path: str) -> bool:
    return path in API_PATHS or path.startswith(API_PREFIXES)


def is_page_request(scope: Scope) -> bool:
    """A GET/HEAD the console answers without a principal: anything but the API routes. The page and
    assets hold no data; everything the app then fetches is authenticated."""
    return scope["method"] in ("GET", "HEAD") and not is_api_path(scope["path"])


def is_graphiql_request(scope: Scope, headers: Headers) -> bool:
    """A browser opening /graphql (a GET asking for HTML, with no query in the URL)."""
    return (
        scope["method"] in ("GET", "HEAD")
        and scope["path"] == "/graphql"
        and "text/html" in headers.get("accept", "")
        and not scope.get("query_string")
    )


def _wants_page(request: Request) -> bool:
    """Browsers navigating say text/html. A client that says nothing particular (curl's `*/*`) gets the
    page too unless the path names a file (`/missing.js`), which is a plain 404 rather than HTML."""
    accept = request.headers.get("accept", "*/*")
    if "text/html" in accept:
        return True
    last_segment = request.url.path.rsplit("/", 1)[-1]
    return "*/*" in accept and "." not in last_segment


def _methods_elsewhere(request: Request) -> set[str]:
    """The methods that the app's other routes serve at this request's path."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.path != "/{path:path}":
            match, _ = route.matches(request.scope)
            if match is Match.PARTIAL and route.methods:
                methods |= route.methods
    return methods


def _json_not_found(path: str, what: str) -> Response:
    body = {"errors": [{"message": f"no {what} at {path}", "extensions": {"code": "NOT_FOUND"}}]}
    return Response(json.dumps(body), status_code=404, media_type="application/json")


class HashedAssets(StaticFiles):
    """StaticFiles for Vite's content-hashed output: a changed file gets a new name, so cache forever."""

    async def check_config(self) -> None:
        if self.directory is not None and not Path(self.directory).is_dir():
            return  # no console built (yet): every asset is a 404, not an error
        await super().check_config()

    def file_response(self, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        response = super().file_response(*args, **kwargs)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        return response


class Console:
    def __init__(self, dist_dir: Path) -> None:
        self.dist_dir = dist_dir

    def routes(self) -> list[BaseRoute]:
        """Mount after every API route: the last one answers whatever no other route took."""
        return [
            Mount("/assets", app=HashedAssets(directory=self.dist_dir / "assets", check_dir=False)),
            Route("/{path:path}", self.fallback, methods=ALL_METHODS),
        ]

    async def graphiql(self, request: Request) -> Response:
        return self._page("graphiql.html")

    async def fallback(self, request: Request) -> Response:
        path = request.url.path
        allowed = _methods_elsewhere(request)
        if allowed:  # the path is a real route, only not for this method: 405, as without the fallback
            body = {"errors": [{"message": f"{request.method} is not allowed on {path}", "extensions": {"code": "BAD_INPUT"}}]}
            return Response(json.dumps(body), 405, {"Allow": ", ".join(sorted(allowed))}, "application/json")
        if is_api_path(path):
            return _json_not_found(path, "API route")
        if request.method not in ("GET", "HEAD"):
            return _json_not_found(path, f"{request.method} route")
        top_level_file = self._top_level_file(path)
        if top_level_file is not None:  # Vite copies web/public/ (favicon, ...) to the top of dist
            return FileResponse(top_level_file, headers={"Cache-Control": NO_CACHE})
        if _wants_page(request):
            return self._page("index.html")
        return _json_not_found(path, "file")

    def _top_level_file(self, path: str) -> Path | None:
        name = path.lstrip("/")
        if not name or "/" in name or name.startswith(".") or name == "index.html":
            return None
        candidate = self.dist_dir / name
        return candidate if candidate.is_file() else None

    def _page(self, name: str) -> Response:
        page = self.dist_dir / name
        if not page.is_file():
            return HTMLResponse(NOT_BUILT.format(missing=html.escape(str(page))), headers={"Cache-Control": NO_CACHE})
        return FileResponse(page, media_type="text/html; charset=utf-8", headers={"Cache-Control": NO_CACHE})


class SecurityHeaders:
    """Every answer: nosniff and a same-origin referrer policy; every HTML answer (console pages,
    GraphiQL, HTML reports): the Content-Security-Policy, which allows no inline script."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)

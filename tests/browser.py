"""The console's browser harness: Debian's Chromium driven by Playwright against the live server.

- `console`: one headless Chromium for the whole session (never a downloaded one) and a `Console` on
  the session's live server: `reset_graph` (wiped, the built-ins seeded on the server's own loop),
  sessions signed in through the login form, GraphQL as admin over HTTP to build graphs.
- `Recorder` (one per browser context): every response the browser receives (url, status, body bytes),
  every console error and page error. `Recorder.check()` fails on any of them unless the test said it
  expects that status for that URL (`recorder.expect(401, "/api/v1/session")`).

The browser tests must not request the `http` or `neo4j_driver` fixtures: conftest's autouse fixture
would wipe the graph before every test, and these modules build one graph per module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from neo4j import GraphDatabase
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Response, expect, sync_playwright

from bench.ui import CHROMIUM, CHROMIUM_ARGS  # one way to launch Debian's Chromium, for tests and bench
from provgraph.config import Settings

from .live_server import LiveServer, shared_live_server
from .support import ADMIN_TOKEN

# Chromium logs every non-2xx fetch as a console error of this shape; it is only an error if unexpected.
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")


# The machine the suite runs on may be busy (CI, or many suites at once): waits are generous, never timed.
TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


_playwright: list[tuple[Any, Browser]] = []


def _shared_chromium(request: pytest.FixtureRequest) -> Browser:
    """One browser for a test module, started by the first fixture that needs it. Not for the session:
    while Playwright's sync API is started it keeps an event loop running in the main thread, and every
    later test that calls asyncio.run() (the CLI's, for one) would fail."""
    if not _playwright:
        playwright = sync_playwright().start()
        _playwright.append((playwright, launch_chromium(playwright)))

        def stop() -> None:
            playwright, browser = _playwright.pop()
            browser.close()
            playwright.stop()

        request.addfinalizer(stop)
    return _playwright[0][1]


@dataclass(frozen=True)
class Received:
    url: str
    status: int
    body: bytes


@dataclass
class Recorder:
    """What one browser context received and complained about."""

    responses: list[Received] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    expected: list[tuple[int, str]] = field(default_factory=list)
    _pending: int = 0
    _context: BrowserContext | None = None

    def attach(self, context: BrowserContext) -> None:
        self._context = context
        context.on("response", self._on_response)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))

    def _on_response(self, response: Response) -> None:
        # Reading the body is a round trip to the browser: the handler finishes on a later turn of
        # Playwright's dispatcher, so `settle` waits for the ones still reading.
        self._pending += 1
        try:
            body = response.body()
        except Exception as error:  # redirects have no body; a page torn down mid-load loses it
            body = f"<no body: {error}>".encode()
        finally:
            self._pending -= 1
        self.responses.append(Received(response.url, response.status, body))

    def settle(self) -> None:
        """Lets every response handler still reading a body finish (the page's work is done by now)."""
        for _ in range(500):
            if not self._pending or self._context is None or not self._context.pages:
                return
            self._context.pages[0].wait_for_timeout(10)
        raise AssertionError(f"{self._pending} response bodies were never read")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} (at {message.location.get('url')})")

    def expect(self, status: int, url_part: str) -> None:
        """This test expects `status` answers from URLs containing `url_part` (and Chromium's log of them)."""
        self.expected.append((status, url_part))

    def _is_expected(self, status: int, url: str) -> bool:
        return any(status == s and part in url for s, part in self.expected)

    def problems(self) -> list[str]:
        self.settle()
        found = [f"HTTP {r.status} {r.url}" for r in self.responses if r.status >= 400 and not self._is_expected(r.status, r.url)]
        for text in self.console_errors:
            failed = FAILED_LOAD.search(text)
            url = text.rsplit("(at ", 1)[-1].rstrip(")")
            if not (failed and self._is_expected(int(failed.group(1)), url)):
                found.append(f"console error: {text}")
        found += [f"page error: {text}" for text in self.page_errors]
        return found

    def check(self) -> None:
        problems = self.problems()
        assert not problems, "the browser saw:\n" + "\n".join(problems)

    def reset(self) -> None:
        """Starts a new test's account of errors (the responses stay, for a whole-module leak scan)."""
        self.console_errors.clear()
        self.page_errors.clear()
        self.expected.clear()

    def bodies_containing(self, secret: str) -> list[str]:
        self.settle()
        needle = secret.encode()
        return [f"{r.url} ({r.status})" for r in self.responses if needle in r.body]


class Session:
    """A browser context signed in (or not) as one principal, with its recorder."""

    def __init__(self, context: BrowserContext, base_url: str) -> None:
        self.context = context
        self.context.set_default_timeout(TIMEOUT_MS)
        self.base_url = base_url
        self.recorder = Recorder()
        self.recorder.attach(context)
        self.page = context.new_page()

    def goto(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def sign_in(self, token: str, path: str = "/login") -> None:
        """Signs in through the form: the field labelled Token and the button Sign in."""
        self.recorder.expect(401, "/api/v1/session")  # the app asks who is signed in before anyone is
        if path:
            self.goto(path)
        self.page.get_by_label("Token").fill(token)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(lambda url: "/login" not in url)

    def session_cookie(self) -> dict[str, Any]:
        [cookie] = [c for c in self.context.cookies() if c["name"] == "provgraph_session"]
        return cookie

    def close(self) -> None:
        self.context.close()


class Console:
    """The live server as the browser tests use it."""

    def __init__(self, server: LiveServer, browser: Browser, settings: Settings) -> None:
        self.server = server
        self.browser = browser
        self.settings = settings
        self.url = server.url
        self.api = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=60)

    def reset_graph(self) -> None:
        """An empty graph with the built-ins and the bootstrap admin, as conftest gives other tests."""
        self.cypher("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")

        async def seed(services: Any) -> None:
            await services.seed_builtins()
            await services.principals.ensure_bootstrap_admin(ADMIN_TOKEN)

        self.server.call(seed)

    def cypher(self, query: str, **parameters: Any) -> list[dict[str, Any]]:
        """Direct access to the stored graph, for tests that tamper with it (e.g. expire a session)."""
        auth = (self.settings.neo4j_user, self.settings.neo4j_password) if self.settings.neo4j_password else None
        with GraphDatabase.driver(self.settings.neo4j_uri, auth=auth) as driver, driver.session() as session:
            return [record.data() for record in session.run(query, parameters)]

    def graphql(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = self.api.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers).json()
        assert not answer.get("errors"), answer["errors"]
        return answer["data"]

    def token_for(self, role: str, name: str | None = None) -> str:
        created = self.graphql(
            "mutation($n: String!, $r: [String!]!) { createPrincipal(name: $n, roles: $r) { token } }",
            {"n": name or f"{role}-console", "r": [role]},
        )
        return created["createPrincipal"]["token"]

    def new_session(self, **context_options: Any) -> Session:
        return Session(self.browser.new_context(accept_downloads=True, **context_options), self.url)

    def signed_in(self, role: str, name: str | None = None) -> Session:
        token = ADMIN_TOKEN if role == "admin" else self.token_for(role, name)
        session = self.new_session()
        session.sign_in(token)
        session.recorder.check()
        return session


@pytest.fixture(scope="module")
def console(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Console]:
    """The one fixture a console test module imports: the session's live server, and a browser for the
    module (see _shared_chromium)."""
    console = Console(shared_live_server(settings, request), _shared_chromium(request), settings)
    yield console
    console.api.close()

"""A real HTTP server for clients that cannot speak ASGI (the openlineage-python HTTP transport uses
`requests`; the console's browser tests drive Chromium): uvicorn serving `create_app(settings)` on a free
127.0.0.1 port, in a background thread.

Import the fixture into a test module (`from .live_server import live_server_url`). It shares the
session's Neo4j, so the per-test empty graph and admin apply to it as well. `LiveServer.call` runs a
coroutine on the server's own event loop (the services' driver belongs to that loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import uvicorn
from neo4j import GraphDatabase
from neo4j.exceptions import DatabaseUnavailable, ServiceUnavailable, SessionExpired
from starlette.types import ASGIApp

from provgraph.api.app import create_app
from provgraph.config import Settings
from provgraph.services.container import Services


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_database(settings: Settings, seconds: float = 120) -> None:
    """The embedded Neo4j accepts Bolt a little before its database serves queries (longer on a busy
    machine); the app's startup would fail on that gap."""
    auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
    deadline = time.monotonic() + seconds
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        while True:
            try:
                driver.execute_query("RETURN 1", database_=settings.neo4j_database)
                return
            except (DatabaseUnavailable, ServiceUnavailable, SessionExpired):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


class _Server(uvicorn.Server):
    """Remembers the loop it serves on, so tests can run coroutines there."""

    loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: Any = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().serve(sockets)


class LiveServer:
    def __init__(self, settings: Settings) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings = settings
        self.app = create_app(settings)
        self._server = _Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, name="live-server", daemon=True)

    def start(self) -> "LiveServer":
        _wait_for_database(self.settings)
        self._thread.start()
        deadline = time.monotonic() + 180  # schema and built-ins first: slow on a busy machine
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    @property
    def services(self) -> Services:
        return self.app.state.services

    def call(self, work: Callable[[Services], Awaitable[Any]], timeout: float = 300) -> Any:
        """Runs `work(services)` on the server's loop and returns its result."""
        assert self._server.loop is not None, "the server has not started"
        return asyncio.run_coroutine_threadsafe(work(self.services), self._server.loop).result(timeout)


@contextlib.contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Serves `app` (one with its own settings) on a free port for the duration; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-server-own", daemon=True)
    thread.start()
    deadline = time.monotonic() + 180
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def shared_live_server(settings: Settings, request: pytest.FixtureRequest) -> LiveServer:
    """One server per session whichever fixture asks first (a module may import either fixture alone,
    and a module-scoped fixture may ask too). It lives in conftest's session fixture `live_servers`, which
    depends on the session's Neo4j and so stops the server before Neo4j stops: a server outliving its
    database would log the audit sequencer's "graph database unreachable" at every session's end."""
    servers: dict[int, LiveServer] = request.getfixturevalue("live_servers")
    if id(settings) not in servers:
        servers[id(settings)] = LiveServer(settings).start()
    return servers[id(settings)]


@pytest.fixture(scope="session")
def live_server(settings: Settings, request: pytest.FixtureRequest) -> LiveServer:
    return shared_live_server(settings, request)


@pytest.fixture(scope="session")
def live_server_url(settings: Settings, request: pytest.FixtureRequest) -> str:
    return shared_live_server(settings, request).url

"""What every CLI command runs over: the settings (read from the environment once per invocation), the
Neo4j they name or the embedded one, and the services built once over it.

The CLI acts with the operator's direct access to the database, like a database administrator: commands
that need a principal act as the bootstrap admin, with client `cli` so their audit events say so.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from ..config import Settings
from ..domain.principals import Principal
from ..embedded import server
from ..services.container import Services
from ..services.principals import BOOTSTRAP_ADMIN
from ..store.database import Database

T = TypeVar("T")

CLI_ADMIN = Principal(name=BOOTSTRAP_ADMIN, roles=("admin",), client="cli")


@dataclass(frozen=True)
class Runtime:
    settings: Settings

    @classmethod
    def from_environment(cls) -> "Runtime":
        return cls(Settings())

    def start_embedded(self, detached: bool) -> server.ServerInfo:
        """The embedded Neo4j, started (exit 2 with the reason when it cannot be: no Java, no Maven)."""
        try:
            return server.start(
                self.settings.data_dir, detached=detached, progress=lambda line: print(line, file=sys.stderr)
            )
        except server.EmbeddedNeo4jUnavailable as error:
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(2) from None

    @contextlib.contextmanager
    def neo4j_uri(self) -> Iterator[str]:
        """NEO4J_URI when set; otherwise the embedded server, started for the duration (and stopped after,
        unless it was already running before us), however the command ends: SIGTERM and SIGINT included."""
        if self.settings.neo4j_uri:
            yield self.settings.neo4j_uri
            return
        with _sigterm_unwinds():
            already = server.status(self.settings.data_dir)
            try:  # the start inside: a signal just after it returns must still stop the server
                yield (already or self.start_embedded(detached=False)).uri
            finally:
                if already is None:
                    with _signals_ignored():  # a second Ctrl-C must not abandon the stop half-way
                        server.stop(self.settings.data_dir)

    def connect(self, uri: str) -> Database:
        """The database at `uri` with the same credentials and timeouts the API uses, so a CLI command
        against an unreachable Neo4j fails with UNAVAILABLE as quickly as a request does."""
        return Database.connect(uri, **self.settings.neo4j_options())

    def run(self, work: Callable[[Services], Awaitable[T]]) -> T:
        """Runs one async unit of work over the services, built once over the configured (or embedded)
        Neo4j, with the schema and built-ins in place."""

        async def run(uri: str) -> T:
            db = self.connect(uri)
            services = Services.build(db, settings=self.settings)
            try:
                await services.prepare()
                return await work(services)
            finally:
                await services.shut_down_audit()  # events still in the group committer are written
                await db.close()

        with self.neo4j_uri() as uri:
            return asyncio.run(run(uri))


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises SystemExit(143) instead of killing the process where it stands, so `finally`
    blocks run. uvicorn catches SIGTERM to shut down gracefully, then restores the handler it found and
    raises the signal again: with the default handler that killed `serve` before it stopped its Neo4j."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def unwind(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

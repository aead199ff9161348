"""The `provgraph` command: a thin shell over the services (DESIGN 5, CLI).

    provgraph serve [--host H] [--port P] [--demo]
    provgraph neo4j start|stop|status
    provgraph principal create NAME --role ROLE [--role ROLE ...]
    provgraph principal rotate NAME
    provgraph audit verify
    provgraph ingest openlineage FILE [--concurrency N] [--no-progress]
    provgraph report provenance ID --format json|md|html|prov [--out FILE]
    provgraph report classification NAME --format json|md|html [--out FILE]
    provgraph schema            (print the GraphQL SDL)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

from .cli_audit import register as register_governance
from .cli_ingest import add_ingest_parser
from .cli_report import register as register_report
from .config import Settings
from .domain.errors import ProvgraphError

T = TypeVar("T")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except ProvgraphError as error:
        print(f"error ({error.code}): {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="provgraph", description="Lineage and governance for ML metadata.")
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="run the API (starts the embedded Neo4j when NEO4J_URI is unset)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo ML story into an empty store")
    serve.set_defaults(run=_serve)

    neo4j = commands.add_parser("neo4j", help="the embedded development Neo4j")
    neo4j.add_argument("action", choices=["start", "stop", "status"])
    neo4j.set_defaults(run=_neo4j)

    principal = commands.add_parser("principal", help="manage principals")
    principal_commands = principal.add_subparsers(title="principal commands")
    create = principal_commands.add_parser("create", help="create a principal and print its token")
    create.add_argument("name")
    create.add_argument("--role", action="append", required=True, dest="roles")
    create.set_defaults(run=_principal_create)

    add_ingest_parser(commands)
    register_report(commands)
    register_governance(commands, principal_commands)

    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.set_defaults(run=_print_schema)
    return parser


# -- neo4j -------------------------------------------------------------------------------------------


def _neo4j(args: argparse.Namespace) -> int:
    from .embedded import server

    settings = Settings()
    data_dir = settings.data_dir
    if args.action == "start":
        info = _start_embedded(settings, detached=True)
        print(f"neo4j running at {info.uri} (pid {info.pid}, data {info.data_dir}, log {info.log_file})")
        print(f"use it from another shell with: export NEO4J_URI={info.uri}")
    elif args.action == "stop":
        print("neo4j stopped" if server.stop(data_dir) else "neo4j was not running")
    else:
        info = server.status(data_dir)
        if info is None:
            print(f"neo4j is not running (data {data_dir})")
            return 3
        print(f"neo4j running at {info.uri} (pid {info.pid}, data {info.data_dir})")
    return 0


def _start_embedded(settings: Settings, detached: bool):
    from .embedded import server

    try:
        return server.start(settings.data_dir, detached=detached, progress=lambda line: print(line, file=sys.stderr))
    except server.EmbeddedNeo4jUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


@contextlib.contextmanager
def _neo4j_uri(settings: Settings) -> Iterator[str]:
    """NEO4J_URI when set; otherwise the embedded server, started for the duration (and stopped after,
    unless it was already running before us), however the command ends: SIGTERM and SIGINT included."""
    if settings.neo4j_uri:
        yield settings.neo4j_uri
        return
    from .embedded import server

    with _sigterm_unwinds():
        already = server.status(settings.data_dir)
        try:  # the start inside: a signal just after it returns must still stop the server
            yield (already or _start_embedded(settings, detached=False)).uri
        finally:
            if already is None:
                with _signals_ignored():  # a second Ctrl-C must not abandon the stop half-way
                    server.stop(settings.data_dir)


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


# -- serve -------------------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .api.app import create_app
    from .services.demo import load_demo

    settings = Settings()

    async def started(services, generated_token: str | None) -> None:
        if generated_token:
            print(
                "\nA bootstrap admin was created. Its token is shown only this once:\n"
                f"    {generated_token}\n"
                "Set PROVGRAPH_ADMIN_TOKEN to choose your own.\n",
                file=sys.stderr,
            )
        if args.demo:
            loaded = await load_demo(services)
            print("demo graph loaded" if loaded else "demo skipped: the store is not empty", file=sys.stderr)

    with _neo4j_uri(settings) as uri:
        app = create_app(settings, neo4j_uri=uri, on_started=started)
        print(f"provgraph on http://{args.host}:{args.port}/graphql (Neo4j {uri})", file=sys.stderr)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


# -- principals --------------------------------------------------------------------------------------


def _principal_create(args: argparse.Namespace) -> int:
    created = with_services(lambda services: services.principals.create_unchecked(args.name, args.roles))
    print(created.token)
    print(f"principal {created.principal.name!r} created with roles {', '.join(created.principal.roles)}", file=sys.stderr)
    return 0


def with_services(work: Callable[..., Awaitable[T]]) -> T:
    """Runs one async unit of work against the configured (or embedded) Neo4j. The CLI acts with the
    operator's direct access to the database, like a database administrator would."""
    from .services.container import Services
    from .store.database import Database

    settings = Settings()

    async def run(uri: str) -> T:
        db = Database.connect(uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database)
        try:
            services = Services.build(db)
            await services.prepare()
            return await work(services)
        finally:
            await db.close()

    with _neo4j_uri(settings) as uri:
        return asyncio.run(run(uri))


def _print_schema(args: argparse.Namespace) -> int:
    from .api.schema import schema_sdl

    sys.stdout.write(schema_sdl())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`provgraph serve [--host H] [--port P] [--demo]`: the API, on NEO4J_URI or the embedded Neo4j."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from ..api.app import create_app
from ..services.container import Services
from ..services.demo import load_demo
from .runtime import Runtime


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the API (starts the embedded Neo4j when NEO4J_URI is unset)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo ML story into an empty store")
    serve.set_defaults(run=run_serve)


def run_serve(runtime: Runtime, args: argparse.Namespace) -> int:
    async def started(services: Services, generated_token: str | None) -> None:
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

    with runtime.neo4j_uri() as uri:
        app = create_app(runtime.settings, neo4j_uri=uri, on_started=started)
        print(f"provgraph on http://{args.host}:{args.port}/ (GraphQL at /graphql; Neo4j {uri})", file=sys.stderr)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0

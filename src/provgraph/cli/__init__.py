"""The `provgraph` command: a thin shell over the services (docs/ARCHITECTURE.md §5, CLI).

    provgraph serve [--host H] [--port P] [--demo]
    provgraph neo4j start|stop|status
    provgraph principal create NAME --role ROLE [--role ROLE ...]
    provgraph principal rotate NAME
    provgraph audit verify
    provgraph ingest openlineage FILE [--concurrency N] [--no-progress]
    provgraph report provenance ID --format json|md|html|prov [--out FILE]
    provgraph report classification NAME --format json|md|html [--out FILE]
    provgraph schema            (print the GraphQL SDL)

One module a command group; each `register`s its parsers, and every command is `run(runtime, args)`
over the one Runtime (runtime.py) that `main` builds from the environment.
"""

from __future__ import annotations

import argparse
import sys

from ..domain.errors import ProvgraphError
from . import audit, ingest, neo4j_server, principal, report, schema, serve
from .runtime import Runtime


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(Runtime.from_environment(), args) or 0
    except ProvgraphError as error:
        print(f"error ({error.code}): {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="provgraph", description="Lineage and governance for ML metadata.")
    commands = parser.add_subparsers(title="commands")
    for group in (serve, neo4j_server, principal, ingest, report, audit, schema):
        group.register(commands)
    return parser

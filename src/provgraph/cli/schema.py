"""`provgraph schema`: prints the GraphQL SDL (graphql/schema.graphql is this output)."""

from __future__ import annotations

import argparse
import sys

from ..api.schema import schema_sdl
from .runtime import Runtime


def register(commands: argparse._SubParsersAction) -> None:
    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.set_defaults(run=print_schema)


def print_schema(runtime: Runtime, args: argparse.Namespace) -> int:
    sys.stdout.write(schema_sdl())
    return 0

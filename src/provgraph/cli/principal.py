"""`provgraph principal create NAME --role ROLE` (prints its token) and `provgraph principal rotate NAME`."""

from __future__ import annotations

import argparse
import sys

from .runtime import Runtime


def register(commands: argparse._SubParsersAction) -> None:
    principal = commands.add_parser("principal", help="manage principals")
    principal_commands = principal.add_subparsers(title="principal commands")

    create = principal_commands.add_parser("create", help="create a principal and print its token")
    create.add_argument("name")
    create.add_argument("--role", action="append", required=True, dest="roles")
    create.set_defaults(run=principal_create)

    rotate = principal_commands.add_parser("rotate", help="give a principal a new token (the old one stops working)")
    rotate.add_argument("name")
    rotate.set_defaults(run=principal_rotate)


def principal_create(runtime: Runtime, args: argparse.Namespace) -> int:
    created = runtime.run(lambda services: services.principals.create_unchecked(args.name, args.roles))
    print(created.token)
    print(f"principal {created.principal.name!r} created with roles {', '.join(created.principal.roles)}", file=sys.stderr)
    return 0


def principal_rotate(runtime: Runtime, args: argparse.Namespace) -> int:
    token = runtime.run(lambda services: services.principals.rotate_token_unchecked(args.name))
    print(token)
    print(f"principal {args.name!r} has a new token; the old one no longer works", file=sys.stderr)
    return 0

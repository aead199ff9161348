"""CLI commands for governance: `provgraph audit verify` and `provgraph principal rotate NAME`.

cli.py registers them with `register(commands, principal_commands)` (its two argparse sub-parser
groups); each runs through cli.with_services, like every other command.
"""

from __future__ import annotations

import argparse
import sys

from .governance.audit import ChainCheck, verify_chain


def register(commands: argparse._SubParsersAction, principal_commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident audit log")
    audit_commands = audit.add_subparsers(title="audit commands")
    verify = audit_commands.add_parser("verify", help="walk the hash chain; name the first broken event")
    verify.set_defaults(run=audit_verify)

    rotate = principal_commands.add_parser("rotate", help="give a principal a new token (the old one stops working)")
    rotate.add_argument("name")
    rotate.set_defaults(run=principal_rotate)


def audit_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain is intact, 1 naming the first broken event otherwise."""
    from .cli import with_services

    check: ChainCheck = with_services(lambda services: verify_chain(services.db))
    if check.ok:
        print(f"audit log intact: {check.message}; head hash {check.head_hash or '(empty log)'}")
        return 0
    print(f"audit log BROKEN at event {check.first_broken_seq}: {check.message}", file=sys.stderr)
    return 1


def principal_rotate(args: argparse.Namespace) -> int:
    from .cli import with_services

    token = with_services(lambda services: services.principals.rotate_token_unchecked(args.name))
    print(token)
    print(f"principal {args.name!r} has a new token; the old one no longer works", file=sys.stderr)
    return 0

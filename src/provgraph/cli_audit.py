"""CLI commands for governance: `provgraph audit verify` and `provgraph principal rotate NAME`.

cli.py registers them with `register(commands, principal_commands)` (its two argparse sub-parser
groups); each runs through cli.with_services, like every other command.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from .config import Settings
from .governance.audit import Backlog, ChainCheck, backlog, verify_chain


def register(commands: argparse._SubParsersAction, principal_commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident audit log")
    audit_commands = audit.add_subparsers(title="audit commands")
    verify = audit_commands.add_parser("verify", help="walk the hash chain; name the first broken event")
    verify.add_argument(
        "--no-sequence", action="store_true",
        help="check the chain as it stands, without first chaining the events that wait to be sequenced",
    )
    verify.set_defaults(run=audit_verify)

    rotate = principal_commands.add_parser("rotate", help="give a principal a new token (the old one stops working)")
    rotate.add_argument("name")
    rotate.set_defaults(run=principal_rotate)


def audit_verify(args: argparse.Namespace | None) -> int:
    """Exit 0 when the chain is intact, 1 naming the first broken event otherwise, 2 when it is intact
    but events waited longer than PROVGRAPH_AUDIT_BACKLOG_BOUND_SECONDS to be sequenced (no sequencer
    is keeping up). The backlog is measured before this command chains it."""
    from .cli import with_services

    settings = Settings()
    sequence = not getattr(args, "no_sequence", False)

    async def work(services) -> tuple[Backlog, ChainCheck]:
        waiting = await backlog(services.db)
        if sequence:
            await services.sequencer.sequence_pending()
        return waiting, await verify_chain(services.db)

    waiting, check = with_services(work)
    if not check.ok:
        print(f"audit log BROKEN at event {check.first_broken_seq}: {check.message}", file=sys.stderr)
        return 1
    print(f"audit log intact: {check.message}; head hash {check.head_hash or '(empty log)'}")
    bound = timedelta(seconds=settings.audit_backlog_bound)
    if waiting.stale(bound):
        print(f"audit backlog STALE: {waiting.describe()} (bound {bound.total_seconds():g} s): "
              "no sequencer is keeping up; is a provgraph API running?", file=sys.stderr)
        return 2
    print(f"audit backlog: {waiting.describe()}" + ("; chained them" if sequence and waiting.pending else ""))
    return 0


def principal_rotate(args: argparse.Namespace) -> int:
    from .cli import with_services

    token = with_services(lambda services: services.principals.rotate_token_unchecked(args.name))
    print(token)
    print(f"principal {args.name!r} has a new token; the old one no longer works", file=sys.stderr)
    return 0

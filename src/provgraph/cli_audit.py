"""CLI commands for governance: `provgraph audit verify` and `provgraph principal rotate NAME`.

cli.py registers them with `register(commands, principal_commands)` (its two argparse sub-parser
groups); each runs through cli.with_services, like every other command.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from .config import Settings
from .governance.audit import Backlog, ChainCheck, backlog, verify_chain
from .governance.audit_anchors import AnchorCheck, check_anchors, read_anchors


def register(commands: argparse._SubParsersAction, principal_commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident audit log")
    audit_commands = audit.add_subparsers(title="audit commands")
    verify = audit_commands.add_parser("verify", help="walk the hash chain; name the first broken event")
    verify.add_argument(
        "--no-sequence", action="store_true",
        help="check the chain as it stands, without first chaining the events that wait to be sequenced",
    )
    verify.add_argument(
        "--anchors", type=Path, default=None,
        help="the signed heads to hold the chain to (default PROVGRAPH_AUDIT_ANCHOR_FILE; "
        "checked when PROVGRAPH_AUDIT_ANCHOR_KEY is set)",
    )
    verify.set_defaults(run=audit_verify)

    rotate = principal_commands.add_parser("rotate", help="give a principal a new token (the old one stops working)")
    rotate.add_argument("name")
    rotate.set_defaults(run=principal_rotate)


def audit_verify(args: argparse.Namespace | None) -> int:
    """Exit 0 when the chain is intact (and holds to its anchors), 1 naming the first broken event
    otherwise, 2 when it is intact but events waited longer than PROVGRAPH_AUDIT_BACKLOG_BOUND_SECONDS
    to be sequenced (no sequencer is keeping up). The backlog is measured before this command chains it."""
    from .cli import with_services

    settings = Settings()
    sequence = not getattr(args, "no_sequence", False)
    anchor_file = getattr(args, "anchors", None) or settings.anchor_file
    anchored = bool(settings.audit_anchor_key) and anchor_file.exists()

    async def work(services) -> tuple[Backlog, ChainCheck, AnchorCheck | None]:
        waiting = await backlog(services.db)
        if sequence:
            await services.sequencer.sequence_pending()
        chain = await verify_chain(services.db)
        anchors = await check_anchors(services.db, settings.audit_anchor_key, read_anchors(anchor_file)) if anchored else None
        return waiting, chain, anchors

    waiting, check, anchors = with_services(work)
    if not check.ok:
        print(f"audit log BROKEN at event {check.first_broken_seq}: {check.message}", file=sys.stderr)
        return 1
    if anchors is not None and not anchors.ok:
        where = f"at event {anchors.first_broken_seq}" if anchors.first_broken_seq else "in its anchors"
        print(f"audit log BROKEN {where} (against {anchor_file}): {anchors.message}", file=sys.stderr)
        return 1
    held = f"; {anchors.message} ({anchor_file})" if anchors else "; no anchors checked"
    print(f"audit log intact: {check.message}{held}; head hash {check.head_hash or '(empty log)'}")
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

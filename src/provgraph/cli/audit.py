"""`provgraph audit verify`: the audit log's hash chain, its sequencing backlog and its signed anchors,
checked through the audit service."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from ..governance.audit_anchors import read_anchors
from .runtime import Runtime


def register(commands: argparse._SubParsersAction) -> None:
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


def audit_verify(runtime: Runtime, args: argparse.Namespace | None) -> int:
    """Exit 0 when the chain is intact (and holds to its anchors), 1 naming the first broken event
    otherwise, 2 when it is intact but events waited longer than PROVGRAPH_AUDIT_BACKLOG_BOUND_SECONDS
    to be sequenced (no sequencer is keeping up). The backlog is measured before this command chains it."""
    settings = runtime.settings
    sequence = not getattr(args, "no_sequence", False)
    anchor_file = getattr(args, "anchors", None) or settings.anchor_file
    anchors = read_anchors(anchor_file) if settings.audit_anchor_key and anchor_file.exists() else None
    result = runtime.run(
        lambda services: services.audit.verify_unchecked(sequence, settings.audit_anchor_key, anchors)
    )
    check, held, waiting = result.chain, result.anchors, result.backlog
    if not check.ok:
        print(f"audit log BROKEN at event {check.first_broken_seq}: {check.message}", file=sys.stderr)
        return 1
    if held is not None and not held.ok:
        where = f"at event {held.first_broken_seq}" if held.first_broken_seq else "in its anchors"
        print(f"audit log BROKEN {where} (against {anchor_file}): {held.message}", file=sys.stderr)
        return 1
    anchored = f"; {held.message} ({anchor_file})" if held else "; no anchors checked"
    print(f"audit log intact: {check.message}{anchored}; head hash {check.head_hash or '(empty log)'}")
    bound = timedelta(seconds=settings.audit_backlog_bound)
    if waiting.stale(bound):
        print(
            f"audit backlog STALE: {waiting.describe()} (bound {bound.total_seconds():g} s): "
            "no sequencer is keeping up; is a provgraph API running?",
            file=sys.stderr,
        )
        return 2
    print(f"audit backlog: {waiting.describe()}" + ("; chained them" if sequence and waiting.pending else ""))
    return 0

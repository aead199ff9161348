"""`provgraph audit verify`: walks the audit log's hash chain through the audit service."""

from __future__ import annotations

import argparse
import sys

from .runtime import Runtime


def register(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident audit log")
    audit_commands = audit.add_subparsers(title="audit commands")
    verify = audit_commands.add_parser("verify", help="walk the hash chain; name the first broken event")
    verify.set_defaults(run=audit_verify)


def audit_verify(runtime: Runtime, args: argparse.Namespace | None) -> int:
    """Exit 0 when the chain is intact, 1 naming the first broken event otherwise."""
    check = runtime.run(lambda services: services.audit.verify_chain_unchecked())
    if check.ok:
        print(f"audit log intact: {check.message}; head hash {check.head_hash or '(empty log)'}")
        return 0
    print(f"audit log BROKEN at event {check.first_broken_seq}: {check.message}", file=sys.stderr)
    return 1

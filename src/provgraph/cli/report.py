"""CLI commands for compliance reports:

    provgraph report provenance ID [--format json|md|html|prov] [--since T] [--until T] [--out FILE]
    provgraph report classification NAME [--format json|md|html] [--out FILE]

The CLI acts as the bootstrap admin (the operator has the database itself), so it sees everything; the
report's own audit event names that principal with client `cli`. Without --out the report goes to stdout.
The renderers are the API's (report_formats/), so a report gives the same bytes over HTTP and here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..report_formats import CLASSIFICATION_FORMATS, PROVENANCE_FORMATS, Rendered, check_format, parse_moment, render
from .runtime import CLI_ADMIN, Runtime


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="compliance reports: provenance of an entity, where a classification went")
    report_commands = report.add_subparsers(title="report commands")

    provenance = report_commands.add_parser("provenance", help="everything an entity was built from, and who looked at it")
    provenance.add_argument("id", help="the entity id (a UUID)")
    provenance.add_argument("--format", default="json", help=f"one of {', '.join(PROVENANCE_FORMATS)} (default json)")
    provenance.add_argument("--since", help="start of the access-summary window (ISO 8601; default 90 days before --until)")
    provenance.add_argument("--until", help="end of the access-summary window (ISO 8601; default now)")
    provenance.add_argument("--out", help="write the report to this file instead of stdout")
    provenance.set_defaults(run=report_provenance)

    classification = report_commands.add_parser("classification", help="every entity carrying a classification (GDPR Art. 30)")
    classification.add_argument("name", help="the classification, e.g. PII")
    classification.add_argument("--format", default="json", help=f"one of {', '.join(CLASSIFICATION_FORMATS)} (default json)")
    classification.add_argument("--out", help="write the report to this file instead of stdout")
    classification.set_defaults(run=report_classification)


def _emit(rendered: Rendered, out: str | None) -> int:
    if out:
        Path(out).write_text(rendered.content, encoding="utf-8")
        print(f"wrote {out} ({len(rendered.bytes)} bytes)", file=sys.stderr)
    else:
        sys.stdout.write(rendered.content)
    return 0


def report_provenance(runtime: Runtime, args: argparse.Namespace) -> int:
    fmt = check_format(args.format, "provenance")  # before touching the database
    since, until = parse_moment(args.since, "since"), parse_moment(args.until, "until")
    report = runtime.run(lambda services: services.reports.provenance(CLI_ADMIN, args.id, since, until))
    print(f"digest sha256:{report.digest}", file=sys.stderr)
    return _emit(render(report, fmt), args.out)


def report_classification(runtime: Runtime, args: argparse.Namespace) -> int:
    fmt = check_format(args.format, "classification")
    report = runtime.run(lambda services: services.reports.classification_report(CLI_ADMIN, args.name))
    print(f"digest sha256:{report.digest}", file=sys.stderr)
    return _emit(render(report, fmt), args.out)

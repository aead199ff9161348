"""`provgraph ingest openlineage FILE`: OpenLineage events (run, job and dataset) from a JSON-lines file (one event per line,
as the client's file transport or a Marquez export writes them), with a progress bar.

Every event goes through the same parsing (openlineage/events.py) and the same service, authorization
included, as `POST /api/v1/lineage`; the CLI acts as the bootstrap admin, with the operator's direct
access to the database (like `principal create`). Each event is its own transaction: a bad line is
reported with its line number and the rest are still recorded. Events may be recorded several at a
time (`--concurrency`): the merge rules make the result independent of the order they land in.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from ..openlineage.events import MAX_EVENT_BYTES, parse_event
from ..domain.errors import BadInput, Conflict, LimitExceeded
from ..domain.principals import Principal
from ..services.container import Services
from .runtime import CLI_ADMIN, Runtime

# One file is one request: its events carry request id `cli`.
CLI_PRINCIPAL = replace(CLI_ADMIN, request_id="cli")
MAX_ERRORS_SHOWN = 20
# Errors that concern one event; anything else (database down, no permission) stops the whole file.
_PER_EVENT = (BadInput, LimitExceeded, Conflict)


@dataclass
class IngestSummary:
    recorded: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)  # the first MAX_ERRORS_SHOWN, `line N: message`


async def ingest_openlineage_file(
    services: Services, principal: Principal, path: Path, progress: bool = True, concurrency: int = 1
) -> IngestSummary:
    summary = IngestSummary()
    pending: set[asyncio.Task[None]] = set()
    limit = max(1, concurrency)

    async def record(number: int, line: bytes) -> None:
        try:
            if len(line) > MAX_EVENT_BYTES:
                raise LimitExceeded(f"an OpenLineage event may be at most {MAX_EVENT_BYTES} bytes", field="body")
            await services.openlineage.record(principal, parse_event(line))
            summary.recorded += 1
        except _PER_EVENT as error:
            summary.failed += 1
            if len(summary.errors) < MAX_ERRORS_SHOWN:
                summary.errors.append(f"line {number}: {error.message}")

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[events]} events"), TimeRemainingColumn())
    with (
        Progress(*columns, console=Console(stderr=True), disable=not progress, transient=False) as bar,
        path.open("rb") as lines,
    ):
        task = bar.add_task(f"ingesting {path.name}", total=path.stat().st_size, events=0)
        try:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    pending.add(asyncio.create_task(record(number, line)))
                    if len(pending) >= limit:
                        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                        _raise_fatal(done)
                bar.update(task, advance=len(line), events=summary.recorded + summary.failed)
            if pending:
                done, pending = await asyncio.wait(pending)
                _raise_fatal(done)
        finally:
            for task_left in pending:
                task_left.cancel()
        bar.update(task, events=summary.recorded + summary.failed)
    return summary


def _raise_fatal(done: set[asyncio.Task[None]]) -> None:
    """Re-raises what stops the whole file (every exception is retrieved, so none is reported twice)."""
    fatal = [error for error in (task.exception() for task in done) if error is not None]
    if fatal:
        raise fatal[0]


def register(commands: argparse._SubParsersAction) -> None:
    """Registers `ingest openlineage FILE` on the CLI's subcommands."""
    ingest = commands.add_parser("ingest", help="load lineage recorded elsewhere")
    sources = ingest.add_subparsers(title="sources")
    openlineage = sources.add_parser("openlineage", help="OpenLineage events (run, job, dataset) from a JSON-lines file")
    openlineage.add_argument("file", type=Path, help="one event JSON object per line")
    openlineage.add_argument("--concurrency", type=int, default=4, help="events recorded at once (default 4)")
    openlineage.add_argument("--no-progress", action="store_true", help="no progress bar")
    openlineage.set_defaults(run=run_ingest)


def run_ingest(runtime: Runtime, args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        print(f"error: {path} is not a readable file", file=sys.stderr)
        return 2
    summary = runtime.run(
        lambda services: ingest_openlineage_file(
            services, CLI_PRINCIPAL, path, progress=not args.no_progress, concurrency=args.concurrency
        )
    )
    print(f"{summary.recorded} events recorded, {summary.failed} rejected")
    for line in summary.errors:
        print(f"  {line}", file=sys.stderr)
    if summary.failed > len(summary.errors):
        print(f"  ... and {summary.failed - len(summary.errors)} more", file=sys.stderr)
    return 0 if summary.failed == 0 else 1


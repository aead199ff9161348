"""`provgraph neo4j start|stop|status`: the embedded development Neo4j on its own."""

from __future__ import annotations

import argparse

from ..embedded import server
from .runtime import Runtime


def register(commands: argparse._SubParsersAction) -> None:
    neo4j = commands.add_parser("neo4j", help="the embedded development Neo4j")
    neo4j.add_argument("action", choices=["start", "stop", "status"])
    neo4j.set_defaults(run=run_neo4j)


def run_neo4j(runtime: Runtime, args: argparse.Namespace) -> int:
    data_dir = runtime.settings.data_dir
    if args.action == "start":
        info = runtime.start_embedded(detached=True)
        print(f"neo4j running at {info.uri} (pid {info.pid}, data {info.data_dir}, log {info.log_file})")
        print(f"use it from another shell with: export NEO4J_URI={info.uri}")
    elif args.action == "stop":
        print("neo4j stopped" if server.stop(data_dir) else "neo4j was not running")
    else:
        info = server.status(data_dir)
        if info is None:
            print(f"neo4j is not running (data {data_dir})")
            return 3
        print(f"neo4j running at {info.uri} (pid {info.pid}, data {info.data_dir})")
    return 0

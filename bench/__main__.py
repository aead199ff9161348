"""python -m bench run --size 100k [--out DIR] [--chart PATH] [--no-mlmd] [--seed N] [--starts N] [--profile]
   python -m bench ui [--sizes 500,2000] [--repeats N] [--out DIR] [--seed N] [--part all|lineage|experiments]
                  [--runs 10000] [--points 100000]
   python -m bench load [--rounds N] [--per-round N] [--writes N] [--latency-reads N] [--out DIR]
   python -m bench mlflow [--points 100000] [--rounds 3]

NEO4J_URI must point at a Neo4j the bench may empty. Prints the table, writes DIR/results-<size>.json
(default bench/results/) and a PNG chart of the ratios (default DIR/results-<size>.png). `ui` opens the
console's lineage explorer in headless Chromium (bench/ui.py) and writes DIR/results-ui.json, then the
experiment pages (bench/ui_part2.py: 10,000 runs, compare of 100, a 100,000-point chart) and writes
DIR/results-ui-part2.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import report
from .generator import size_of
from .runner import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("run", help="load one graph into provgraph, raw Cypher and MLMD; measure all")
    bench.add_argument("--size", default="100k", help="2k (smoke), 10k, 100k (default), 1m, or a number")
    bench.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    bench.add_argument("--chart", type=Path, default=None, help="the PNG to write (default OUT/results-SIZE.png)")
    bench.add_argument("--no-mlmd", action="store_true", help="skip the ML Metadata column (recorded in the output)")
    bench.add_argument("--seed", type=int, default=7)
    bench.add_argument("--starts", type=int, default=20, help="sampled lineage starts (default 20)")
    bench.add_argument("--profile", action="store_true",
                       help="pyinstrument the provgraph server during ingest and depth-6 lineage (OUT/profile-SIZE/*.txt)")
    ui = commands.add_parser("ui", help="the console's lineage explorer in Chromium vs the bare GraphQL request")
    ui.add_argument("--sizes", default="500,2000", help="lineage sizes in nodes, comma-separated (default 500,2000)")
    ui.add_argument("--repeats", type=int, default=5, help="navigations per size (default 5)")
    ui.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    ui.add_argument("--seed", type=int, default=7)
    ui.add_argument("--part", choices=["all", "lineage", "experiments"], default="all",
                    help="part 1's lineage explorer, part 2's experiment pages, or both (default)")
    ui.add_argument("--runs", type=int, default=10_000, help="part 2: runs in the experiment (default 10,000)")
    ui.add_argument("--points", type=int, default=100_000, help="part 2: points of the long metric (default 100,000)")
    load = commands.add_parser("load", help="three API replicas on one Neo4j: audit, writers, an unauthenticated flood")
    load.add_argument("--rounds", type=int, default=3, help="alternating audited / unaudited read rounds")
    load.add_argument("--per-round", type=int, default=160, help="lineage reads per round (concurrency 16)")
    load.add_argument("--writes", type=int, default=240, help="writes of each kind for 1 writer, and again for 8")
    load.add_argument("--latency-reads", type=int, default=40, help="sequential reads for each p50 of (c)")
    load.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    via_mlflow = commands.add_parser("mlflow", help="metric points: the stock MLflow client's log_batch vs provgraph's client")
    loop = commands.add_parser("loop", help="how long a 10,000-entity upsert holds the API's event loop (issue 13)")
    loop.add_argument("--size", type=int, default=10_000, help="entities per upsertEntities (default 10,000: the limit)")
    loop.add_argument("--batches", type=int, default=3)
    loop.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    via_mlflow.add_argument("--points", type=int, default=100_000)
    via_mlflow.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if args.command == "ui":
        return run_ui(args)
    if args.command == "load":
        return _load(args)
    if args.command == "loop":
        return _loop(args)
    if args.command == "mlflow":
        from . import mlflow_metrics

        return 0 if mlflow_metrics.main(args.points, args.rounds)["ratio"] > 0 else 1

    results = run(size_of(args.size), args.out, with_mlmd=not args.no_mlmd, seed=args.seed, profile=args.profile, starts=args.starts)
    print()
    print(report.table(results))
    label = args.size.lower()
    json_path = args.out / f"results-{label}.json"
    report.write_json(results, json_path)
    chart_path = args.chart or args.out / f"results-{label}.png"
    drawn = report.chart(results, chart_path)
    print(f"\nwrote {json_path}" + (f" and {chart_path}" if drawn else " (no chart: matplotlib is not installed)"))
    return 0 if all(results["checks"].values()) else 1


def run_ui(args: argparse.Namespace) -> int:
    from . import ui, ui_part2

    checks: list[bool] = []
    if args.part in ("all", "lineage"):
        results = ui.run(args.out, tuple(int(s) for s in args.sizes.split(",")), repeats=args.repeats, seed=args.seed)
        print()
        print(ui.table(results))
        print(f"\nwrote {args.out / 'results-ui.json'}")
        checks += results["checks"].values()
    if args.part in ("all", "experiments"):
        part2 = ui_part2.run_standalone(args.out, repeats=args.repeats, runs=args.runs, points=args.points)
        print()
        print("\n".join(ui_part2.table(part2)))
        print("\nchecks: " + ", ".join(f"{k} {'OK' if v else 'FAILED'}" for k, v in part2["checks"].items()))
        print(f"wrote {args.out / 'results-ui-part2.json'}")
        checks += part2["checks"].values()
    return 0 if all(checks) else 1


def _load(args: argparse.Namespace) -> int:
    import json

    from .load import run_load, table

    results = run_load(args.rounds, args.per_round, args.writes, args.latency_reads)
    print(table(results))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results-load.json").write_text(json.dumps(results, indent=2))
    print(f"\nwrote {args.out / 'results-load.json'}")
    return 0


def _loop(args: argparse.Namespace) -> int:
    import json

    from .event_loop import run_loop, table

    result = run_loop(args.size, args.batches)
    print(table(result))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results-loop.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

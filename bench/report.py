"""The run's figures as a table on stdout, a JSON file and a PNG chart of the ratios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def table(results: dict[str, Any]) -> str:
    meta, ingest, lineage = results["meta"], results["ingest"], results["lineage"]
    lines = [
        f"provgraph bench: {meta['entities']} entities, {meta['edges']} edges; MLMD: {meta['mlmd']}",
        "",
        f"{'measure':44s} {'provgraph':>12s} {'raw Cypher':>12s} {'MLMD':>12s} {'pg/Cypher':>10s} {'pg/MLMD':>9s}",
    ]

    def row(name: str, pg: str, raw: str, mlmd: str, r1: float | None, r2: float | None) -> None:
        fmt = lambda r: "" if r is None else f"{r:.2f}x"  # noqa: E731
        lines.append(f"{name:44s} {pg:>12s} {raw:>12s} {mlmd:>12s} {fmt(r1):>10s} {fmt(r2):>9s}")

    rate = lambda s: f"{s['entities_per_s']:.0f}/s" if s else "-"  # noqa: E731
    row("ingest (entities/s; ratio >1 is faster)", rate(ingest["provgraph"]), rate(ingest["raw_cypher"]),
        rate(ingest.get("mlmd")), ingest["provgraph_vs_raw_cypher"], ingest.get("provgraph_vs_mlmd"))
    ms = lambda s, k="p50_ms": f"{s[k]:.1f} ms" if s else "-"  # noqa: E731
    if "floor" in results:
        fl = results["floor"]
        row("request floor p50 (me vs RETURN 1)", ms(fl["provgraph"]), ms(fl["raw_cypher"]), "-",
            fl["provgraph_vs_raw_cypher"], None)
    for depth, r in lineage.items():
        nodes = f"lineage d{depth} p50 ({r['nodes_p50']:.0f} nodes)"
        row(nodes, ms(r["provgraph"]), ms(r["raw_cypher"]), ms(r.get("mlmd")), r["provgraph_vs_raw_cypher"], r.get("provgraph_vs_mlmd"))
        row(f"lineage d{depth} p95", ms(r["provgraph"], "p95_ms"), ms(r["raw_cypher"], "p95_ms"), ms(r.get("mlmd"), "p95_ms"), None, None)
    im = results["impact"]
    row(f"impact p50 ({im['expected']} downstream)", ms(im["provgraph"]), ms(im["raw_cypher"]), ms(im.get("mlmd")),
        im["provgraph_vs_raw_cypher"], im.get("provgraph_vs_mlmd"))
    pr = results["propagation"]
    row(f"propagation ({pr['assignments']} assignments)", f"{pr['provgraph']['seconds'] * 1000:.0f} ms",
        f"{pr['raw_cypher']['seconds'] * 1000:.0f} ms", "n/a", pr["provgraph_vs_raw_cypher"], None)
    au = results["authorization"]
    lines.append(
        f"authorization d{au['depth']} p50: data-scientist {au['data-scientist']['p50_ms']:.1f} ms "
        f"({au['restricted_p50']:.0f} of {au['nodes_p50']:.0f} nodes masked) vs admin {au['admin']['p50_ms']:.1f} ms: "
        f"{au['data_scientist_vs_admin']:.2f}x"
    )
    lines += ["", "checks: " + ", ".join(f"{k} {'OK' if v else 'FAILED'}" for k, v in results["checks"].items()), "", "targets:"]
    for t in results["targets"]:
        mark = "n/a" if t["met"] is None else ("met" if t["met"] else "MISSED")
        value = "-" if t["value"] is None else f"{t['value']:.2f}x"
        lines.append(f"  {t['target']:58s} {value:>8s}  {'>=' if t['at_least'] else '<='} {t['limit']}x  {mark}")
    for depth, r in lineage.items():
        for m in r["mismatches"]:
            lines.append(f"  mismatch d{depth}: {m}")
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str))


def chart(results: dict[str, Any], path: Path) -> bool:
    """A bar per ratio (provgraph over its baseline, lower is better: ingest is shown as time ratio) with
    the target drawn on it. False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    bars: list[tuple[str, float, float | None]] = []  # label, ratio (provgraph time / baseline time), target
    ingest = results["ingest"]
    bars.append(("ingest vs Cypher", 1 / ingest["provgraph_vs_raw_cypher"], 2.0))
    if "provgraph_vs_mlmd" in ingest:
        bars.append(("ingest vs MLMD", 1 / ingest["provgraph_vs_mlmd"], 0.1))
    if "floor" in results:
        bars.append(("request floor vs Cypher", results["floor"]["provgraph_vs_raw_cypher"], None))
    for depth, r in results["lineage"].items():
        bars.append((f"lineage d{depth} vs Cypher", r["provgraph_vs_raw_cypher"], 1.5))
        if "provgraph_vs_mlmd" in r:
            bars.append((f"lineage d{depth} vs MLMD", r["provgraph_vs_mlmd"], 1.0))
    bars.append(("impact vs Cypher", results["impact"]["provgraph_vs_raw_cypher"], None))
    if "provgraph_vs_mlmd" in results["impact"]:
        bars.append(("impact vs MLMD", results["impact"]["provgraph_vs_mlmd"], None))
    bars.append(("propagation vs Cypher", results["propagation"]["provgraph_vs_raw_cypher"], 2.0))
    bars.append(("authz scientist vs admin", results["authorization"]["data_scientist_vs_admin"], 1.2))

    fig, ax = plt.subplots(figsize=(10, 5.5))
    xs = range(len(bars))
    colors = ["tab:grey" if t is None else "tab:green" if v <= t else "tab:red" for _, v, t in bars]
    ax.bar(xs, [v for _, v, _ in bars], color=colors)
    for x, (_, v, t) in zip(xs, bars):
        ax.text(x, v, f"{v:.2f}", ha="center", va="bottom", fontsize=8)
        if t is not None:
            ax.plot([x - 0.4, x + 0.4], [t, t], color="black", linewidth=1.5)
    ax.set_yscale("log")
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    ax.set_xticks(list(xs), [b[0] for b in bars], rotation=40, ha="right", fontsize=8)
    ax.set_ylabel("provgraph time / baseline time (log; lower is better)")
    meta = results["meta"]
    ax.set_title(f"provgraph vs baselines, same run: {meta['entities']} entities (black bar: issue 8 target; grey: none)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True

"""python -m bench ui, part 2: the experiment pages in headless Chromium against the bare GraphQL request.

Graph (bench/experiment_seed.py): one experiment of 10,000 runs, and a run with a metric of 100,000
points. Measured, p50 of `repeats` navigations each, every one against the very GraphQL request the page
sent for its data (captured from the browser, replayed over HTTP with a bearer token, interleaved):
- **first rows**: `/experiments/{id}` of the 10,000-run experiment, navigation start -> the first frame
  painted after the first run row is in the DOM (the page asks for the experiment, then a page of 100
  runs: the bare request is that runs page);
- **scroll**: requestAnimationFrame intervals while the mouse wheel scrolls the runs table down through
  a few thousand rows (pages of 100 fetched as it goes);
- **compare**: `/runs/compare?ids=<100 runs>` -> every metric's chart drawn (bare: the compare request,
  100 runs' parameters, values and points);
- **long chart**: `/runs/{id}` of the 100,000-point series -> its chart drawn (the server downsamples to
  the page's maxPoints; bare: the page's run request).
Absolute times on a shared machine are noise; the ratios are what the targets are about.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .cypher_system import CypherSystem
from .experiment_seed import Seeded, seed
from .provgraph_system import TOKEN, ProvgraphSystem
from .runner import log, percentile
from .ui import FRAME_TARGET_MS, Browser, bare_request, check_console_served

RUNS = 10_000
POINTS = 100_000
COMPARED = 100
TARGET_RATIO = 2.0

# Installed before the app's scripts. What "drawn" means depends on the page (no eval: the CSP forbids
# it), then the first frame painted after it (a rAF runs before the paint; a task queued from it after).
DRAWN_PROBE = """
window.__bench = { ready: null, drawn: null };
function benchReady() {
  const path = location.pathname;
  const charts = (root) => {
    const all = root ? root.querySelectorAll('[data-testid="metric-chart"]') : [];
    return all.length > 0 && [...all].every((c) => c.querySelector('canvas'));
  };
  if (path === '/runs/compare') return charts(document.querySelector('[data-testid="compare-charts"]'));
  if (path.startsWith('/runs/')) return charts(document.querySelector('[data-testid="run-metrics"]'));
  if (path.startsWith('/experiments/')) return !!document.querySelector('[data-testid="run-row"]');
  return false;
}
new MutationObserver(() => {
  if (window.__bench.ready !== null || !benchReady()) return;
  window.__bench.ready = performance.now();
  requestAnimationFrame(() => setTimeout(() => {
    window.__bench.drawn = performance.now();
    document.documentElement.dataset.benchDrawn = 'true';
  }, 0));
}).observe(document, { subtree: true, childList: true, attributes: true });
"""
FRAMES_START = """() => {
  window.__frames = [];
  window.__scrolling = true;
  const tick = (t) => { window.__frames.push(t); if (window.__scrolling) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""
FRAMES_STOP = "() => { window.__scrolling = false; return window.__frames; }"


class PageTimer(Browser):
    """part 1's signed-in Chromium page, with this module's probe: opens console paths and times them
    until drawn (part 1's probe, also installed, waits for the lineage explorer: never on these pages)."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.context.set_default_timeout(300_000)
        self.context.add_init_script(DRAWN_PROBE)

    def open(self, path: str, operation: str) -> tuple[float, str]:
        """Navigates; returns navigation -> drawn (s) and the body of the page's `operation` request."""
        sent: list[str] = []

        def remember(request: Any) -> None:
            body = request.post_data or ""
            if request.url.endswith("/graphql") and request.method == "POST" and f"query {operation}(" in body:
                sent.append(body)

        self.page.on("request", remember)
        try:
            self.page.goto(self.base_url + path)
            self.page.wait_for_selector("html[data-bench-drawn]", state="attached", timeout=300_000)
        finally:
            self.page.remove_listener("request", remember)
        if self.errors:
            raise RuntimeError(f"the page failed: {self.errors}")
        if not sent:
            raise RuntimeError(f"the page sent no {operation} request")
        return self.page.evaluate("window.__bench.drawn") / 1000, sent[0]

    def scroll(self, wheels: int = 120, delta: int = 900) -> tuple[list[float], int]:
        """Frame intervals (ms) while the wheel scrolls the runs table; returns them and the last row index drawn."""
        box = self.page.get_by_test_id("runs-scroll").bounding_box()
        if box is None:
            raise RuntimeError("the runs table has no scroller")
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.evaluate(FRAMES_START)
        for _ in range(wheels):
            self.page.mouse.wheel(0, delta)
            self.page.wait_for_timeout(16)
        frames = self.page.evaluate(FRAMES_STOP)
        last = self.page.locator('[data-testid="run-row"]').last.get_attribute("data-index")
        return [b - a for a, b in zip(frames, frames[1:])], int(last or 0)


def measure(pg: ProvgraphSystem, timer: PageTimer, path: str, operation: str, repeats: int) -> dict[str, Any]:
    _, body = timer.open(path, operation)  # warm: assets cached, query plans compiled
    bare_request(pg, body)
    console, bare = [], []
    for _ in range(repeats):
        seconds, body = timer.open(path, operation)
        console.append(seconds)
        bare.append(bare_request(pg, body))
    console_p50, bare_p50 = percentile(console, 0.5), percentile(bare, 0.5)
    return {
        "n": repeats, "console_p50_ms": console_p50 * 1000, "console_p95_ms": percentile(console, 0.95) * 1000,
        "bare_p50_ms": bare_p50 * 1000, "bare_p95_ms": percentile(bare, 0.95) * 1000,
        "ratio": console_p50 / bare_p50, "target": TARGET_RATIO, "request_bytes": len(body),
    }


def run(pg: ProvgraphSystem, uri: str, repeats: int, runs: int = RUNS, points: int = POINTS) -> dict[str, Any]:
    """The part 2 measures on a server `pg` over the Neo4j at `uri` (emptied by the caller)."""
    log(f"seeding an experiment of {runs} runs and a {points}-point series")
    seeded: Seeded = seed(pg, uri, runs, points)
    log("seeded")
    timer = PageTimer(f"http://127.0.0.1:{pg.port}")
    try:
        timer.sign_in(TOKEN)
        experiment = f"/experiments/{quote(seeded.experiment_id, safe='')}"
        results: dict[str, Any] = {"runs": runs, "points": points, "compared": COMPARED}
        results["first_rows"] = measure(pg, timer, experiment, "Runs", repeats)
        log(f"first rows: console {results['first_rows']['console_p50_ms']:.0f} ms, bare {results['first_rows']['bare_p50_ms']:.0f} ms")
        timer.open(experiment, "Runs")
        frames, last_row = timer.scroll()
        results["scroll"] = {
            "frames": len(frames), "p50_ms": percentile(frames, 0.5), "p95_ms": percentile(frames, 0.95),
            "max_ms": max(frames), "target_ms": FRAME_TARGET_MS, "last_row": last_row,
            "over_target": sum(1 for f in frames if f >= FRAME_TARGET_MS),
        }
        ids = ",".join(quote(i, safe="") for i in seeded.run_ids[:COMPARED])
        results["compared"] = min(COMPARED, len(seeded.run_ids))
        results["compare"] = measure(pg, timer, f"/runs/compare?ids={ids}", "Compare", repeats)
        log(f"compare: console {results['compare']['console_p50_ms']:.0f} ms, bare {results['compare']['bare_p50_ms']:.0f} ms")
        results["long_chart"] = measure(pg, timer, f"/runs/{quote(seeded.long_run_id, safe='')}", "Run", repeats)
        drawn = timer.page.get_by_test_id("metric-chart").first.get_attribute("data-points")
        results["long_chart"]["points_drawn"] = int(drawn or 0)
        log(f"long chart: console {results['long_chart']['console_p50_ms']:.0f} ms, bare {results['long_chart']['bare_p50_ms']:.0f} ms")
        results["chromium"] = timer.browser.version
    finally:
        timer.close()
    results["checks"] = {
        "scrolled_past_first_page": results["scroll"]["last_row"] > min(100, runs - 20),
        "long_series_downsampled": 0 < results["long_chart"]["points_drawn"] <= 1000,
    }
    return results


def table(results: dict[str, Any]) -> list[str]:
    lines = [f"{'experiments (part 2)':<46}{'console':>12}{'bare GraphQL':>14}{'ratio':>9}{'target':>9}"]
    rows = [
        ("first_rows", f"first rows, {results['runs']} runs"),
        ("compare", f"compare {results['compared']} runs"),
        ("long_chart", f"chart of {results['points']} points ({results['long_chart']['points_drawn']} drawn)"),
    ]
    for key, label in rows:
        row = results[key]
        lines.append(
            f"{label:<46}{row['console_p50_ms']:>9.0f} ms{row['bare_p50_ms']:>11.1f} ms{row['ratio']:>8.2f}x{'<= ' + format(row['target'], 'g') + 'x':>9}"
        )
    scroll = results["scroll"]
    lines.append(
        f"{'scroll ' + str(results['runs']) + ' runs: frame p50 / p95 / max':<46}"
        f"{scroll['p50_ms']:.1f} / {scroll['p95_ms']:.1f} / {scroll['max_ms']:.1f} ms ({scroll['frames']} frames to row "
        f"{scroll['last_row']}, {scroll['over_target']} at or over {scroll['target_ms']:g} ms)"
    )
    return lines



def run_standalone(out_dir: Path, repeats: int = 5, runs: int = RUNS, points: int = POINTS) -> dict[str, Any]:
    """Empties the Neo4j at NEO4J_URI, serves provgraph on it, measures, writes DIR/results-ui-part2.json."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise SystemExit("set NEO4J_URI to a Neo4j the bench may empty (e.g. bolt://127.0.0.1:7797)")
    raw = CypherSystem(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD"))
    raw.wipe()
    raw.close()
    started = datetime.now(UTC).isoformat()
    pg = ProvgraphSystem(uri)
    try:
        check_console_served(pg)
        results = run(pg, uri, repeats, runs, points)
    finally:
        pg.close()
    results["meta"] = {
        "started": started, "finished": datetime.now(UTC).isoformat(), "repeats": repeats,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_average": os.getloadavg()},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results-ui-part2.json").write_text(json.dumps(results, indent=2))
    return results

"""python -m bench ui: the lineage explorer in headless Chromium against the bare GraphQL request.

One generated graph (bench/generator.py) goes into provgraph over the public API; for each target size
the (source, depth) whose downstream lineage is nearest that many nodes is opened in the explorer,
`/entities/<id>/lineage?direction=DOWNSTREAM&depth=<d>`, signed in through the login form. Measured:
- **navigation -> graph drawn**: from the navigation's start (performance.now() is relative to it) to
  the first frame painted after the explorer reports `data-state="ready"` (laid out and drawn);
- **the bare request**: the very GraphQL request the page sent for that lineage (captured from the
  browser), replayed over HTTP with a bearer token, interleaved with the navigations;
- **panning**: requestAnimationFrame intervals while a scripted mouse drag pans the largest graph.
Absolute times on a shared machine are noise; the ratios are what the targets are about.
"""

from __future__ import annotations

import json
import os
import platform
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cypher_system import CypherSystem
from .generator import LineageGraph, Shape, generate
from .provgraph_system import TOKEN, ProvgraphSystem
from .runner import log, percentile

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
SIZES = (500, 2000)
TARGETS = {500: 2.0, 2000: 3.0}  # navigation -> drawn over the bare request, at most
FRAME_TARGET_MS = 50.0
MAX_NODES = 2000  # the explorer asks for at most this many (web/src/api/queries.ts LINEAGE_MAX_NODES)
EXPLORER = '[data-testid="lineage-explorer"]'

# Installed before the app's scripts: the moment the explorer first says ready, then the first frame
# painted after that (a rAF runs before the paint; a task queued from it runs after).
DRAWN_PROBE = """
window.__bench = { ready: null, drawn: null };
new MutationObserver(() => {
  const el = document.querySelector('[data-testid="lineage-explorer"]');
  if (!el || el.dataset.state !== 'ready' || window.__bench.ready !== null) return;
  window.__bench.ready = performance.now();
  requestAnimationFrame(() => setTimeout(() => {
    window.__bench.drawn = performance.now();
    document.documentElement.dataset.benchDrawn = 'true';  // a selector to wait for: the CSP forbids eval
  }, 0));
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
"""
FRAMES_START = """() => {
  window.__frames = [];
  window.__panning = true;
  const tick = (t) => { window.__frames.push(t); if (window.__panning) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""
FRAMES_STOP = "() => { window.__panning = false; return window.__frames; }"


def pick_lineages(graph: LineageGraph, sizes: tuple[int, ...], rng: random.Random, candidates: int = 300) -> dict[int, tuple[str, int, int]]:
    """For each size, the (source, depth, nodes) with the downstream node count nearest it (at most
    MAX_NODES, so no answer is truncated), among sampled sources."""
    sources = rng.sample(graph.sources, min(candidates, len(graph.sources)))
    options = []
    for source in sources:
        reach = graph.reach(source)
        for depth in range(1, max(reach.values()) + 1):
            count = sum(1 for d in reach.values() if d <= depth)
            if count <= MAX_NODES:
                options.append((source, depth, count))
    return {size: min(options, key=lambda o: (abs(o[2] - size), o[1])) for size in sizes}


def graph_entities_for(sizes: tuple[int, ...]) -> int:
    """A graph about twice the largest lineage: one source then reaches that many within a few hops."""
    return max(200, 2 * max(sizes))


class Browser:
    def __init__(self, base_url: str) -> None:
        from playwright.sync_api import sync_playwright

        self.base_url = base_url
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        self.context = self.browser.new_context(viewport={"width": 1400, "height": 900})
        self.context.set_default_timeout(120_000)  # a busy machine is slow, not broken
        self.context.add_init_script(DRAWN_PROBE)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def sign_in(self, token: str) -> None:
        self.page.goto(self.base_url + "/login")
        self.page.get_by_label("Token").fill(token)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(lambda url: "/login" not in url)

    def open_lineage(self, path: str) -> dict[str, Any]:
        """Navigates to the explorer; returns navigation -> drawn (s), the node count and the lineage
        request the page sent."""
        requests: list[str] = []

        def remember(request: Any) -> None:
            if request.url.endswith("/graphql") and request.method == "POST" and "lineage(" in (request.post_data or ""):
                requests.append(request.post_data)

        self.page.on("request", remember)
        try:
            self.page.goto(self.base_url + path)
            self.page.wait_for_selector("html[data-bench-drawn]", state="attached", timeout=300_000)
        finally:
            self.page.remove_listener("request", remember)
        drawn_ms = self.page.evaluate("window.__bench.drawn")
        # Where the time went, from the page's own clocks: the lineage request (the longest /graphql
        # fetch) as the browser saw it, and the explorer's ready after its answer.
        phases = self.page.evaluate("""() => {
          const graphql = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/graphql'));
          const lineage = graphql.reduce((a, b) => (b.duration > a.duration ? b : a), graphql[0]);
          return { requestStart: lineage.startTime, responseEnd: lineage.responseEnd, ready: window.__bench.ready };
        }""")
        nodes = int(self.page.get_attribute(EXPLORER, "data-node-count") or 0)
        if self.errors:
            raise RuntimeError(f"the page failed: {self.errors}")
        if len(requests) != 1:
            raise RuntimeError(f"expected one lineage request from the explorer, saw {len(requests)}")
        return {"seconds": drawn_ms / 1000, "nodes": nodes, "request": requests[0], "phases_ms": phases,
                "layout": self.page.get_attribute(EXPLORER, "data-layout")}

    def pan(self, drags: int = 6, steps: int = 30) -> list[float]:
        """Frame intervals (ms) while the mouse drags the graph's pane back and forth."""
        box = self.page.locator(".react-flow__pane").bounding_box()
        if box is None:
            raise RuntimeError("the explorer has no React Flow pane to drag")
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.evaluate(FRAMES_START)
        for i in range(drags):
            dx = 300 if i % 2 == 0 else -300
            self.page.mouse.move(x, y)
            self.page.mouse.down()
            self.page.mouse.move(x + dx, y + dx / 3, steps=steps)
            self.page.mouse.up()
        frames = self.page.evaluate(FRAMES_STOP)
        return [b - a for a, b in zip(frames, frames[1:])]

    def close(self) -> None:
        self.browser.close()
        self._playwright.stop()


def bare_request(pg: ProvgraphSystem, body: str) -> float:
    started = time.perf_counter()
    response = pg.http.post("/graphql", content=body, headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    elapsed = time.perf_counter() - started
    answer = response.json()
    if answer.get("errors"):
        raise RuntimeError(f"the replayed lineage request failed: {answer['errors'][:2]}")
    return elapsed


def check_console_served(pg: ProvgraphSystem) -> None:
    answer = pg.http.get("/login", headers={"Accept": "text/html"})
    if answer.status_code != 200 or "text/html" not in answer.headers.get("content-type", ""):
        raise SystemExit("the console is not served (build it: npm --prefix web ci && npm --prefix web run build)")


def measure(pg: ProvgraphSystem, browser: Browser, entity_id: str, depth: int, repeats: int) -> dict[str, Any]:
    path = f"/entities/{entity_id}/lineage?direction=DOWNSTREAM&depth={depth}"
    warm = browser.open_lineage(path)  # first load: assets into the cache, query plans warm
    bare_request(pg, warm["request"])
    console, bare = [], []
    for _ in range(repeats):
        opened = browser.open_lineage(path)
        console.append(opened["seconds"])
        bare.append(bare_request(pg, opened["request"]))
    console_p50, bare_p50 = percentile(console, 0.5), percentile(bare, 0.5)
    return {
        "nodes": warm["nodes"], "depth": depth, "layout": warm["layout"], "n": repeats,
        "console_p50_ms": console_p50 * 1000, "console_p95_ms": percentile(console, 0.95) * 1000,
        "bare_p50_ms": bare_p50 * 1000, "bare_p95_ms": percentile(bare, 0.95) * 1000,
        "ratio": console_p50 / bare_p50,
        "phases_ms": opened["phases_ms"],  # of the last navigation: request start and end, ready
    }


def run(out_dir: Path, sizes: tuple[int, ...] = SIZES, repeats: int = 5, seed: int = 7) -> dict[str, Any]:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise SystemExit("set NEO4J_URI to a Neo4j the bench may empty (e.g. bolt://127.0.0.1:7708)")
    shape = Shape(entities=graph_entities_for(sizes), seed=seed)
    graph = generate(shape)
    chosen = pick_lineages(graph, sizes, random.Random(seed))
    log(f"generated {graph.entity_count} entities; lineages: " + ", ".join(f"{n} nodes (depth {d})" for _, d, n in chosen.values()))
    results: dict[str, Any] = {
        "meta": {
            "started": datetime.now(UTC).isoformat(), "entities": graph.entity_count, "edges": graph.edge_count,
            "seed": seed, "repeats": repeats,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                        "load_average": os.getloadavg()},
        },
        "lineage": {},
    }
    raw = CypherSystem(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD"))
    raw.wipe()
    raw.close()
    pg = ProvgraphSystem(uri)
    browser = None
    try:
        pg.ingest(graph)
        log("ingested")
        check_console_served(pg)
        browser = Browser(f"http://127.0.0.1:{pg.port}")
        results["meta"]["chromium"] = browser.browser.version
        browser.sign_in(TOKEN)
        for size, (source, depth, expected) in chosen.items():
            row = measure(pg, browser, pg.ids[source], depth, repeats)
            row["expected_nodes"] = expected
            row["target"] = TARGETS.get(size)
            results["lineage"][str(size)] = row
            log(f"{row['nodes']} nodes: console {row['console_p50_ms']:.0f} ms, bare {row['bare_p50_ms']:.0f} ms")
        largest = max(chosen)
        source, depth, _ = chosen[largest]
        browser.open_lineage(f"/entities/{pg.ids[source]}/lineage?direction=DOWNSTREAM&depth={depth}")
        frames = browser.pan()
        results["panning"] = {
            "nodes": results["lineage"][str(largest)]["nodes"], "frames": len(frames),
            "p50_ms": percentile(frames, 0.5), "p95_ms": percentile(frames, 0.95), "max_ms": max(frames),
            "target_ms": FRAME_TARGET_MS, "over_target": sum(1 for f in frames if f >= FRAME_TARGET_MS),
        }
    finally:
        if browser is not None:
            browser.close()
        pg.close()
    results["checks"] = {
        "nodes_drawn_as_expected": all(r["nodes"] == r["expected_nodes"] for r in results["lineage"].values()),
    }
    results["meta"]["finished"] = datetime.now(UTC).isoformat()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results-ui.json").write_text(json.dumps(results, indent=2))
    return results


def table(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        f"console bench: {meta['entities']} entities, {meta['edges']} edges; Chromium {meta.get('chromium', '?')}, "
        f"p50 of {meta['repeats']}",
        "",
        f"{'measure':<46}{'console':>12}{'bare GraphQL':>14}{'ratio':>9}{'target':>9}",
    ]
    for row in results["lineage"].values():
        target = f"<= {row['target']:g}x" if row["target"] else "-"
        lines.append(
            f"{'nav -> drawn, ' + str(row['nodes']) + ' nodes (d' + str(row['depth']) + ', ' + str(row['layout']) + ')':<46}"
            f"{row['console_p50_ms']:>9.0f} ms{row['bare_p50_ms']:>11.1f} ms{row['ratio']:>8.2f}x{target:>9}"
        )
    pan = results.get("panning")
    if pan:
        lines.append(
            f"{'panning, ' + str(pan['nodes']) + ' nodes: frame p50 / p95 / max':<46}"
            f"{pan['p50_ms']:.1f} / {pan['p95_ms']:.1f} / {pan['max_ms']:.1f} ms ({pan['frames']} frames, "
            f"{pan['over_target']} at or over the target of {pan['target_ms']:g} ms)"
        )
    lines.append("")
    lines.append("checks: " + ", ".join(f"{k} {'OK' if v else 'FAILED'}" for k, v in results["checks"].items()))
    return "\n".join(lines)

/// <reference lib="webworker" />
/**
 * ELK's layered layout, off the main thread. Fast options (lineage-ui-anchors.md): one pass of
 * crossing minimisation, SIMPLE node placement, POLYLINE edges. Answers node positions by id.
 */

import ELK from "elkjs/lib/elk.bundled.js";
import type { LayoutRequest, LayoutResponse } from "./elkProtocol";

const elk = new ELK();

const OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.thoroughness": "1",
  "elk.layered.nodePlacement.strategy": "SIMPLE",
  "elk.edgeRouting": "POLYLINE",
  "elk.spacing.nodeNode": "18",
  "elk.layered.spacing.nodeNodeBetweenLayers": "80",
  "elk.separateConnectedComponents": "false",
};

self.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  const { requestId, nodes, edges } = event.data;
  try {
    const result = await elk.layout({
      id: "root",
      layoutOptions: OPTIONS,
      children: nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
      edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
    });
    const positions: LayoutResponse["positions"] = {};
    for (const c of result.children ?? []) positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
    (self as unknown as Worker).postMessage({ requestId, positions } satisfies LayoutResponse);
  } catch (error) {
    (self as unknown as Worker).postMessage({ requestId, error: String(error) } satisfies LayoutResponse);
  }
};

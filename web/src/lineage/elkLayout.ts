/** The main thread's side of the ELK worker: one worker, created on first use, one promise per layout. */

import type { LayoutEdge, Position } from "./columns";
import { NODE_HEIGHT, NODE_WIDTH } from "./columns";
import type { LayoutRequest, LayoutResponse } from "./elkProtocol";

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (p: Map<string, Position>) => void; reject: (e: Error) => void }>();

function layoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
      const waiting = pending.get(event.data.requestId);
      if (!waiting) return;
      pending.delete(event.data.requestId);
      if (event.data.error || !event.data.positions) waiting.reject(new Error(event.data.error ?? "layout failed"));
      else waiting.resolve(new Map(Object.entries(event.data.positions)));
    };
    worker.onerror = (event) => {
      for (const [, w] of pending) w.reject(new Error(event.message || "layout worker failed"));
      pending.clear();
      worker?.terminate();
      worker = null;
    };
  }
  return worker;
}

export function elkLayout(nodeIds: readonly string[], edges: readonly LayoutEdge[]): Promise<Map<string, Position>> {
  const requestId = nextId++;
  const message: LayoutRequest = {
    requestId,
    nodes: nodeIds.map((id) => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: edges.map((e) => ({ source: e.source, target: e.target })),
  };
  return new Promise((resolve, reject) => {
    pending.set(requestId, { resolve, reject });
    layoutWorker().postMessage(message);
  });
}

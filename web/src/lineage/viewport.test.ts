import { describe, expect, it } from "vitest";
import { NODE_HEIGHT, NODE_WIDTH } from "./columns";
import { MIN_READABLE_ZOOM, firstViewport } from "./viewport";

const box = { width: 1000, height: 600 };

describe("firstViewport", () => {
  it("fits a small graph whole, centred", () => {
    const positions = new Map([["r", { x: 0, y: 0 }], ["d", { x: 300, y: 100 }]]);
    const view = firstViewport(positions, [{ id: "r" }, { id: "d" }], 2, "r", box);
    // the graph's centre lands on the box's centre
    const centre = { x: (300 + NODE_WIDTH) / 2, y: (100 + NODE_HEIGHT) / 2 };
    expect(view.x + centre.x * view.zoom).toBeCloseTo(box.width / 2);
    expect(view.y + centre.y * view.zoom).toBeCloseTo(box.height / 2);
    expect(view.zoom).toBeLessThanOrEqual(1.1);
  });

  it("centres a big graph on its root at a readable zoom when its neighbourhood would be too small", () => {
    const positions = new Map<string, { x: number; y: number }>();
    const chosen = [];
    for (let i = 0; i < 150; i++) {
      positions.set(`n${i}`, { x: (i % 3) * 300, y: Math.floor(i / 3) * 74 - 1800 });
      chosen.push({ id: `n${i}` });
    }
    positions.set("r", { x: 0, y: 0 });
    const view = firstViewport(positions, chosen, 500, "r", box);
    expect(view.zoom).toBeGreaterThanOrEqual(MIN_READABLE_ZOOM);
    expect(view.x + (NODE_WIDTH / 2) * view.zoom).toBeCloseTo(box.width / 2);
    expect(view.y + (NODE_HEIGHT / 2) * view.zoom).toBeCloseTo(box.height / 2);
  });
});

import { describe, expect, it } from "vitest";
import { COLUMN_GAP, NODE_WIDTH, columnLayout } from "./columns";
import { ELK_MAX_NODES, FIT_MAX_NODES, chooseLayout, nodesToFit } from "./layoutChoice";

describe("chooseLayout", () => {
  it("uses ELK up to the limit and columns past it", () => {
    expect(chooseLayout(1)).toBe("elk");
    expect(chooseLayout(ELK_MAX_NODES)).toBe("elk");
    expect(chooseLayout(ELK_MAX_NODES + 1)).toBe("columns");
    expect(chooseLayout(10_000)).toBe("columns");
  });
});

describe("nodesToFit", () => {
  it("fits everything when few, else the root's neighbourhood, never more than the cap", () => {
    const few = [{ id: "r", column: 0 }, { id: "a", column: 1 }];
    expect(nodesToFit(few, "r")).toHaveLength(2);
    const many = Array.from({ length: 5000 }, (_, i) => ({ id: `n${i}`, column: (i % 20) - 10 }));
    many.push({ id: "r", column: 0 });
    const fitted = nodesToFit(many, "r", 5000);
    expect(fitted.length).toBe(FIT_MAX_NODES);
    expect(fitted.some((n) => n.id === "r")).toBe(true);
    expect(Math.max(...nodesToFit(many, "r", 100).map((n) => Math.abs(n.column)))).toBeLessThanOrEqual(3);
  });
});

describe("columnLayout", () => {
  it("places each node in its distance column", () => {
    const p = columnLayout(
      [{ id: "u", column: -1 }, { id: "r", column: 0 }, { id: "d", column: 2 }],
      [{ source: "u", target: "r" }],
    );
    expect(p.get("r")!.x).toBe(0);
    expect(p.get("u")!.x).toBe(-(NODE_WIDTH + COLUMN_GAP));
    expect(p.get("d")!.x).toBe(2 * (NODE_WIDTH + COLUMN_GAP));
  });

  it("orders rows by the mean row of the parents nearer the root", () => {
    // column 1: a above b; column 2: y's parent is b, x's parent is a -> x above y, whatever the input order
    const nodes = [
      { id: "r", column: 0 },
      { id: "a", column: 1 },
      { id: "b", column: 1 },
      { id: "y", column: 2 },
      { id: "x", column: 2 },
    ];
    const edges = [
      { source: "r", target: "a" },
      { source: "r", target: "b" },
      { source: "b", target: "y" },
      { source: "a", target: "x" },
    ];
    const p = columnLayout(nodes, edges);
    expect(p.get("a")!.y).toBeLessThan(p.get("b")!.y);
    expect(p.get("x")!.y).toBeLessThan(p.get("y")!.y);
  });

  it("lays out 10,000 nodes without overlapping two in one column", () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ id: `n${i}`, column: i % 50 }));
    const edges = nodes.slice(50).map((n, i) => ({ source: nodes[i].id, target: n.id }));
    const p = columnLayout(nodes, edges);
    const seen = new Set<string>();
    for (const n of nodes) {
      const { x, y } = p.get(n.id)!;
      const key = `${x}:${y}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });
});

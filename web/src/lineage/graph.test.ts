import { describe, expect, it } from "vitest";
import type { Lineage, LineageNode } from "../api/types";
import {
  addPath,
  emptyGraph,
  expansionKey,
  maskRestricted,
  mergeAnswer,
  pathEdgeKeys,
  replayLoads,
  restrictedCount,
  signedColumns,
  visibleEdges,
  visibleNodeIds,
} from "./graph";

function node(id: string, distance: number, restricted = false): LineageNode {
  return {
    id,
    type: "DATASET",
    distance,
    restricted,
    entity: restricted
      ? null
      : {
          id,
          type: "DATASET",
          name: `name-${id}`,
          qualifiedName: `qn/${id}`,
          owners: ["alice"],
          classifications: [],
        },
  };
}

function edge(source: string, target: string, blocked: string[] = []) {
  return { source, target, type: "INPUT_TO", blockedClassifications: blocked };
}

// u2 -> u1 -> R -> d1 -> d2, and a restricted node upstream of u1.
const first: Lineage = {
  root: "R",
  nodes: [node("R", 0), node("u1", 1), node("d1", 1), node("u2", 2), node("d2", 2), node("restricted-1", 2, true)],
  edges: [edge("u1", "R"), edge("R", "d1"), edge("u2", "u1"), edge("d1", "d2"), edge("restricted-1", "u1")],
  truncated: false,
};

describe("signedColumns", () => {
  it("puts downstream nodes right of the root and upstream ones left", () => {
    const columns = signedColumns(first, "R", 0, "BOTH");
    expect(Object.fromEntries(columns)).toEqual({ R: 0, u1: -1, d1: 1, u2: -2, d2: 2, "restricted-1": -2 });
  });

  it("offsets an expansion by its start's column", () => {
    const answer: Lineage = { root: "d2", nodes: [node("d2", 0), node("d3", 1)], edges: [edge("d2", "d3")], truncated: false };
    expect(signedColumns(answer, "d2", 2, "DOWNSTREAM").get("d3")).toBe(3);
    expect(signedColumns(answer, "d2", 2, "UPSTREAM").get("d3")).toBe(1);
  });
});

describe("signedColumns from a Feature", () => {
  it("puts the container left of the feature and the container's consumers right of it", () => {
    const answer: Lineage = {
      root: "F",
      nodes: [node("F", 0), node("D", 1), node("run", 2), node("src", 2)],
      edges: [
        { source: "D", target: "F", type: "HAS_FEATURE", blockedClassifications: [] },
        edge("D", "run"),
        edge("src", "D"),
      ],
      truncated: false,
    };
    expect(Object.fromEntries(signedColumns(answer, "F", 0, "BOTH"))).toEqual({ F: 0, D: -1, run: 0, src: -2 });
  });
});

describe("maskRestricted", () => {
  it("namespaces placeholder ids per answer, on nodes and edges, and drops any entity", () => {
    const masked = maskRestricted(first, 4);
    const placeholder = masked.nodes.find((n) => n.restricted)!;
    expect(placeholder.id).toBe("restricted:4:restricted-1");
    expect(placeholder.entity).toBeNull();
    expect(masked.edges).toContainEqual(edge("restricted:4:restricted-1", "u1"));
    expect(masked.nodes.filter((n) => !n.restricted).map((n) => n.id)).toEqual(["R", "u1", "d1", "u2", "d2"]);
  });
});

describe("mergeAnswer", () => {
  it("adds an expansion's new nodes and edges, keeps existing columns, records the expansion", () => {
    let g = mergeAnswer(emptyGraph("R"), first, "R", "BOTH");
    expect(g.nodes.size).toBe(6);
    const expansion: Lineage = {
      root: "d2",
      // the same restricted-1 id in another answer is another entity
      nodes: [node("d2", 0), node("d3", 1), node("restricted-1", 1, true), node("d1", 1)],
      edges: [edge("d2", "d3"), edge("d2", "restricted-1"), edge("d1", "d2", ["PII"])],
      truncated: true,
    };
    g = mergeAnswer(g, expansion, "d2", "DOWNSTREAM");
    expect(g.nodes.get("d3")!.column).toBe(3);
    expect(g.nodes.get("d1")!.column).toBe(1);
    expect(g.nodes.has("restricted:0:restricted-1")).toBe(true);
    expect(g.nodes.has("restricted:1:restricted-1")).toBe(true);
    expect(g.nodes.size).toBe(8);
    expect(g.edges.get("d1->d2")!.blockedClassifications).toEqual(["PII"]);
    expect(g.expanded.has(expansionKey("d2", "DOWNSTREAM"))).toBe(true);
    expect(g.expanded.has(expansionKey("d2", "UPSTREAM"))).toBe(false);
    expect(g.truncated).toBe(true);
  });

  it("does not change the graph it is given", () => {
    const g = mergeAnswer(emptyGraph("R"), first, "R", "BOTH");
    const before = g.nodes.size;
    mergeAnswer(g, { root: "d2", nodes: [node("x", 1)], edges: [], truncated: false }, "d2", "DOWNSTREAM");
    expect(g.nodes.size).toBe(before);
  });
});

describe("mergeAnswer's expansions", () => {
  it("counts the nodes nearer than the depth as expanded on their side", () => {
    const g = mergeAnswer(emptyGraph("R"), first, "R", "BOTH", 2);
    for (const key of ["DOWNSTREAM:R", "UPSTREAM:R", "DOWNSTREAM:d1", "UPSTREAM:u1"]) expect(g.expanded.has(key)).toBe(true);
    for (const key of ["UPSTREAM:d1", "DOWNSTREAM:u1", "DOWNSTREAM:d2", "UPSTREAM:u2"]) expect(g.expanded.has(key)).toBe(false);
  });

  it("lets a collapse of an inner node hide the frontier beyond it", () => {
    const g = mergeAnswer(emptyGraph("R"), first, "R", "BOTH", 2);
    expect(visibleNodeIds(g, new Set(["UPSTREAM:u1"])).has("u2")).toBe(false);
  });
});

describe("visibleNodeIds", () => {
  const g = mergeAnswer(emptyGraph("R"), first, "R", "BOTH");

  it("shows everything when nothing is collapsed", () => {
    expect(visibleNodeIds(g, new Set()).size).toBe(6);
  });

  it("collapsing hides what lies beyond, and expanding again brings it back", () => {
    const collapsed = new Set([expansionKey("d1", "DOWNSTREAM")]);
    const visible = visibleNodeIds(g, collapsed);
    expect(visible.has("d2")).toBe(false);
    expect(visible.has("d1")).toBe(true);
    expect(visibleEdges(g, visible).some((e) => e.target === "d2")).toBe(false);
    expect(visibleNodeIds(g, new Set()).has("d2")).toBe(true);
  });

  it("collapsing the root upstream hides the whole upstream side", () => {
    const visible = visibleNodeIds(g, new Set([expansionKey("R", "UPSTREAM")]));
    expect([...visible].sort()).toEqual(["R", "d1", "d2"]);
  });

  it("keeps a node that is still reached another way", () => {
    const diamond: Lineage = {
      root: "R",
      nodes: [node("R", 0), node("a", 1), node("b", 1), node("c", 2)],
      edges: [edge("R", "a"), edge("R", "b"), edge("a", "c"), edge("b", "c")],
      truncated: false,
    };
    const dg = mergeAnswer(emptyGraph("R"), diamond, "R", "DOWNSTREAM");
    expect(visibleNodeIds(dg, new Set([expansionKey("a", "DOWNSTREAM")])).has("c")).toBe(true);
  });

  it("keeps nodes unconnected to the root (a type filter splits the answer)", () => {
    const split: Lineage = { root: "R", nodes: [node("R", 0), node("far", 3)], edges: [], truncated: false };
    const sg = mergeAnswer(emptyGraph("R"), split, "R", "DOWNSTREAM");
    expect(visibleNodeIds(sg, new Set([expansionKey("R", "DOWNSTREAM")])).has("far")).toBe(true);
  });

  it("counts the restricted placeholders on view", () => {
    expect(restrictedCount(g, visibleNodeIds(g, new Set()))).toBe(1);
    expect(restrictedCount(g, visibleNodeIds(g, new Set([expansionKey("u1", "UPSTREAM")])))).toBe(0);
  });
});

describe("pathEdgeKeys", () => {
  it("finds the edges between consecutive path ids", () => {
    const g = mergeAnswer(emptyGraph("R"), first, "R", "BOTH");
    expect([...pathEdgeKeys(g, ["u2", "u1", "R", "d1"])]).toEqual(["u2->u1", "u1->R", "R->d1"]);
  });
});

describe("addPath", () => {
  it("adds the missing steps of a downstream path with their columns and edges", () => {
    const g = mergeAnswer(emptyGraph("R"), first, "R", "BOTH");
    const far = node("far", 0).entity!;
    const next = addPath(g, ["R", "d1", "d2", "far"], [far], true);
    expect(next.nodes.get("far")!.column).toBe(3);
    expect(next.edges.has("d2->far")).toBe(true);
    expect(next.edges.get("R->d1")!.type).toBe("INPUT_TO");
  });

  it("places an upstream path left of the root and skips hidden steps", () => {
    const g = mergeAnswer(emptyGraph("R"), first, "R", "BOTH");
    const a = { ...node("a", 0).entity!, id: "a" };
    const next = addPath(g, ["a", "hidden", "u1", "R"], [a], false);
    expect(next.nodes.get("a")!.column).toBe(-3);
    expect(next.nodes.has("hidden")).toBe(false);
    expect(g.nodes.has("a")).toBe(false);
  });
});

describe("replayLoads", () => {
  const expansion: Lineage = { root: "d2", nodes: [node("d2", 0), node("d3", 1)], edges: [edge("d2", "d3")], truncated: false };
  const loads = [
    { startId: "R", direction: "BOTH" as const, depth: 2 },
    { startId: "d2", direction: "DOWNSTREAM" as const, depth: 1 },
  ];

  it("builds the same graph from the same answers", () => {
    const built = mergeAnswer(mergeAnswer(emptyGraph("R"), first, "R", "BOTH", 2), expansion, "d2", "DOWNSTREAM");
    const replayed = replayLoads("R", loads, [first, expansion]);
    expect([...replayed.nodes.entries()]).toEqual([...built.nodes.entries()]);
    expect([...replayed.edges.keys()]).toEqual([...built.edges.keys()]);
    expect(replayed.expanded).toEqual(built.expanded);
  });

  it("draws a placeholder that became readable as its entity, and an entity that became restricted as a placeholder", () => {
    const g = replayLoads("R", loads, [first, expansion]);
    // Now the restricted node is "u3" (readable), and d3 is hidden.
    const fresh: Lineage = {
      ...first,
      nodes: first.nodes.map((n) => (n.restricted ? node("u3", 2) : n)),
      edges: first.edges.map((e) => (e.source === "restricted-1" ? edge("u3", "u1") : e)),
    };
    const hiddenNow: Lineage = { ...expansion, nodes: [node("d2", 0), node("restricted-1", 1, true)], edges: [edge("d2", "restricted-1")] };
    const next = replayLoads("R", loads, [fresh, hiddenNow]);
    expect(restrictedCount(g, new Set(g.nodes.keys()))).toBe(1);
    expect(next.nodes.get("u3")).toMatchObject({ restricted: false, column: -2 });
    expect(next.nodes.has("d3")).toBe(false);
    const [placeholder] = [...next.nodes.values()].filter((n) => n.restricted);
    expect(placeholder).toMatchObject({ id: "restricted:1:restricted-1", column: 3, entity: null });
    expect(next.edges.has("d2->restricted:1:restricted-1")).toBe(true);
  });
});

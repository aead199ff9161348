/**
 * The explorer's graph: every node and edge loaded so far (the first answer plus each expansion), and
 * which of them are visible given the collapsed nodes. Pure functions over plain data, no React.
 */

import type { Direction, EntityType, Lineage, LineageEdge, LineageEntity } from "../api/types";

export interface GraphNode {
  id: string;
  type: EntityType;
  /** Signed column: upstream of the root negative, downstream positive, the root 0. */
  column: number;
  restricted: boolean;
  entity: LineageEntity | null;
}

export interface GraphEdge extends LineageEdge {
  key: string;
}

export interface Graph {
  rootId: string;
  nodes: Map<string, GraphNode>;
  edges: Map<string, GraphEdge>;
  /** Nodes expanded (answer fetched) per direction, so an expansion is fetched once. */
  expanded: Set<string>;
  /** How many answers were merged: restricted placeholders are numbered per answer. */
  answers: number;
  truncated: boolean;
}

export function edgeKey(source: string, target: string): string {
  return `${source}->${target}`;
}

export function expansionKey(id: string, direction: Exclude<Direction, "BOTH">): string {
  return `${direction}:${id}`;
}

/**
 * Restricted placeholders have ids like `restricted-3`, stable within one answer only: two answers may
 * use the same id for different entities. Each answer's placeholders get their own namespace.
 */
export function maskRestricted(answer: Lineage, answerIndex: number): Lineage {
  const placeholderIds = new Set(answer.nodes.filter((n) => n.restricted).map((n) => n.id));
  const renamed = (id: string) => (placeholderIds.has(id) ? `restricted:${answerIndex}:${id}` : id);
  return {
    ...answer,
    nodes: answer.nodes.map((n) =>
      n.restricted ? { id: renamed(n.id), type: n.type, distance: n.distance, restricted: true, entity: null } : n,
    ),
    edges: answer.edges.map((e) => ({ ...e, source: renamed(e.source), target: renamed(e.target) })),
  };
}

/**
 * Columns from the server's unsigned distances: walking the answer nearest first, a node one hop
 * beyond a placed node it is fed by goes one column right of it (downstream), one it feeds goes one
 * column left (upstream). So from a Feature, its dataset is left of it and the dataset's consumers
 * right of the dataset.
 */
export function signedColumns(answer: Lineage, startId: string, startColumn: number, direction: Direction): Map<string, number> {
  const columns = new Map<string, number>([[startId, startColumn]]);
  const distance = new Map(answer.nodes.map((n) => [n.id, n.distance]));
  const sources = new Map<string, string[]>();
  const targets = new Map<string, string[]>();
  for (const e of answer.edges) {
    (sources.get(e.target) ?? sources.set(e.target, []).get(e.target)!).push(e.source);
    (targets.get(e.source) ?? targets.set(e.source, []).get(e.source)!).push(e.target);
  }
  const ordered = [...answer.nodes].filter((n) => n.id !== startId).sort((a, b) => a.distance - b.distance);
  const nearer = (n: { id: string; distance: number }, list: string[] | undefined) =>
    (list ?? []).find((m) => columns.has(m) && (m === startId || distance.get(m) === n.distance - 1));
  for (const n of ordered) {
    const feeder = direction === "UPSTREAM" ? undefined : nearer(n, sources.get(n.id));
    const fed = direction === "DOWNSTREAM" ? undefined : nearer(n, targets.get(n.id));
    if (feeder !== undefined) columns.set(n.id, columns.get(feeder)! + 1);
    else if (fed !== undefined) columns.set(n.id, columns.get(fed)! - 1);
    else columns.set(n.id, startColumn + (direction === "UPSTREAM" ? -n.distance : n.distance));
  }
  return columns;
}

export function emptyGraph(rootId: string): Graph {
  return { rootId, nodes: new Map(), edges: new Map(), expanded: new Set(), answers: 0, truncated: false };
}

/**
 * Merges one answer (the first one, or an expansion from `startId`, `depth` hops) into the graph. Nodes already
 * present keep their column; edges are keyed by their ends, and a newer answer's edge replaces the
 * older (its blocked classifications may have changed). Returns a new graph; the input is not changed.
 */
export function mergeAnswer(graph: Graph, raw: Lineage, startId: string, direction: Direction, depth = 1): Graph {
  const answer = maskRestricted(raw, graph.answers);
  const start = graph.nodes.get(startId);
  const columns = signedColumns(answer, startId, start?.column ?? 0, direction);
  const nodes = new Map(graph.nodes);
  for (const n of answer.nodes) {
    if (nodes.has(n.id)) {
      const existing = nodes.get(n.id)!;
      if (n.entity && !existing.entity) nodes.set(n.id, { ...existing, entity: n.entity });
      continue;
    }
    nodes.set(n.id, { id: n.id, type: n.type, column: columns.get(n.id) ?? 0, restricted: n.restricted, entity: n.entity });
  }
  const edges = new Map(graph.edges);
  for (const e of answer.edges) {
    const key = edgeKey(e.source, e.target);
    edges.set(key, { ...e, key });
  }
  // Every node nearer than `depth` had its neighbours that way read too: it counts as expanded.
  const expanded = new Set(graph.expanded);
  const startColumn = start?.column ?? 0;
  for (const n of answer.nodes) {
    if (n.id !== startId && (n.distance >= depth || n.restricted)) continue;
    const column = columns.get(n.id) ?? startColumn;
    const down = direction === "DOWNSTREAM" || (direction === "BOTH" && column >= startColumn);
    const up = direction === "UPSTREAM" || (direction === "BOTH" && column <= startColumn);
    if (down) expanded.add(expansionKey(n.id, "DOWNSTREAM"));
    if (up) expanded.add(expansionKey(n.id, "UPSTREAM"));
  }
  const directions: Exclude<Direction, "BOTH">[] = direction === "BOTH" ? ["UPSTREAM", "DOWNSTREAM"] : [direction];
  for (const d of directions) expanded.add(expansionKey(startId, d));
  return { ...graph, nodes, edges, expanded, answers: graph.answers + 1, truncated: graph.truncated || raw.truncated };
}

/** Replaces one edge (after block/unblock) keeping everything else. */
export function withEdge(graph: Graph, edge: LineageEdge): Graph {
  const key = edgeKey(edge.source, edge.target);
  if (!graph.edges.has(key)) return graph;
  const edges = new Map(graph.edges);
  edges.set(key, { ...edge, key });
  return { ...graph, edges };
}

export type Collapsed = ReadonlySet<string>;

/**
 * The visible node ids. A collapsed (node, direction) hides what lies beyond the node that way, unless
 * it is still reached from the root another way. Nodes unconnected to the root (a type filter keeps
 * only some, so the answer may be in pieces) stay visible: only collapsing hides anything.
 */
export function visibleNodeIds(graph: Graph, collapsed: Collapsed): Set<string> {
  if (!collapsed.size) return new Set(graph.nodes.keys());
  const out = new Map<string, string[]>();
  const into = new Map<string, string[]>();
  for (const e of graph.edges.values()) {
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
    (into.get(e.target) ?? into.set(e.target, []).get(e.target)!).push(e.source);
  }
  const gated = (id: string, d: "UPSTREAM" | "DOWNSTREAM") => collapsed.has(expansionKey(id, d));

  const reached = new Set<string>([graph.rootId]);
  const queue = [graph.rootId];
  while (queue.length) {
    const id = queue.pop()!;
    const next = [
      ...(gated(id, "DOWNSTREAM") ? [] : (out.get(id) ?? [])),
      ...(gated(id, "UPSTREAM") ? [] : (into.get(id) ?? [])),
    ];
    for (const n of next) if (!reached.has(n)) (reached.add(n), queue.push(n));
  }

  const beyond = new Set<string>();
  for (const key of collapsed) {
    const [direction, ...rest] = key.split(":");
    const id = rest.join(":");
    const step = direction === "DOWNSTREAM" ? out : into;
    const stack = [...(step.get(id) ?? [])];
    while (stack.length) {
      const n = stack.pop()!;
      if (n === graph.rootId || n === id || beyond.has(n)) continue;
      beyond.add(n);
      stack.push(...(step.get(n) ?? []));
    }
  }
  const visible = new Set<string>();
  for (const id of graph.nodes.keys()) if (!beyond.has(id) || reached.has(id)) visible.add(id);
  return visible;
}

export function visibleEdges(graph: Graph, visible: ReadonlySet<string>): GraphEdge[] {
  return [...graph.edges.values()].filter((e) => visible.has(e.source) && visible.has(e.target));
}

export function restrictedCount(graph: Graph, visible: ReadonlySet<string>): number {
  let count = 0;
  for (const id of visible) if (graph.nodes.get(id)?.restricted) count++;
  return count;
}

/** Edges along a path of ids (consecutive pairs), in whichever direction the graph has them. */
export function pathEdgeKeys(graph: Graph, path: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (let i = 0; i + 1 < path.length; i++) {
    const forward = edgeKey(path[i], path[i + 1]);
    const backward = edgeKey(path[i + 1], path[i]);
    if (graph.edges.has(forward)) keys.add(forward);
    else if (graph.edges.has(backward)) keys.add(backward);
  }
  return keys;
}

/**
 * Adds a found path (ids from the root downstream, or from another entity down to the root) to the
 * graph: the steps not loaded yet get a column by their place on the path, and consecutive steps an
 * edge when the graph has none between them. Steps without an entity (hidden) are left out.
 */
export function addPath(graph: Graph, path: readonly string[], entities: readonly LineageEntity[], rootIsFirst: boolean): Graph {
  const byId = new Map(entities.map((e) => [e.id, e]));
  const nodes = new Map(graph.nodes);
  const edges = new Map(graph.edges);
  path.forEach((id, i) => {
    if (nodes.has(id)) return;
    const entity = byId.get(id);
    if (!entity) return;
    const column = rootIsFirst ? i : i - (path.length - 1);
    nodes.set(id, { id, type: entity.type, column, restricted: false, entity });
  });
  for (let i = 0; i + 1 < path.length; i++) {
    const [s, t] = [path[i], path[i + 1]];
    if (!nodes.has(s) || !nodes.has(t)) continue;
    const key = edgeKey(s, t);
    if (!edges.has(key)) edges.set(key, { key, source: s, target: t, type: "PATH", blockedClassifications: [] });
  }
  return { ...graph, nodes, edges };
}

/** One lineage read the graph is made of: the first answer, or one expansion. */
export interface Load {
  startId: string;
  direction: Direction;
  depth: number;
}

/**
 * The graph built again from fresh answers to the same loads, in the same order (after a change that
 * moved classifications: a placeholder may have become readable, or an entity restricted). Columns and
 * expansions come out as before; what is restricted now is whatever the fresh answers say.
 */
export function replayLoads(rootId: string, loads: readonly Load[], answers: readonly Lineage[]): Graph {
  return loads.reduce((g, load, i) => mergeAnswer(g, answers[i], load.startId, load.direction, load.depth), emptyGraph(rootId));
}

/**
 * Which layout a view gets. ELK's layered layout reads best but costs seconds past a few hundred
 * nodes even in a worker (lineage-ui-anchors.md: 1.4 s at 1,000 with the fast options); the column
 * layout from the server's distances costs milliseconds at any size.
 */

export const ELK_MAX_NODES = 300;

/** Never fit more than this many nodes on screen: past it React Flow's DOM makes panning unusable. */
export const FIT_MAX_NODES = 1000;

/** Past this many visible nodes the first view fits the root's neighbourhood instead of everything. */
export const FIT_ALL_MAX_NODES = 150;

export type LayoutKind = "elk" | "columns";

export function chooseLayout(visibleNodes: number): LayoutKind {
  return visibleNodes <= ELK_MAX_NODES ? "elk" : "columns";
}

/**
 * The nodes the first view fits: all of them when few, else the root and its nearest columns, at
 * most `limit` (never more than FIT_MAX_NODES).
 */
export function nodesToFit<T extends { id: string; column: number }>(
  nodes: readonly T[],
  rootId: string,
  limit = FIT_ALL_MAX_NODES,
): T[] {
  const cap = Math.min(limit, FIT_MAX_NODES);
  if (nodes.length <= cap) return [...nodes];
  const byCloseness = [...nodes].sort((a, b) => Math.abs(a.column) - Math.abs(b.column) || (a.id === rootId ? -1 : 0));
  const root = nodes.find((n) => n.id === rootId);
  const chosen = byCloseness.slice(0, cap);
  if (root && !chosen.includes(root)) chosen[chosen.length - 1] = root;
  return chosen;
}

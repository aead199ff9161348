/**
 * The explorer's first view, from the layout's positions alone (no DOM measurement), so it can be set
 * before any node is drawn.
 */

import { NODE_HEIGHT, NODE_WIDTH, type Position } from "./columns";

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Below this zoom node labels cannot be read: a big graph then centres on its root instead. */
export const MIN_READABLE_ZOOM = 0.55;
const ROOT_ZOOM = 0.8;
const MIN_ZOOM = 0.05;
const MAX_FIT_ZOOM = 1.1;
const FIT_MARGIN = 1.24; // the fitted box and 12% of it on each side

/**
 * A small graph (all of it chosen) is fitted whole; a big one fits the chosen neighbourhood of the
 * root, or, when even that would be too small to read, centres on the root at a readable zoom.
 */
export function firstViewport(
  positions: ReadonlyMap<string, Position>,
  chosen: readonly { id: string }[],
  total: number,
  rootId: string,
  box: { width: number; height: number },
): Viewport {
  const points = chosen.map((n) => positions.get(n.id)).filter((p): p is Position => p !== undefined);
  const rootAt = positions.get(rootId);
  if (!points.length) return centredOn(rootAt ?? { x: 0, y: 0 }, 1, box);
  const left = Math.min(...points.map((p) => p.x));
  const top = Math.min(...points.map((p) => p.y));
  const width = Math.max(...points.map((p) => p.x)) - left + NODE_WIDTH;
  const height = Math.max(...points.map((p) => p.y)) - top + NODE_HEIGHT;
  const fit = Math.min(box.width / (width * FIT_MARGIN), box.height / (height * FIT_MARGIN));
  if (chosen.length < total && fit < MIN_READABLE_ZOOM && rootAt) return centredOn(rootAt, ROOT_ZOOM, box);
  const zoom = Math.min(MAX_FIT_ZOOM, Math.max(MIN_ZOOM, fit));
  return {
    x: box.width / 2 - (left + width / 2) * zoom,
    y: box.height / 2 - (top + height / 2) * zoom,
    zoom,
  };
}

function centredOn(node: Position, zoom: number, box: { width: number; height: number }): Viewport {
  return {
    x: box.width / 2 - (node.x + NODE_WIDTH / 2) * zoom,
    y: box.height / 2 - (node.y + NODE_HEIGHT / 2) * zoom,
    zoom,
  };
}

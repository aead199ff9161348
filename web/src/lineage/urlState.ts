/**
 * The explorer's view as URL parameters, so any view can be shared or bookmarked:
 * direction (BOTH), depth (1, 0-50), asOf (an ISO instant), types (comma-separated), pathTo (an id).
 * Parsing never throws: a bad value falls back to the default, and serializing leaves defaults out.
 */

import type { Direction, EntityType } from "../api/types";
import { isEntityType } from "../api/types";

export interface LineageView {
  direction: Direction;
  depth: number;
  asOf: string | null;
  types: EntityType[];
  pathTo: string | null;
}

export const DEFAULT_VIEW: LineageView = { direction: "BOTH", depth: 1, asOf: null, types: [], pathTo: null };
export const MAX_DEPTH = 50;

const DIRECTIONS: readonly Direction[] = ["UPSTREAM", "DOWNSTREAM", "BOTH"];

export function parseView(search: string | URLSearchParams): LineageView {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const direction = (params.get("direction") ?? "").toUpperCase();
  const depthText = params.get("depth");
  const depth = depthText !== null && /^\d+$/.test(depthText) ? Number(depthText) : DEFAULT_VIEW.depth;
  const asOfText = params.get("asOf");
  const asOf = asOfText && !Number.isNaN(Date.parse(asOfText)) ? asOfText : null;
  const types = [
    ...new Set(
      (params.get("types") ?? "")
        .split(",")
        .map((t) => t.trim().toUpperCase())
        .filter(isEntityType),
    ),
  ];
  return {
    direction: (DIRECTIONS as readonly string[]).includes(direction) ? (direction as Direction) : DEFAULT_VIEW.direction,
    depth: Math.min(Math.max(depth, 0), MAX_DEPTH),
    asOf,
    types,
    pathTo: params.get("pathTo") || null,
  };
}

export function serializeView(view: LineageView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.direction !== DEFAULT_VIEW.direction) params.set("direction", view.direction);
  if (view.depth !== DEFAULT_VIEW.depth) params.set("depth", String(view.depth));
  if (view.asOf) params.set("asOf", view.asOf);
  if (view.types.length) params.set("types", view.types.join(","));
  if (view.pathTo) params.set("pathTo", view.pathTo);
  return params;
}

/** datetime-local input value (local time, minutes) <-> ISO instant. */
export function asOfToInput(asOf: string | null): string {
  if (!asOf) return "";
  const d = new Date(asOf);
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

export function inputToAsOf(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

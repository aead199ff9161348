/** Console paths of the experiment pages (ids URI-encoded: they may hold ':' and '/'). */

import { serializeCompare } from "./compareState";

export function experimentPath(id: string): string {
  return `/experiments/${encodeURIComponent(id)}`;
}

export function runPath(id: string): string {
  return `/runs/${encodeURIComponent(id)}`;
}

export function comparePath(ids: string[]): string {
  return `/runs/compare${serializeCompare({ ids, diff: false, transpose: false, agg: "LAST" })}`;
}

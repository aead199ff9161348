/** The compare page's state, all in the URL: `ids=a,b` (each id URI-encoded), `diff=1`, `transpose=1`, `agg=last|min|max`. */

import { AGGREGATES, type Aggregate } from "../api/experimentTypes";

export interface CompareView {
  ids: string[];
  diff: boolean;
  transpose: boolean;
  agg: Aggregate;
}

/** Ids are split on the raw commas before decoding, so an id holding an encoded comma stays whole. */
function rawParam(search: string, name: string): string | null {
  for (const pair of search.replace(/^\?/, "").split("&")) {
    const [key, ...rest] = pair.split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return part;
  }
}

export function parseCompare(search: string): CompareView {
  const params = new URLSearchParams(search);
  const ids = (rawParam(search, "ids") ?? "").split(",").filter(Boolean).map(decode);
  const agg = (params.get("agg") ?? "last").toUpperCase() as Aggregate;
  return {
    ids: [...new Set(ids)],
    diff: params.get("diff") === "1",
    transpose: params.get("transpose") === "1",
    agg: AGGREGATES.includes(agg) ? agg : "LAST",
  };
}

export function serializeCompare(view: CompareView): string {
  const parts = [`ids=${view.ids.map(encodeURIComponent).join(",")}`];
  if (view.diff) parts.push("diff=1");
  if (view.transpose) parts.push("transpose=1");
  if (view.agg !== "LAST") parts.push(`agg=${view.agg.toLowerCase()}`);
  return `?${parts.join("&")}`;
}

/** A parameter differs when the runs do not all hold the same value (a missing value counts as one). */
export function differs(values: unknown[]): boolean {
  const first = JSON.stringify(values[0] ?? null);
  return values.some((v) => JSON.stringify(v ?? null) !== first);
}

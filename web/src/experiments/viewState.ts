/**
 * The experiment page's state, all in the URL: `filter`, `order` (see filter.ts), `status` (comma
 * separated), `cols` (the columns shown, `p:<param>` and `m:<metric>:<last|min|max>`) and `sel` (the
 * selected run ids, for compare). Column choice is also remembered per experiment in localStorage and
 * used when the URL names none.
 */

import { AGGREGATES, RUN_STATUSES, type Aggregate, type RunStatus } from "../api/experimentTypes";

export type Column = { kind: "param"; name: string } | { kind: "metric"; name: string; aggregate: Aggregate };

export interface ExperimentView {
  filter: string;
  order: string;
  status: RunStatus[];
  cols: Column[] | null;
  sel: string[];
}

export const MAX_DEFAULT_PARAMS = 8;
export const MAX_DEFAULT_METRICS = 6;

export function columnKey(column: Column): string {
  return column.kind === "param" ? `p:${column.name}` : `m:${column.name}:${column.aggregate.toLowerCase()}`;
}

export function parseColumn(text: string): Column | null {
  if (text.startsWith("p:") && text.length > 2) return { kind: "param", name: text.slice(2) };
  if (!text.startsWith("m:")) return null;
  const at = text.lastIndexOf(":");
  const aggregate = text.slice(at + 1).toUpperCase() as Aggregate;
  const name = text.slice(2, at);
  if (at <= 2 || !name || !AGGREGATES.includes(aggregate)) return null;
  return { kind: "metric", name, aggregate };
}

export function parseColumns(text: string | null): Column[] | null {
  if (text === null) return null;
  return text
    .split(",")
    .map((part) => parseColumn(part.trim()))
    .filter((c): c is Column => c !== null);
}

export function serializeColumns(columns: Column[]): string {
  return columns.map(columnKey).join(",");
}

export function defaultColumns(paramKeys: string[], metricKeys: string[]): Column[] {
  return [
    ...paramKeys.slice(0, MAX_DEFAULT_PARAMS).map((name): Column => ({ kind: "param", name })),
    ...metricKeys.slice(0, MAX_DEFAULT_METRICS).map((name): Column => ({ kind: "metric", name, aggregate: "LAST" })),
  ];
}

export function parseView(search: string | URLSearchParams): ExperimentView {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const status = (params.get("status") ?? "")
    .split(",")
    .filter((s): s is RunStatus => (RUN_STATUSES as string[]).includes(s));
  return {
    filter: params.get("filter") ?? "",
    order: params.get("order") ?? "",
    status,
    cols: parseColumns(params.get("cols")),
    sel: (params.get("sel") ?? "").split(",").filter(Boolean),
  };
}

export function serializeView(view: ExperimentView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.filter) params.set("filter", view.filter);
  if (view.order) params.set("order", view.order);
  if (view.status.length) params.set("status", view.status.join(","));
  if (view.cols !== null) params.set("cols", serializeColumns(view.cols));
  if (view.sel.length) params.set("sel", view.sel.join(","));
  return params;
}

const STORAGE_PREFIX = "provgraph.experiment.columns.";

export function rememberedColumns(experimentId: string, storage: Pick<Storage, "getItem"> | null): Column[] | null {
  try {
    return parseColumns(storage?.getItem(STORAGE_PREFIX + experimentId) ?? null);
  } catch {
    return null;
  }
}

export function rememberColumns(experimentId: string, columns: Column[], storage: Pick<Storage, "setItem"> | null): void {
  try {
    storage?.setItem(STORAGE_PREFIX + experimentId, serializeColumns(columns));
  } catch {
    // storage full or disabled: the URL still carries the choice
  }
}

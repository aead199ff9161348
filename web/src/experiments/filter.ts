/**
 * The runs table's filter and sort, typed as text (kept in the URL), mapped onto `runs(filter, orderBy)`:
 *   filter  `lr < 0.01 and max(val_auc) >= 0.8 and optimizer = "adam"`
 *   order   `val_auc desc` (best val_auc first), `min(loss) asc`, `params.lr`
 * A bare name is a parameter when a run logged a parameter of that name, else a metric; `params.` and
 * `metrics.` prefixes say which, and `last(…)`, `min(…)`, `max(…)` choose a metric's aggregate (LAST
 * when none is given). Conditions are joined by `and` or commas.
 */

import type { Aggregate, Comparison, RunFilterInput, RunOrderInput } from "../api/experimentTypes";

export interface Keys {
  params: string[];
  metrics: string[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const OPERATORS: [string, Comparison][] = [
  ["<=", "LTE"], [">=", "GTE"], ["!=", "NE"], ["<>", "NE"], ["==", "EQ"], ["<", "LT"], [">", "GT"], ["=", "EQ"],
];

interface Target {
  param?: string;
  metric?: string;
  aggregate?: Aggregate;
}

function resolveTarget(raw: string, keys: Keys): Parsed<Target> {
  let text = raw.trim();
  const call = /^(last|min|max)\s*\((.+)\)$/i.exec(text);
  if (call) {
    const name = call[2].trim().replace(/^metrics\./, "");
    return { ok: true, value: { metric: name, aggregate: call[1].toUpperCase() as Aggregate } };
  }
  if (text.startsWith("`") && text.endsWith("`") && text.length > 2) text = text.slice(1, -1);
  if (text.startsWith("params.")) return { ok: true, value: { param: text.slice(7) } };
  if (text.startsWith("metrics.")) return { ok: true, value: { metric: text.slice(8), aggregate: "LAST" } };
  if (!text) return { ok: false, error: "a condition needs a name" };
  if (keys.params.includes(text)) return { ok: true, value: { param: text } };
  if (keys.metrics.includes(text)) return { ok: true, value: { metric: text, aggregate: "LAST" } };
  // The key lists come from the experiment's newest runs (Experiment.paramKeys): a name only older
  // runs logged is still reachable with its prefix, so the message says how.
  return {
    ok: false,
    error: `"${text}" is neither a parameter nor a metric of this experiment's recent runs (write params.${text} or metrics.${text} to use it anyway)`,
  };
}

function parseValue(raw: string): unknown {
  const text = raw.trim();
  const quoted = /^(["'])(.*)\1$/.exec(text);
  if (quoted) return quoted[2];
  if (text === "true") return true;
  if (text === "false") return false;
  if (text !== "" && !Number.isNaN(Number(text))) return Number(text);
  return text;
}

function splitConditions(text: string): string[] {
  return text
    .split(/\s+and\s+|,/i)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function parseCondition(text: string, keys: Keys): Parsed<RunFilterInput> {
  for (const [symbol, comparison] of OPERATORS) {
    const at = text.indexOf(symbol);
    if (at <= 0) continue;
    const target = resolveTarget(text.slice(0, at), keys);
    if (!target.ok) return target;
    const rawValue = text.slice(at + symbol.length);
    if (!rawValue.trim()) return { ok: false, error: `"${text}": a value is missing after ${symbol}` };
    const value = parseValue(rawValue);
    if (target.value.metric !== undefined && typeof value !== "number") {
      return { ok: false, error: `"${text}": a metric is compared with a number` };
    }
    return { ok: true, value: { comparison, value, ...target.value } };
  }
  return { ok: false, error: `"${text}": expected name, an operator (< <= > >= = !=) and a value` };
}

export function parseFilter(text: string, keys: Keys): Parsed<RunFilterInput[]> {
  const filters: RunFilterInput[] = [];
  for (const condition of splitConditions(text)) {
    const parsed = parseCondition(condition, keys);
    if (!parsed.ok) return parsed;
    filters.push(parsed.value);
  }
  return { ok: true, value: filters };
}

/** `""` is the server's default order (newest start first): null. */
export function parseOrder(text: string, keys: Keys): Parsed<RunOrderInput | null> {
  let body = text.trim();
  if (!body) return { ok: true, value: null };
  let direction: "ASC" | "DESC" = "DESC";
  const suffix = /\s+(asc|desc)$/i.exec(body);
  if (suffix) {
    direction = suffix[1].toUpperCase() as "ASC" | "DESC";
    body = body.slice(0, suffix.index);
  } else if (body.startsWith("-")) {
    body = body.slice(1);
  } else if (body.startsWith("+")) {
    direction = "ASC";
    body = body.slice(1);
  }
  const target = resolveTarget(body, keys);
  if (!target.ok) return target;
  return { ok: true, value: { ...target.value, direction } };
}

/** The order text for a column header click: the column's key, flipped when it is already the sort. */
export function orderText(target: Target, current: RunOrderInput | null): string {
  const key = target.param !== undefined ? `params.${target.param}` : `${(target.aggregate ?? "LAST").toLowerCase()}(${target.metric})`;
  const same =
    current !== null &&
    current.param === target.param &&
    current.metric === target.metric &&
    (target.metric === undefined || (current.aggregate ?? "LAST") === (target.aggregate ?? "LAST"));
  const direction = same && current.direction === "DESC" ? "asc" : "desc";
  return `${key} ${direction}`;
}

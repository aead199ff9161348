/** Display and chart conversions of parameter and metric values. */

import type { Aggregate, MetricPoint, MetricSummary, MetricValue, Param } from "../api/experimentTypes";
import type { ChartPoint } from "../charts";

/** A metric value as a chart number: the strings "NaN", "Infinity", "-Infinity" are gaps. */
export function metricNumber(value: MetricValue | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function chartPoints(points: MetricPoint[]): ChartPoint[] {
  return points.map((p) => ({ step: p.step, value: metricNumber(p.value) }));
}

export function formatMetric(value: MetricValue | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(6)).toString();
}

export function formatParam(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function paramValue(params: Param[], name: string): unknown {
  return params.find((p) => p.name === name)?.value;
}

export function metricValue(metrics: MetricSummary[], name: string, aggregate: Aggregate): MetricValue | null {
  const found = metrics.find((m) => m.name === name);
  if (!found) return null;
  return aggregate === "MIN" ? found.min : aggregate === "MAX" ? found.max : found.last;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

/** github/gitlab style commit link, when the repo URL is an http(s) URL (git@ and ssh forms are rewritten). */
export function commitUrl(repoUrl: string | null, commit: string | null): string | null {
  if (!repoUrl || !commit || !/^[0-9a-f]{4,64}$/i.test(commit)) return null;
  let base = repoUrl.trim().replace(/\.git$/, "").replace(/\/+$/, "");
  const scp = /^git@([^:]+):(.+)$/.exec(base);
  if (scp) base = `https://${scp[1]}/${scp[2]}`;
  base = base.replace(/^ssh:\/\/git@/, "https://");
  if (!/^https?:\/\//.test(base)) return null;
  return `${base}/commit/${commit}`;
}

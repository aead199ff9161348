/** The registry pages' pure decisions (tested in logic.test.ts): who may act, what to show, what the URL says. */

import type { AlertRule, Comparison, MetricSummary, MetricValue, PromotionStatus, PromotionWithContext } from "../api/registryTypes";
import { PROMOTION_STATUSES } from "../api/registryTypes";

export const modelPath = (id: string) => `/models/${encodeURIComponent(id)}`;
export const runPath = (id: string) => `/runs/${encodeURIComponent(id)}`;
export const deploymentPath = (id: string) => `/deployments/${encodeURIComponent(id)}`;

/** "v3" when the number is known, else the entity's name. */
export function versionLabel(version: { version: number | null; entity: { name: string } } | null | undefined, fallback = "hidden version"): string {
  if (!version) return fallback;
  return version.version != null ? `v${version.version}` : version.entity.name;
}

export function formatMetricValue(value: MetricValue | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

/** The run's key metrics for a reviewer: the last value of the first `limit` metrics by name. */
export function keyMetrics(metrics: readonly MetricSummary[], limit: number): { name: string; value: string }[] {
  return [...metrics]
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((m) => ({ name: m.name, value: formatMetricValue(m.last) }));
}

/** The inbox's status filter from `?status=`: PENDING unless it names another status; "ALL" for every one. */
export function statusFromParam(param: string | null): PromotionStatus | null {
  if (param === "ALL") return null;
  const upper = (param ?? "PENDING").toUpperCase();
  return (PROMOTION_STATUSES as readonly string[]).includes(upper) ? (upper as PromotionStatus) : "PENDING";
}

export function newestFirst<T extends { requestedAt: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => Date.parse(b.requestedAt) - Date.parse(a.requestedAt));
}

/**
 * What the inbox offers on a request: decided ones nothing; the requester's own "self-approval not
 * allowed" (four eyes; the server refuses anyway); Approve and Reject when the model allows `approve`.
 */
export type DecisionOffer = "decided" | "self" | "decide" | "not-allowed";

export function decisionOffer(promotion: PromotionWithContext, me: string | undefined): DecisionOffer {
  if (promotion.status !== "PENDING") return "decided";
  if (me !== undefined && promotion.requestedBy === me) return "self";
  return promotion.model?.entity.allowedActions.includes("approve") ? "decide" : "not-allowed";
}

/** A governance reviewer is needed when restricted data lies upstream of the version. */
export function needsGovernanceReviewer(promotion: { needsGovernance: boolean; restrictedUpstream: readonly string[] }): boolean {
  return promotion.needsGovernance || promotion.restrictedUpstream.length > 0;
}

export function mayRequestPromotion(allowedActions: readonly string[]): boolean {
  return allowedActions.includes("write");
}

const COMPARISON_SYMBOL: Record<Comparison, string> = { LT: "<", LTE: "≤", GT: ">", GTE: "≥", EQ: "=", NE: "≠" };

/** "mean of last 5 drift > 0.3". */
export function describeRule(rule: Pick<AlertRule, "metric" | "comparison" | "threshold" | "window">): string {
  const subject = rule.window > 1 ? `mean of last ${rule.window} ${rule.metric}` : rule.metric;
  return `${subject} ${COMPARISON_SYMBOL[rule.comparison]} ${formatMetricValue(rule.threshold)}`;
}

export interface Threshold {
  value: number;
  label: string;
}

/** The active rules' thresholds on one monitoring metric, as lines for its chart (one per distinct value). */
export function thresholdsFor(metric: string, rules: readonly AlertRule[]): Threshold[] {
  const byValue = new Map<number, string[]>();
  for (const rule of rules) {
    if (!rule.active || rule.metric !== metric) continue;
    byValue.set(rule.threshold, [...(byValue.get(rule.threshold) ?? []), describeRule(rule)]);
  }
  return [...byValue.entries()].sort(([a], [b]) => a - b).map(([value, labels]) => ({ value, label: labels.join("; ") }));
}

/** A metric value as a chart's number (non-finite strings become NaN: a gap). */
export function chartNumber(value: MetricValue): number {
  if (typeof value === "number") return value;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  return NaN;
}

export function formatShare(share: number | null | undefined): string {
  return share == null ? "–" : `${Math.round(share * 1000) / 10}%`;
}

/** A monitoring series as chart points: non-finite values are gaps (null), never drawn as numbers. */
export function chartPoints(points: readonly { step: number; value: MetricValue }[]): { step: number; value: number | null }[] {
  return points.map((p) => {
    const value = chartNumber(p.value);
    return { step: p.step, value: Number.isFinite(value) ? value : null };
  });
}

/** The version ids a deployment page names (live, rollback stack, history), once each. */
export function namedVersionIds(deployment: {
  liveVersionId: string | null;
  rollbackStack: readonly string[];
  history: readonly { versionId: string | null; previousVersionId: string | null }[];
}): string[] {
  const ids = [deployment.liveVersionId, ...deployment.rollbackStack, ...deployment.history.flatMap((e) => [e.versionId, e.previousVersionId])];
  return [...new Set(ids.filter((id): id is string => !!id))].sort();
}

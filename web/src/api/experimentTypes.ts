/** The GraphQL types the experiment pages read (experiments, runs, comparison), as TypeScript. */

import type { EntitySummary } from "./types";

export type RunStatus = "RUNNING" | "FINISHED" | "FAILED" | "KILLED";
export const RUN_STATUSES: RunStatus[] = ["RUNNING", "FINISHED", "FAILED", "KILLED"];

export type Aggregate = "LAST" | "MIN" | "MAX";
export const AGGREGATES: Aggregate[] = ["LAST", "MIN", "MAX"];

export type Comparison = "LT" | "LTE" | "GT" | "GTE" | "EQ" | "NE";

/** A number, or "NaN" / "Infinity" / "-Infinity" (JSON has no literal for them). */
export type MetricValue = number | string;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Page<T> {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: T[];
}

export interface ExperimentSummary {
  id: string;
  name: string;
  runCount: number;
  lastRunStartedAt: string | null;
}

export interface Experiment extends ExperimentSummary {
  entity: EntitySummary & { owners: string[] };
  paramKeys: string[];
  metricKeys: string[];
}

export interface Param {
  name: string;
  type: string;
  value: unknown;
}

export interface MetricSummary {
  name: string;
  last: MetricValue | null;
  min: MetricValue | null;
  max: MetricValue | null;
  count: number;
}

export interface MetricPoint {
  step: number;
  value: MetricValue;
}

export interface MetricWithPoints extends MetricSummary {
  points: MetricPoint[];
}

export interface RunRow {
  id: string;
  name: string;
  status: RunStatus | null;
  startedAt: string | null;
  endedAt: string | null;
  params: Param[];
  metrics: MetricSummary[];
}

export interface RunFilterInput {
  comparison: Comparison;
  value: unknown;
  param?: string;
  metric?: string;
  aggregate?: Aggregate;
}

export interface RunOrderInput {
  param?: string;
  metric?: string;
  aggregate?: Aggregate;
  direction: "ASC" | "DESC";
}

export interface RunDetail extends RunRow {
  experimentId: string | null;
  entity: EntitySummary & { owners: string[] };
  code: { commit: string | null; repoUrl: string | null; branch: string | null; dirty: boolean | null };
  environment: { pythonVersion: string | null; os: string | null; packagesDigest: string | null; packages: string[] };
  hardware: {
    cpuCount: number | null;
    memoryBytes: number | null;
    gpus: string[];
    peakMemoryBytes: number | null;
    peakGpuMemoryBytes: number | null;
  };
  tags: { name: string; value: string }[];
  statusHistory: { status: RunStatus; at: string; by: string; reason: string }[];
  inputIds: string[];
  outputIds: string[];
  metrics: MetricWithPoints[];
}

export interface Comparison100 {
  runs: { id: string; name: string; experimentId: string | null; status: RunStatus | null }[];
  params: { name: string; values: unknown[] }[];
  metrics: { name: string; values: (MetricValue | null)[]; series: ({ count: number; points: MetricPoint[] } | null)[] }[];
}

/** The registry's GraphQL types (models, versions, promotions, deployments, alerts) as the console reads them. */

import type { Connection, EntityType } from "./types";

/** A JSON number, or "NaN" / "Infinity" / "-Infinity" (JSON has no literal for them). */
export type MetricValue = number | string;

/** What the registry pages need of an entity, with what the caller may do to it (read, write, classify, approve). */
export interface RegistryEntity {
  id: string;
  type: EntityType;
  name: string;
  qualifiedName: string;
  description: string | null;
  owners: string[];
  createdAt: string;
  allowedActions: string[];
}

export interface AliasAssignment {
  alias: string;
  modelId: string;
  versionId: string;
  version: number | null;
  assignedAt: string;
  assignedBy: string;
  removedAt: string | null;
  removedBy: string | null;
  promotionId: string | null;
}

export type PromotionStatus = "PENDING" | "APPROVED" | "REJECTED";
export const PROMOTION_STATUSES: readonly PromotionStatus[] = ["PENDING", "APPROVED", "REJECTED"];

export interface MetricSummary {
  name: string;
  last: MetricValue | null;
  lastStep: number | null;
}

export interface RunSummary {
  id: string;
  name: string;
  status: string | null;
  metrics: MetricSummary[];
}

export interface Promotion {
  id: string;
  modelId: string;
  versionId: string;
  alias: string;
  status: PromotionStatus;
  requestedBy: string;
  requestedAt: string;
  comment: string | null;
  restrictedUpstream: string[];
  needsGovernance: boolean;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
}

/** An inbox row: the request with its version (and run) and its model, both null when hidden. */
export interface PromotionWithContext extends Promotion {
  version: { id: string; version: number | null; runId: string | null; entity: { name: string }; run: RunSummary | null } | null;
  model: { id: string; entity: { name: string; qualifiedName: string; allowedActions: string[] } } | null;
}

export interface ModelVersion {
  id: string;
  version: number | null;
  modelId: string | null;
  runId: string | null;
  aliases: string[];
  entity: RegistryEntity;
  run: { id: string; name: string; status: string | null } | null;
  promotions: Promotion[];
}

export interface ModelSummary {
  id: string;
  latestVersion: number | null;
  entity: Pick<RegistryEntity, "id" | "name" | "qualifiedName" | "description" | "owners">;
  aliases: AliasAssignment[];
}

export interface Model extends ModelSummary {
  entity: RegistryEntity;
  versions: ModelVersion[];
  aliasHistory: AliasAssignment[];
}

export type DeploymentStatus = "ACTIVE" | "RETIRED";
export type DeploymentEventKind = "ROLLED_OUT" | "SCALED" | "ROLLED_BACK" | "RETIRED";

export interface DeploymentEvent {
  seq: number;
  kind: DeploymentEventKind;
  at: string;
  principal: string;
  versionId: string | null;
  previousVersionId: string | null;
  trafficShare: number | null;
  environment: string | null;
  endpoint: string | null;
  comment: string | null;
}

export interface VersionLabel {
  id: string;
  version: number | null;
  modelId: string | null;
  entity: { name: string };
}

export interface DeploymentSummary {
  id: string;
  entity: { id: string; name: string; qualifiedName: string };
  environment: string | null;
  endpoint: string | null;
  trafficShare: number | null;
  status: DeploymentStatus | null;
  liveVersionId: string | null;
  liveSince: string | null;
  liveVersion: VersionLabel | null;
}

export type Comparison = "LT" | "LTE" | "GT" | "GTE" | "EQ" | "NE";

export interface AlertRule {
  id: string;
  metric: string;
  comparison: Comparison;
  threshold: number;
  window: number;
  description: string | null;
  createdBy: string;
  createdAt: string;
  firing: boolean;
  openAlertId: string | null;
  active: boolean;
}

export interface Alert {
  id: string;
  ruleId: string;
  modelVersionId: string | null;
  metric: string;
  comparison: Comparison;
  threshold: number;
  window: number;
  value: MetricValue;
  step: number | null;
  firedAt: string;
  status: "FIRING" | "RESOLVED";
  resolvedAt: string | null;
}

export interface MetricPoint {
  step: number;
  value: MetricValue;
  timestamp: string;
}

export interface MonitoringSeries {
  name: string;
  last: MetricValue | null;
  count: number;
  points: MetricPoint[];
}

export interface Deployment extends DeploymentSummary {
  entity: RegistryEntity;
  rollbackStack: string[];
  history: DeploymentEvent[];
  alertRules: AlertRule[];
  alerts: Connection<Alert>;
  metrics: MonitoringSeries[];
}

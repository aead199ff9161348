/**
 * Every GraphQL operation of the registry pages (models, promotions, deployments), typed, one function
 * each. The pages call these only; the server decides who may do what, the console only asks.
 */

import { graphql } from "./client";
import type {
  Deployment,
  DeploymentSummary,
  Model,
  ModelSummary,
  Promotion,
  PromotionStatus,
  PromotionWithContext,
  VersionLabel,
} from "./registryTypes";
import type { Connection } from "./types";

const REGISTRY_ENTITY = "id type name qualifiedName description owners createdAt allowedActions";
const ALIAS = "alias modelId versionId version assignedAt assignedBy removedAt removedBy promotionId";
const PROMOTION = `id modelId versionId alias status requestedBy requestedAt comment restrictedUpstream needsGovernance
  decidedBy decidedAt decisionComment`;
const VERSION_LABEL = "id version modelId entity { name }";
const PAGE = "totalCount pageInfo { hasNextPage endCursor }";

/** How many monitoring points a chart asks for: the server downsamples longer series. */
export const MONITORING_MAX_POINTS = 2000;
/** The "key metrics" of a run in the inbox: the last value of at most this many of its metrics. */
export const KEY_METRICS = 4;

export interface Paging {
  first?: number;
  after?: string | null;
}

export async function models(text: string, { first = 50, after = null }: Paging = {}): Promise<Connection<ModelSummary>> {
  const data = await graphql<{ models: Connection<ModelSummary> }>(
    `query Models($text: String, $first: Int!, $after: String) {
      models(text: $text, first: $first, after: $after) {
        ${PAGE}
        edges { cursor node { id latestVersion entity { id name qualifiedName description owners } aliases { ${ALIAS} } } }
      }
    }`,
    { text: text || null, first, after },
  );
  return data.models;
}

/** A model with its versions (their runs and promotion requests), current aliases and alias history; null when hidden. */
export async function model(id: string): Promise<Model | null> {
  const data = await graphql<{ model: Model | null }>(
    `query Model($id: ID!) {
      model(id: $id) {
        id latestVersion entity { ${REGISTRY_ENTITY} }
        aliases { ${ALIAS} }
        aliasHistory(first: 100) { ${ALIAS} }
        versions(first: 100) {
          id version modelId runId aliases entity { ${REGISTRY_ENTITY} }
          run { id name status }
          promotions { ${PROMOTION} }
        }
      }
    }`,
    { id },
  );
  return data.model;
}

export async function promotions(status: PromotionStatus | null, { first = 50, after = null }: Paging = {}): Promise<Connection<PromotionWithContext>> {
  const data = await graphql<{ promotions: Connection<PromotionWithContext> }>(
    `query Promotions($status: PromotionStatus, $first: Int!, $after: String) {
      promotions(status: $status, first: $first, after: $after) {
        ${PAGE}
        edges { cursor node {
          ${PROMOTION}
          version { id version runId entity { name } run { id name status metrics { name last lastStep } } }
          model { id entity { name qualifiedName allowedActions } }
        } }
      }
    }`,
    { status, first, after },
  );
  return data.promotions;
}

export async function requestPromotion(versionId: string, alias: string, comment: string | null): Promise<Promotion> {
  const data = await graphql<{ requestPromotion: Promotion }>(
    `mutation RequestPromotion($versionId: ID!, $alias: String!, $comment: String) {
      requestPromotion(versionId: $versionId, alias: $alias, comment: $comment) { ${PROMOTION} }
    }`,
    { versionId, alias, comment: comment || null },
  );
  return data.requestPromotion;
}

export type Decision = "approve" | "reject";

export async function decidePromotion(decision: Decision, requestId: string, comment: string | null): Promise<Promotion> {
  const field = decision === "approve" ? "approvePromotion" : "rejectPromotion";
  const data = await graphql<Record<string, Promotion>>(
    `mutation Decide($requestId: ID!, $comment: String) { ${field}(requestId: $requestId, comment: $comment) { ${PROMOTION} } }`,
    { requestId, comment: comment || null },
  );
  return data[field];
}

const DEPLOYMENT_SUMMARY = `id entity { id name qualifiedName } environment endpoint trafficShare status liveVersionId liveSince
  liveVersion { ${VERSION_LABEL} }`;

export async function deployments(
  modelId: string | null,
  environment: string | null,
  { first = 50, after = null }: Paging = {},
): Promise<Connection<DeploymentSummary>> {
  const data = await graphql<{ deployments: Connection<DeploymentSummary> }>(
    `query Deployments($modelId: ID, $environment: String, $first: Int!, $after: String) {
      deployments(modelId: $modelId, environment: $environment, first: $first, after: $after) {
        ${PAGE} edges { cursor node { ${DEPLOYMENT_SUMMARY} } }
      }
    }`,
    { modelId: modelId || null, environment: environment || null, first, after },
  );
  return data.deployments;
}

const DEPLOYMENT = `${DEPLOYMENT_SUMMARY}
  entity { ${REGISTRY_ENTITY} }
  rollbackStack
  history { seq kind at principal versionId previousVersionId trafficShare environment endpoint comment }
  alertRules { id metric comparison threshold window description createdBy createdAt firing openAlertId active }
  alerts(status: FIRING, first: 50) { ${PAGE} edges { cursor node {
    id ruleId modelVersionId metric comparison threshold window value step firedAt status resolvedAt } } }
  metrics { name last count points(maxPoints: ${MONITORING_MAX_POINTS}) { step value timestamp } }`;

/** A deployment with its history, rollback stack, rules, open alerts and monitoring series; null when hidden. */
export async function deployment(id: string): Promise<Deployment | null> {
  const data = await graphql<{ deployment: Deployment | null }>(`query Deployment($id: ID!) { deployment(id: $id) { ${DEPLOYMENT} } }`, { id });
  return data.deployment;
}

export async function rollback(deploymentId: string, comment: string | null): Promise<Deployment> {
  const data = await graphql<{ rollback: Deployment }>(
    `mutation Rollback($deploymentId: ID!, $comment: String) { rollback(deploymentId: $deploymentId, comment: $comment) { ${DEPLOYMENT} } }`,
    { deploymentId, comment: comment || null },
  );
  return data.rollback;
}

/** Names for a handful of version ids (a rollback stack, a history), in one request; hidden ones are null. */
export async function versionLabels(ids: string[]): Promise<Record<string, VersionLabel | null>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return {};
  const vars = unique.map((_, i) => `$v${i}: ID!`).join(", ");
  const fields = unique.map((_, i) => `v${i}: modelVersion(id: $v${i}) { ${VERSION_LABEL} }`).join("\n");
  const data = await graphql<Record<string, VersionLabel | null>>(
    `query VersionLabels(${vars}) { ${fields} }`,
    Object.fromEntries(unique.map((id, i) => [`v${i}`, id])),
  );
  return Object.fromEntries(unique.map((id, i) => [id, data[`v${i}`]]));
}

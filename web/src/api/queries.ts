/** Every GraphQL operation the console sends, typed, one function each. Pages call these only. */

import { graphql } from "./client";
import type {
  ClassificationDef,
  ClassificationReport,
  Connection,
  Direction,
  Entity,
  EntitySummary,
  EntityType,
  Impact,
  Lineage,
  LineageEdge,
} from "./types";
import { ENTITY_TYPES } from "./types";

const ENTITY_FIELDS = `id type name qualifiedName description properties owners createdAt updatedAt deleted
  classifications { name attributes propagate propagated sourceId path }`;

const SUMMARY_FIELDS = "id type name qualifiedName";

const LINEAGE_ENTITY_FIELDS = `id type name qualifiedName owners
  classifications { name attributes propagate propagated sourceId path }`;

export interface SearchArgs {
  text: string;
  types: EntityType[];
  classification: string | null;
  after: string | null;
  first?: number;
}

export interface SearchAnswer {
  results: Connection<Entity>;
  typeCounts: Record<EntityType, number>;
  classificationCounts: Record<string, number>;
}

/**
 * One request: the page of results, and the facet counts (the totalCount of the same search narrowed
 * to each type, and to each classification), as aliased fields.
 */
export async function search(args: SearchArgs, classifications: string[], signal?: AbortSignal): Promise<SearchAnswer> {
  const typeFacets = ENTITY_TYPES.map(
    (t) => `t_${t}: search(text: $text, types: [${t}], classification: $classification, first: 1) { totalCount }`,
  ).join("\n");
  const classFacets = classifications
    .map((c, i) => `c_${i}: search(text: $text, types: $types, classification: ${JSON.stringify(c)}, first: 1) { totalCount }`)
    .join("\n");
  const query = `query Search($text: String, $types: [EntityType!], $classification: String, $first: Int!, $after: String) {
    results: search(text: $text, types: $types, classification: $classification, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { ${ENTITY_FIELDS} } }
    }
    ${typeFacets}
    ${classFacets}
  }`;
  const data = await graphql<Record<string, { totalCount: number }> & { results: Connection<Entity> }>(query, {
    text: args.text || null,
    types: args.types.length ? args.types : null,
    classification: args.classification,
    first: args.first ?? 25,
    after: args.after,
  }, { signal });
  const typeCounts = Object.fromEntries(ENTITY_TYPES.map((t) => [t, data[`t_${t}`].totalCount])) as Record<
    EntityType,
    number
  >;
  const classificationCounts = Object.fromEntries(classifications.map((c, i) => [c, data[`c_${i}`].totalCount]));
  return { results: data.results, typeCounts, classificationCounts };
}

export async function entity(id: string): Promise<Entity | null> {
  const data = await graphql<{ entity: Entity | null }>(
    `query Entity($id: ID!) { entity(id: $id) { ${ENTITY_FIELDS} } }`,
    { id },
  );
  return data.entity;
}

/** Names for a handful of ids (a classification's path, a found lineage path), in one request. Hidden ones are null. */
export async function entitySummaries(ids: string[]): Promise<Record<string, EntitySummary | null>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return {};
  const vars = unique.map((_, i) => `$i${i}: ID!`).join(", ");
  const fields = unique.map((_, i) => `e${i}: entity(id: $i${i}) { ${SUMMARY_FIELDS} }`).join("\n");
  const data = await graphql<Record<string, EntitySummary | null>>(
    `query Summaries(${vars}) { ${fields} }`,
    Object.fromEntries(unique.map((id, i) => [`i${i}`, id])),
  );
  return Object.fromEntries(unique.map((id, i) => [id, data[`e${i}`]]));
}

export interface LineageArgs {
  id: string;
  direction: Direction;
  depth: number;
  types: EntityType[];
  asOf: string | null;
  maxNodes?: number;
}

export const LINEAGE_MAX_NODES = 2000;

/** Full entities for a few ids (a found path's steps), in one request; hidden ones are left out. */
export async function entitiesByIds(ids: string[]): Promise<Entity[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const vars = unique.map((_, i) => `$i${i}: ID!`).join(", ");
  const fields = unique.map((_, i) => `e${i}: entity(id: $i${i}) { ${ENTITY_FIELDS} }`).join("\n");
  const data = await graphql<Record<string, Entity | null>>(
    `query Entities(${vars}) { ${fields} }`,
    Object.fromEntries(unique.map((id, i) => [`i${i}`, id])),
  );
  return unique.map((_, i) => data[`e${i}`]).filter((e): e is Entity => e !== null);
}

export async function lineage(args: LineageArgs): Promise<Lineage> {
  const data = await graphql<{ lineage: Lineage }>(
    `query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $types: [EntityType!], $asOf: DateTime) {
      lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, types: $types, asOf: $asOf) {
        root truncated
        nodes { id type distance restricted entity { ${LINEAGE_ENTITY_FIELDS} } }
        edges { source target type blockedClassifications }
      }
    }`,
    {
      id: args.id,
      direction: args.direction,
      depth: args.depth,
      maxNodes: args.maxNodes ?? LINEAGE_MAX_NODES,
      types: args.types.length ? args.types : null,
      asOf: args.asOf,
    },
  );
  return data.lineage;
}

export async function lineagePath(fromId: string, toId: string, maxDepth = 20): Promise<string[] | null> {
  const data = await graphql<{ lineagePath: string[] | null }>(
    `query Path($fromId: ID!, $toId: ID!, $maxDepth: Int) { lineagePath(fromId: $fromId, toId: $toId, maxDepth: $maxDepth) }`,
    { fromId, toId, maxDepth },
  );
  return data.lineagePath;
}

export async function impact(id: string, depth = 20): Promise<Impact> {
  const data = await graphql<{ impact: Impact }>(
    `query Impact($id: ID!, $depth: Int) {
      impact(id: $id, depth: $depth) {
        root total truncated owners
        byType { type count }
        entities { id type distance restricted entity { ${SUMMARY_FIELDS} owners classifications { name propagated sourceId path attributes propagate } } }
        deployments { id type distance restricted entity { ${SUMMARY_FIELDS} owners classifications { name propagated sourceId path attributes propagate } } }
      }
    }`,
    { id, depth },
  );
  return data.impact;
}

export async function classificationDefs(): Promise<ClassificationDef[]> {
  const data = await graphql<{ classificationDefs: ClassificationDef[] }>(
    `query Defs { classificationDefs { name description attributes propagate restricted builtIn } }`,
  );
  return data.classificationDefs;
}

export async function classificationReport(name: string): Promise<ClassificationReport> {
  const data = await graphql<{ classificationReport: ClassificationReport }>(
    `query Report($name: String!) {
      classificationReport(name: $name) {
        name description restricted total truncated generatedAt
        groups { type count entities { ${SUMMARY_FIELDS} owners direct sources { name propagated sourceId path } } }
      }
    }`,
    { name },
  );
  return data.classificationReport;
}

export interface Containment {
  container: EntitySummary | null;
  /** `total` counts every member of the group the caller may see; `entities` is the first page of them. */
  members: { label: string; entities: EntitySummary[]; total: number }[];
}

/** The member groups the entity page lists, each one aliased `members` field of the same request. */
export const MEMBER_GROUPS: { alias: string; label: string; types: EntityType[] }[] = [
  { alias: "versions", label: "Versions", types: ["DATASET_VERSION", "MODEL_VERSION"] },
  { alias: "features", label: "Features", types: ["FEATURE"] },
  { alias: "runs", label: "Runs", types: ["RUN", "PIPELINE_RUN"] },
];

export const MEMBERS_SHOWN = 100;

/** What holds the entity and what it holds, for every type, in one request (Entity.container, Entity.members). */
export async function containment(e: EntitySummary): Promise<Containment> {
  const groups = MEMBER_GROUPS.map(
    (g) => `${g.alias}: members(types: [${g.types.join(", ")}], first: ${MEMBERS_SHOWN}) { totalCount edges { node { ${SUMMARY_FIELDS} } } }`,
  ).join("\n");
  const data = await graphql<{ entity: Record<string, unknown> | null }>(
    `query Containment($id: ID!) { entity(id: $id) { container { ${SUMMARY_FIELDS} } ${groups} } }`,
    { id: e.id },
  );
  const found = data.entity;
  return {
    container: (found?.container as EntitySummary | null | undefined) ?? null,
    members: MEMBER_GROUPS.map((g) => {
      const page = found?.[g.alias] as Connection<EntitySummary> | undefined;
      return { label: g.label, entities: page?.edges.map((x) => x.node) ?? [], total: page?.totalCount ?? 0 };
    }),
  };
}

export async function classify(entityId: string, name: string, propagate: boolean | null): Promise<Entity> {
  const data = await graphql<{ classify: Entity }>(
    `mutation Classify($entityId: ID!, $name: String!, $propagate: Boolean) {
      classify(entityId: $entityId, name: $name, propagate: $propagate) { ${ENTITY_FIELDS} }
    }`,
    { entityId, name, propagate },
  );
  return data.classify;
}

export async function declassify(entityId: string, name: string): Promise<Entity> {
  const data = await graphql<{ declassify: Entity }>(
    `mutation Declassify($entityId: ID!, $name: String!) { declassify(entityId: $entityId, name: $name) { ${ENTITY_FIELDS} } }`,
    { entityId, name },
  );
  return data.declassify;
}

export async function setPropagationBlocked(
  blocked: boolean,
  sourceId: string,
  targetId: string,
  classification: string,
): Promise<LineageEdge> {
  const field = blocked ? "blockPropagation" : "unblockPropagation";
  const data = await graphql<Record<string, LineageEdge>>(
    `mutation Block($sourceId: ID!, $targetId: ID!, $classification: String!) {
      ${field}(sourceId: $sourceId, targetId: $targetId, classification: $classification) { source target type blockedClassifications }
    }`,
    { sourceId, targetId, classification },
  );
  return data[field];
}

export function provenanceReportUrl(id: string, format: "md" | "html" | "json" | "prov"): string {
  return `/api/v1/reports/provenance/${encodeURIComponent(id)}?format=${format}`;
}

export function classificationReportUrl(name: string, format: "md" | "html" | "json"): string {
  return `/api/v1/reports/classification/${encodeURIComponent(name)}?format=${format}`;
}

/** The GraphQL types the console reads (graphql/schema.graphql), as TypeScript. */

export const ENTITY_TYPES = [
  "DATASET",
  "DATASET_VERSION",
  "FEATURE",
  "EXPERIMENT",
  "RUN",
  "MODEL",
  "MODEL_VERSION",
  "PIPELINE",
  "PIPELINE_RUN",
  "DEPLOYMENT",
  "ARTIFACT",
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

/** DATASET_VERSION -> "Dataset version". */
export function typeLabel(type: string): string {
  const words = type.toLowerCase().split("_");
  return words.map((w, i) => (i === 0 ? w[0].toUpperCase() + w.slice(1) : w)).join(" ");
}

export type Direction = "UPSTREAM" | "DOWNSTREAM" | "BOTH";

export interface ClassificationAssignment {
  name: string;
  attributes: Record<string, unknown>;
  propagate: boolean;
  propagated: boolean;
  sourceId: string;
  path: string[];
}

export interface EntitySummary {
  id: string;
  type: EntityType;
  name: string;
  qualifiedName: string;
}

export interface Entity extends EntitySummary {
  description: string | null;
  properties: Record<string, unknown>;
  owners: string[];
  classifications: ClassificationAssignment[];
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
}

/** What the explorer and lists need of an entity: enough to draw it, not its description or properties. */
export type LineageEntity = Pick<Entity, "id" | "type" | "name" | "qualifiedName" | "owners" | "classifications">;

export interface LineageNode {
  id: string;
  type: EntityType;
  distance: number;
  restricted: boolean;
  entity: LineageEntity | null;
}

export interface LineageEdge {
  source: string;
  target: string;
  type: string;
  blockedClassifications: string[];
}

export interface Lineage {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
}

export interface TypeCount {
  type: EntityType;
  count: number;
}

export interface Impact {
  root: string;
  total: number;
  byType: TypeCount[];
  entities: LineageNode[];
  owners: string[];
  deployments: LineageNode[];
  truncated: boolean;
}

export interface ClassificationDef {
  name: string;
  description: string | null;
  attributes: string[];
  propagate: boolean;
  restricted: boolean;
  builtIn: boolean;
}

export interface ReportAssignment {
  name: string;
  propagated: boolean;
  sourceId: string;
  path: string[];
}

export interface ClassifiedEntity extends EntitySummary {
  owners: string[];
  direct: boolean;
  sources: ReportAssignment[];
}

export interface ClassificationReport {
  name: string;
  description: string | null;
  restricted: boolean;
  total: number;
  truncated: boolean;
  generatedAt: string;
  groups: { type: EntityType; count: number; entities: ClassifiedEntity[] }[];
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

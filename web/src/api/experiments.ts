/** Every GraphQL operation of the experiment pages, typed, one function each. Pages call these only. */

import { graphql } from "./client";
import type {
  Aggregate,
  Comparison100,
  Experiment,
  ExperimentSummary,
  Page,
  PageInfo,
  RunDetail,
  RunFilterInput,
  RunOrderInput,
  RunRow,
  RunStatus,
} from "./experimentTypes";
import type { Lineage } from "./types";

/** Points asked per series for a chart: the server downsamples longer series to this many. */
export const CHART_POINTS = 1000;
/** The server's page limit for runs. */
export const RUNS_PAGE = 100;

interface Edges<T> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: { node: T }[];
}

function page<T>(connection: Edges<T>): Page<T> {
  return { totalCount: connection.totalCount, pageInfo: connection.pageInfo, nodes: connection.edges.map((e) => e.node) };
}

const EXPERIMENT_SUMMARY = "id name runCount lastRunStartedAt";

export async function experiments(text: string, after: string | null, first = 50): Promise<Page<ExperimentSummary>> {
  const data = await graphql<{ experiments: Edges<ExperimentSummary> }>(
    `query Experiments($text: String, $first: Int!, $after: String) {
      experiments(text: $text, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { ${EXPERIMENT_SUMMARY} } }
      }
    }`,
    { text: text || null, first, after },
  );
  return page(data.experiments);
}

export async function experiment(id: string): Promise<Experiment | null> {
  const data = await graphql<{ experiment: Experiment | null }>(
    `query Experiment($id: ID!) {
      experiment(id: $id) { ${EXPERIMENT_SUMMARY} paramKeys metricKeys entity { id type name qualifiedName owners } }
    }`,
    { id },
  );
  return data.experiment;
}

export interface RunsArgs {
  experimentId: string;
  filter: RunFilterInput[];
  orderBy: RunOrderInput | null;
  status: RunStatus[];
  /** the metric columns shown: only their summaries are fetched (null: all) */
  metricNames: string[] | null;
  after: string | null;
  first?: number;
}

export const RUNS_QUERY = `query Runs($experimentId: ID!, $filter: [RunFilter!], $orderBy: RunOrder, $status: [RunStatus!],
    $first: Int!, $after: String, $metricNames: [String!]) {
    runs(experimentId: $experimentId, filter: $filter, orderBy: $orderBy, status: $status, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id name status startedAt endedAt params { name type value }
        metrics(names: $metricNames) { name last min max count } } }
    }
  }`;

export async function runs(args: RunsArgs): Promise<Page<RunRow>> {
  const data = await graphql<{ runs: Edges<RunRow> }>(RUNS_QUERY, {
    experimentId: args.experimentId,
    filter: args.filter.length ? args.filter : null,
    orderBy: args.orderBy,
    status: args.status.length ? args.status : null,
    first: args.first ?? RUNS_PAGE,
    after: args.after,
    metricNames: args.metricNames,
  });
  return page(data.runs);
}

export const RUN_QUERY = `query Run($id: ID!, $maxPoints: Int!) {
    run(id: $id) {
      id name status startedAt endedAt experimentId inputIds outputIds
      entity { id type name qualifiedName owners }
      params { name type value } tags { name value }
      code { commit repoUrl branch dirty }
      environment { pythonVersion os packagesDigest packages }
      hardware { cpuCount memoryBytes gpus peakMemoryBytes peakGpuMemoryBytes }
      statusHistory { status at by reason }
      metrics { name last min max count points(maxPoints: $maxPoints) { step value } }
    }
  }`;

export async function run(id: string): Promise<RunDetail | null> {
  const data = await graphql<{ run: RunDetail | null }>(RUN_QUERY, { id, maxPoints: CHART_POINTS });
  return data.run;
}

/** The run's direct inputs and outputs (one lineage hop), for its small graph. */
export async function runNeighbours(id: string): Promise<Lineage> {
  const data = await graphql<{ lineage: Lineage }>(
    `query RunLineage($id: ID!) {
      lineage(id: $id, direction: BOTH, depth: 1, maxNodes: 200) {
        root truncated
        nodes { id type distance restricted entity { id type name qualifiedName owners classifications { name attributes propagate propagated sourceId path } } }
        edges { source target type blockedClassifications }
      }
    }`,
    { id },
  );
  return data.lineage;
}

export const COMPARE_QUERY = `query Compare($ids: [ID!]!, $aggregate: MetricAggregate!, $maxPoints: Int!) {
    compareRuns(ids: $ids, aggregate: $aggregate) {
      runs { id name experimentId status }
      params { name values }
      metrics { name values series { count points(maxPoints: $maxPoints) { step value } } }
    }
  }`;

/** The compared runs with every parameter, each metric's last value and its (downsampled) points. */
export async function compareRuns(ids: string[]): Promise<Comparison100> {
  const data = await graphql<{ compareRuns: Comparison100 }>(COMPARE_QUERY, { ids, aggregate: "LAST", maxPoints: CHART_POINTS });
  return data.compareRuns;
}

/** Only the metric values in another aggregate (min or max): switching it does not fetch the points again. */
export async function compareValues(ids: string[], aggregate: Aggregate): Promise<Comparison100["metrics"]> {
  const data = await graphql<{ compareRuns: { metrics: Comparison100["metrics"] } }>(
    `query CompareValues($ids: [ID!]!, $aggregate: MetricAggregate!) {
      compareRuns(ids: $ids, aggregate: $aggregate) { metrics { name values } }
    }`,
    { ids, aggregate },
  );
  return data.compareRuns.metrics.map((m) => ({ ...m, series: [] }));
}

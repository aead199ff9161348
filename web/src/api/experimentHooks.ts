/** React Query hooks over the experiment operations (pages use these, never fetch themselves). */

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { Aggregate } from "./experimentTypes";
import { compareRuns, compareValues, experiment, experiments, run, runNeighbours, runs, type RunsArgs } from "./experiments";

export function useExperiments(text: string) {
  return useInfiniteQuery({
    queryKey: ["experiments", text],
    queryFn: ({ pageParam }) => experiments(text, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
  });
}

export function useExperiment(id: string) {
  return useQuery({ queryKey: ["experiment", id], queryFn: () => experiment(id) });
}

/** Pages of runs, each following the previous one's cursor; the table asks for the next as it scrolls. */
export function useRuns(args: Omit<RunsArgs, "after"> | null) {
  return useInfiniteQuery({
    queryKey: ["runs", args],
    queryFn: ({ pageParam }) => runs({ ...(args as RunsArgs), after: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
    enabled: args !== null,
    placeholderData: keepPreviousData,
  });
}

export function useRun(id: string) {
  return useQuery({ queryKey: ["run", id], queryFn: () => run(id) });
}

export function useRunNeighbours(id: string, enabled: boolean) {
  return useQuery({ queryKey: ["run-neighbours", id], queryFn: () => runNeighbours(id), enabled });
}

export function useCompare(ids: string[]) {
  return useQuery({ queryKey: ["compare", ids], queryFn: () => compareRuns(ids), enabled: ids.length > 0 });
}

/** min or max values of the compared metrics; LAST comes with the comparison itself. */
export function useCompareValues(ids: string[], aggregate: Aggregate) {
  return useQuery({
    queryKey: ["compare-values", ids, aggregate],
    queryFn: () => compareValues(ids, aggregate),
    enabled: ids.length > 0 && aggregate !== "LAST",
    placeholderData: keepPreviousData,
  });
}

/**
 * The runs query of an experiment page's view. The metric summaries asked for are those of the columns
 * chosen (in the URL or remembered); with no choice yet, all of them (`null`), so the first page of runs
 * can be asked for together with the experiment itself, before its keys are known: the key of that
 * early request is the one the table uses later. A filter or sort naming bare keys waits for the keys.
 */

import type { RunsArgs } from "../api/experiments";
import { parseFilter, parseOrder, type Keys } from "./filter";
import type { Column, ExperimentView } from "./viewState";

export interface RunsQuery {
  args: Omit<RunsArgs, "after"> | null;
  error: string | null;
}

export function runsQuery(experimentId: string, view: ExperimentView, chosen: Column[] | null, keys: Keys | null): RunsQuery {
  if (keys === null && (view.filter.trim() || view.order.trim())) return { args: null, error: null };
  const known = keys ?? { params: [], metrics: [] };
  const filter = parseFilter(view.filter, known);
  if (!filter.ok) return { args: null, error: filter.error };
  const order = parseOrder(view.order, known);
  if (!order.ok) return { args: null, error: order.error };
  const metricNames =
    chosen === null ? null : [...new Set(chosen.filter((c) => c.kind === "metric").map((c) => c.name))].sort();
  return {
    args: { experimentId, filter: filter.value, orderBy: order.value, status: view.status, metricNames },
    error: null,
  };
}

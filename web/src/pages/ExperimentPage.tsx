import { useCallback, useMemo } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useExperiment, useRuns } from "../api/experimentHooks";
import type { Experiment, RunStatus } from "../api/experimentTypes";
import { EntityLink, Loading, formatTime } from "../components/common";
import { ColumnPicker } from "../experiments/ColumnPicker";
import { RunsTable } from "../experiments/RunsTable";
import { RunsToolbar } from "../experiments/RunsToolbar";
import { orderText, parseOrder } from "../experiments/filter";
import { runsQuery } from "../experiments/runsArgs";
import { comparePath } from "../experiments/paths";
import {
  defaultColumns,
  parseView,
  rememberColumns,
  rememberedColumns,
  serializeView,
  type Column,
  type ExperimentView,
} from "../experiments/viewState";
import { isBadId } from "../experiments/missing";
import { NotFoundPage } from "./NotFoundPage";
import { PageError } from "./RefusedPage";

const MAX_COMPARE = 100;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** `/experiments/{id}?filter=&order=&status=&cols=&sel=`: the experiment's runs table. */
export function ExperimentPage() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const query = useExperiment(id);
  // The first page of runs is asked for together with the experiment when the view needs none of its keys.
  const view = parseView(params);
  useRuns(runsQuery(id, view, view.cols ?? rememberedColumns(id, storage()), null).args);
  if (query.isPending) return <Loading what="Loading experiment" />;
  if (query.isError) return isBadId(query.error) ? <NotFoundPage /> : <PageError error={query.error} what="experiments" />;
  if (!query.data) return <NotFoundPage />;
  return <ExperimentRuns experimentId={id} experiment={query.data} />;
}

function ExperimentRuns({ experimentId, experiment }: { experimentId: string; experiment: Experiment }) {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const view = parseView(params);
  const keys = { params: experiment.paramKeys, metrics: experiment.metricKeys };
  const chosen = view.cols ?? rememberedColumns(experiment.id, storage());
  const columns: Column[] = chosen ?? defaultColumns(experiment.paramKeys, experiment.metricKeys);
  const { args, error } = runsQuery(experimentId, view, chosen, keys);
  const order = parseOrder(view.order, keys);
  const runs = useRuns(args);
  const rows = useMemo(() => runs.data?.pages.flatMap((p) => p.nodes) ?? [], [runs.data]);
  const total = runs.data?.pages[0]?.totalCount ?? 0;
  const { fetchNextPage } = runs;
  const needMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  function update(next: Partial<ExperimentView>) {
    setParams(serializeView({ ...view, ...next }), { replace: true });
  }

  function chooseColumns(next: Column[]) {
    rememberColumns(experiment.id, next, storage());
    update({ cols: next });
  }

  function toggle(runId: string) {
    const sel = view.sel.includes(runId) ? view.sel.filter((s) => s !== runId) : [...view.sel, runId].slice(0, MAX_COMPARE);
    update({ sel });
  }

  return (
    <div className="exp-page" data-testid="experiment-page">
      <p className="muted"><Link to="/experiments">Experiments</Link> /</p>
      <h1>{experiment.name}</h1>
      <p className="muted">
        <EntityLink entity={experiment.entity} /> · {experiment.runCount} runs · last started {formatTime(experiment.lastRunStartedAt)}
      </p>
      <RunsToolbar
        filter={view.filter}
        order={view.order}
        status={view.status}
        error={error}
        onApply={(next) => update(next)}
        onStatus={(status: RunStatus[]) => update({ status })}
      />
      <div className="exp-actions">
        <ColumnPicker paramKeys={experiment.paramKeys} metricKeys={experiment.metricKeys} columns={columns} onChange={chooseColumns} />
        <span className="muted" data-testid="runs-count">{args && runs.isSuccess ? `${total} matching runs` : ""}</span>
        <button
          type="button"
          data-testid="compare-selected"
          disabled={view.sel.length < 2}
          onClick={() => navigate(comparePath(view.sel))}
        >
          Compare {view.sel.length} selected
        </button>
        {view.sel.length ? (
          <button type="button" onClick={() => update({ sel: [] })}>Clear selection</button>
        ) : null}
      </div>
      {runs.isError ? <PageError error={runs.error} what="runs" /> : null}
      {args && runs.isPending ? <Loading what="Loading runs" /> : null}
      {args && runs.isSuccess ? (
        <RunsTable
          columns={columns}
          rows={rows}
          total={total}
          hasMore={!!runs.hasNextPage}
          loadingMore={runs.isFetchingNextPage}
          onNeedMore={needMore}
          order={order.ok ? order.value : null}
          onSort={(column) =>
            update({
              order: orderText(
                column.kind === "param" ? { param: column.name } : { metric: column.name, aggregate: column.aggregate },
                order.ok ? order.value : null,
              ),
            })
          }
          selected={view.sel}
          onToggle={toggle}
        />
      ) : null}
    </div>
  );
}

import { useMemo } from "react";
import { useLocation, useNavigate } from "react-router";
import { useCompare, useCompareValues } from "../api/experimentHooks";
import { AGGREGATES, type Aggregate, type MetricValue } from "../api/experimentTypes";
import { Loading, Section } from "../components/common";
import { CompareCharts } from "../experiments/CompareCharts";
import { CompareTable } from "../experiments/CompareTable";
import { parseCompare, serializeCompare, type CompareView } from "../experiments/compareState";
import { PageError } from "./RefusedPage";

/** `/runs/compare?ids=a,b&diff=1&transpose=1&agg=last`: runs side by side, metrics overlaid. */
export function ComparePage() {
  const location = useLocation();
  const navigate = useNavigate();
  const view = parseCompare(location.search);
  const comparison = useCompare(view.ids);
  const values = useCompareValues(view.ids, view.agg);
  const metricValues = useMemo(() => {
    const chosen = view.agg === "LAST" ? comparison.data?.metrics : values.data;
    return new Map<string, (MetricValue | null)[]>((chosen ?? []).map((m) => [m.name, m.values]));
  }, [view.agg, comparison.data, values.data]);

  function update(next: Partial<CompareView>) {
    navigate({ search: serializeCompare({ ...view, ...next }) }, { replace: true });
  }

  if (view.ids.length === 0) {
    return (
      <div className="exp-page" data-testid="compare-page">
        <h1>Compare runs</h1>
        <p className="muted" data-testid="compare-empty">Select runs on an experiment's page to compare them.</p>
      </div>
    );
  }
  return (
    <div className="exp-page" data-testid="compare-page">
      <h1>Compare {view.ids.length} runs</h1>
      <div className="exp-toolbar" data-testid="compare-toolbar">
        <label>
          <input type="checkbox" checked={view.diff} onChange={(e) => update({ diff: e.target.checked })} data-testid="compare-diff" />
          Differences only
        </label>
        <label>
          <input type="checkbox" checked={view.transpose} onChange={(e) => update({ transpose: e.target.checked })} data-testid="compare-transpose" />
          Transpose
        </label>
        <label>
          Metric values
          <select value={view.agg} onChange={(e) => update({ agg: e.target.value as Aggregate })} data-testid="compare-agg">
            {AGGREGATES.map((a) => (
              <option key={a} value={a}>{a.toLowerCase()}</option>
            ))}
          </select>
        </label>
      </div>
      {comparison.isPending ? <Loading what="Comparing runs" /> : null}
      {comparison.isError ? <PageError error={comparison.error} what="runs" /> : null}
      {values.isError ? <PageError error={values.error} what="runs" /> : null}
      {comparison.isSuccess ? (
        <>
          <Section title="Parameters and metrics" testId="compare-params">
            <CompareTable
              comparison={comparison.data}
              metricValues={metricValues}
              aggregateLabel={view.agg.toLowerCase()}
              diffOnly={view.diff}
              transpose={view.transpose}
            />
          </Section>
          <Section title="Metrics over steps" testId="compare-metrics">
            <CompareCharts comparison={comparison.data} />
          </Section>
        </>
      ) : null}
    </div>
  );
}

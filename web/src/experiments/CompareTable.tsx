import { Link } from "react-router";
import type { Comparison100, MetricValue } from "../api/experimentTypes";
import { differs } from "./compareState";
import { runPath } from "./paths";
import { formatMetric, formatParam } from "./values";

interface Row {
  kind: "param" | "metric";
  name: string;
  cells: string[];
}

interface Props {
  comparison: Comparison100;
  /** metric values in the chosen aggregate, by metric name (one per run) */
  metricValues: Map<string, (MetricValue | null)[]>;
  aggregateLabel: string;
  diffOnly: boolean;
  transpose: boolean;
}

function rowsOf({ comparison, metricValues, aggregateLabel, diffOnly }: Props): Row[] {
  const params: Row[] = comparison.params
    .filter((p) => !diffOnly || differs(p.values))
    .map((p) => ({ kind: "param", name: p.name, cells: p.values.map(formatParam) }));
  const metrics: Row[] = comparison.metrics
    .map((m) => ({ name: m.name, values: metricValues.get(m.name) ?? m.values }))
    .filter((m) => !diffOnly || differs(m.values))
    .map((m) => ({ kind: "metric", name: `${m.name} (${aggregateLabel})`, cells: m.values.map(formatMetric) }));
  return [...params, ...metrics];
}

/**
 * Parameters and metric values side by side: one column per run (or, transposed, one row per run),
 * optionally only the rows whose values differ between the runs.
 */
export function CompareTable(props: Props) {
  const rows = rowsOf(props);
  const runs = props.comparison.runs;
  const runLink = (i: number) => <Link to={runPath(runs[i].id)}>{runs[i].name}</Link>;
  if (props.transpose) {
    return (
      <div className="exp-compare-scroll">
        <table className="exp-table exp-compare" data-testid="compare-table" data-transposed="1">
          <thead>
            <tr>
              <th>Run</th>
              {rows.map((r) => (
                <th key={`${r.kind}:${r.name}`} data-testid="compare-col" data-name={r.name} className={r.kind === "metric" ? "num" : ""}>{r.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runs.map((run, i) => (
              <tr key={run.id} data-testid="compare-run-row" data-run-id={run.id}>
                <th>{runLink(i)}</th>
                {rows.map((r) => (
                  <td key={`${r.kind}:${r.name}`} className={r.kind === "metric" ? "num" : "mono"}>{r.cells[i]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <div className="exp-compare-scroll">
      <table className="exp-table exp-compare" data-testid="compare-table" data-transposed="0">
        <thead>
          <tr>
            <th>Name</th>
            {runs.map((run, i) => (
              <th key={run.id} data-testid="compare-run-col" data-run-id={run.id}>{runLink(i)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.kind}:${r.name}`} data-testid="compare-row" data-name={r.name} data-kind={r.kind}>
              <th className="mono">{r.name}</th>
              {r.cells.map((c, i) => (
                <td key={runs[i].id} className={r.kind === "metric" ? "num" : "mono"}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p className="muted" data-testid="compare-no-rows">No differences.</p> : null}
    </div>
  );
}

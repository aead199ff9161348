import { AGGREGATES, type Aggregate } from "../api/experimentTypes";
import type { Column } from "./viewState";

interface Props {
  paramKeys: string[];
  metricKeys: string[];
  columns: Column[];
  onChange: (columns: Column[]) => void;
}

/** Which parameter and metric columns the runs table shows, and each metric column's aggregate. */
export function ColumnPicker({ paramKeys, metricKeys, columns, onChange }: Props) {
  const shownParam = (name: string) => columns.some((c) => c.kind === "param" && c.name === name);
  const metricColumn = (name: string) => columns.find((c) => c.kind === "metric" && c.name === name);

  function toggleParam(name: string) {
    onChange(shownParam(name) ? columns.filter((c) => !(c.kind === "param" && c.name === name)) : [...columns, { kind: "param", name }]);
  }

  function toggleMetric(name: string) {
    onChange(
      metricColumn(name)
        ? columns.filter((c) => !(c.kind === "metric" && c.name === name))
        : [...columns, { kind: "metric", name, aggregate: "LAST" }],
    );
  }

  function setAggregate(name: string, aggregate: Aggregate) {
    onChange(columns.map((c) => (c.kind === "metric" && c.name === name ? { ...c, aggregate } : c)));
  }

  return (
    <details className="exp-columns" data-testid="column-picker">
      <summary>Columns</summary>
      <div className="exp-columns-body">
        <div>
          <h3>Parameters</h3>
          {paramKeys.map((name) => (
            <label key={name} className="exp-column-choice">
              <input type="checkbox" checked={shownParam(name)} onChange={() => toggleParam(name)} data-testid={`pick-param-${name}`} />
              {name}
            </label>
          ))}
        </div>
        <div>
          <h3>Metrics</h3>
          {metricKeys.map((name) => {
            const column = metricColumn(name);
            return (
              <label key={name} className="exp-column-choice">
                <input type="checkbox" checked={!!column} onChange={() => toggleMetric(name)} data-testid={`pick-metric-${name}`} />
                {name}
                {column && column.kind === "metric" ? (
                  <select
                    aria-label={`${name} aggregate`}
                    data-testid={`agg-${name}`}
                    value={column.aggregate}
                    onChange={(e) => setAggregate(name, e.target.value as Aggregate)}
                  >
                    {AGGREGATES.map((a) => (
                      <option key={a} value={a}>{a.toLowerCase()}</option>
                    ))}
                  </select>
                ) : null}
              </label>
            );
          })}
        </div>
      </div>
    </details>
  );
}

import type { MetricWithPoints } from "../api/experimentTypes";
import { MetricChart } from "../charts";
import { Section } from "../components/common";
import { chartPoints, formatMetric } from "./values";

/** One chart per metric of the run, over steps, with its last/min/max. */
export function RunCharts({ runName, metrics }: { runName: string; metrics: MetricWithPoints[] }) {
  return (
    <Section title="Metrics" testId="run-metrics">
      {metrics.length === 0 ? <p className="muted">No metrics logged.</p> : null}
      <div className="exp-charts">
        {metrics.map((m) => (
          <div key={m.name}>
            <MetricChart title={m.name} yLabel={m.name} series={[{ label: runName, points: chartPoints(m.points) }]} />
            <p className="muted exp-metric-summary" data-testid="run-metric-summary">
              last {formatMetric(m.last)} · min {formatMetric(m.min)} · max {formatMetric(m.max)} · {m.count} points
              {m.count > m.points.length ? ` (shown downsampled to ${m.points.length})` : ""}
            </p>
          </div>
        ))}
      </div>
    </Section>
  );
}

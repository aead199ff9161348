/** Each monitoring metric of a deployment as a chart over steps, with its alert rules' thresholds drawn (and named below). */

import type { AlertRule, MonitoringSeries } from "../api/registryTypes";
import { MetricChart } from "../charts";
import { chartPoints, thresholdsFor } from "./logic";

export function MonitoringCharts({ series, rules, deploymentName }: { series: MonitoringSeries[]; rules: AlertRule[]; deploymentName: string }) {
  if (!series.length) return <p className="empty">No monitoring metrics logged.</p>;
  return (
    <div className="reg-charts">
      {series.map((s) => {
        const thresholds = thresholdsFor(s.name, rules);
        return (
          <div key={s.name} data-testid={`monitoring-${s.name}`}>
            <MetricChart
              title={s.name}
              testId={`monitoring-chart-${s.name}`}
              series={[{ label: deploymentName, points: chartPoints(s.points) }]}
              thresholds={thresholds}
              height={200}
            />
            <p className="muted small" data-testid="chart-thresholds">
              {thresholds.length ? `Dashed: ${thresholds.map((t) => t.label).join("; ")}` : "No alert rule on this metric."}
              {s.points.length < s.count ? ` · ${s.points.length} of ${s.count} points (downsampled)` : ""}
            </p>
          </div>
        );
      })}
    </div>
  );
}

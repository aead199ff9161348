/** Each monitoring metric of a deployment as a chart over steps, with its alert rules' thresholds drawn. */

import type { AlertRule, MonitoringSeries } from "../api/registryTypes";
import { MetricChart } from "../charts";
import { chartPoints, thresholdsFor } from "./logic";

export function MonitoringCharts({ series, rules, deploymentName }: { series: MonitoringSeries[]; rules: AlertRule[]; deploymentName: string }) {
  if (!series.length) return <p className="empty">No monitoring metrics logged.</p>;
  return (
    <div className="reg-charts">
      {series.map((s) => (
        <MetricChart
          key={s.name}
          title={s.name}
          testId={`monitoring-chart-${s.name}`}
          series={[{ label: deploymentName, points: chartPoints(s.points) }]}
          thresholds={thresholdsFor(s.name, rules)}
          height={200}
        />
      ))}
    </div>
  );
}

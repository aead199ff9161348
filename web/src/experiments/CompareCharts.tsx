import { useMemo } from "react";
import type { Comparison100 } from "../api/experimentTypes";
import { MetricChart, type ChartSeries } from "../charts";
import { chartPoints } from "./values";

/** One chart per metric, every compared run overlaid (points downsampled by the server). */
export function CompareCharts({ comparison }: { comparison: Comparison100 }) {
  const charts = useMemo(
    () =>
      comparison.metrics.map((metric) => ({
        name: metric.name,
        series: metric.series.flatMap((series, i): ChartSeries[] =>
          series ? [{ label: comparison.runs[i].name, points: chartPoints(series.points) }] : [],
        ),
      })),
    [comparison],
  );
  return (
    <div className="exp-charts" data-testid="compare-charts">
      {charts.map((chart) => (
        <MetricChart key={chart.name} title={chart.name} yLabel={chart.name} series={chart.series} />
      ))}
    </div>
  );
}

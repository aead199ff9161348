/** The shared chart component's public types (used by experiments and the registry's monitoring charts). */

export interface ChartPoint {
  /** x value: a step, or seconds since the epoch when the chart's xKind is "time" */
  step: number;
  value: number | null;
}

export interface ChartSeries {
  label: string;
  points: ChartPoint[];
  /** CSS colour; defaults to the palette entry for the series' position */
  color?: string;
}

export interface ChartThreshold {
  value: number;
  label: string;
  color?: string;
}

export interface MetricChartProps {
  /** heading above the chart; also names the exported PNG */
  title: string;
  series: ChartSeries[];
  /** horizontal lines (e.g. alert rule thresholds); the y range always includes them */
  thresholds?: ChartThreshold[];
  /** x axis label, default "step" (or "time" when xKind is "time") */
  xLabel?: string;
  /** y axis label, default the title */
  yLabel?: string;
  /** appended to the axis label in parentheses and to tooltip values, e.g. "ms" or "%" */
  xUnit?: string;
  yUnit?: string;
  /** "step" (default): x is a number; "time": x is epoch seconds, shown as dates */
  xKind?: "step" | "time";
  /** plot height in CSS pixels, default 240 */
  height?: number;
  /** data-testid of the chart's figure, default "metric-chart" */
  testId?: string;
}

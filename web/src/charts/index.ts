/** The shared chart component (uPlot): import from "../charts". */
export { MetricChart } from "./MetricChart";
export type { ChartPoint, ChartSeries, ChartThreshold, MetricChartProps } from "./types";

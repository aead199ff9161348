/** uPlot options for a MetricChart: axes with labels and units, one series per run, thresholds in range. */

import type uPlot from "uplot";
import { yRange } from "./align";
import { axisLabel, formatValue, formatX } from "./format";
import { thresholdsPlugin } from "./thresholdsPlugin";
import { tooltipPlugin } from "./tooltipPlugin";
import type { ChartSeries, ChartThreshold } from "./types";

export interface OptionsInput {
  width: number;
  height: number;
  series: ChartSeries[];
  colors: string[];
  thresholds: ChartThreshold[];
  xKind: "step" | "time";
  xLabel: string;
  yLabel: string;
  xUnit?: string;
  yUnit?: string;
}

export function chartOptions(input: OptionsInput): uPlot.Options {
  const thresholdValues = input.thresholds.map((t) => t.value);
  return {
    width: input.width,
    height: input.height,
    scales: {
      x: { time: input.xKind === "time" },
      y: { range: (_u, min, max) => yRange(min, max, thresholdValues) },
    },
    axes: [
      { label: axisLabel(input.xLabel, input.xUnit), labelSize: 20 },
      {
        label: axisLabel(input.yLabel, input.yUnit),
        labelSize: 20,
        size: 60,
        values: (_u, splits) => splits.map((v) => formatValue(v)),
      },
    ],
    series: [
      { label: input.xLabel, value: (_u, v) => (v === null ? "–" : formatX(v, input.xKind)) },
      ...input.series.map((one, i) => ({
        label: one.label,
        stroke: input.colors[i],
        width: 1.5,
        spanGaps: true,
        points: { show: one.points.length <= 60 },
        value: (_u: uPlot, v: number | null) => formatValue(v, input.yUnit),
      })),
    ],
    cursor: { points: { size: 6 }, focus: { prox: 16 } },
    focus: { alpha: 0.3 },
    legend: { live: true },
    plugins: [
      thresholdsPlugin(input.thresholds),
      tooltipPlugin({ xKind: input.xKind, xLabel: input.xLabel, yUnit: input.yUnit, colors: input.colors }),
    ],
  };
}

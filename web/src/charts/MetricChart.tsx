/**
 * The console's chart for metrics over steps (or time): uPlot on a canvas, made for long series and many
 * overlaid runs. Axes carry labels and units, the cursor shows a tooltip and live legend values, each
 * series has a legend entry (click to hide), thresholds are dashed lines, and "Export PNG" downloads it.
 */

import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { alignSeries } from "./align";
import { chartOptions } from "./chartOptions";
import { downloadPng } from "./exportPng";
import { seriesColor } from "./palette";
import type { MetricChartProps } from "./types";

const FALLBACK_WIDTH = 600;

export function MetricChart({
  title,
  series,
  thresholds = [],
  xLabel,
  yLabel,
  xUnit,
  yUnit,
  xKind = "step",
  height = 240,
  testId = "metric-chart",
}: MetricChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(0);
  const colors = useMemo(() => series.map((one, i) => seriesColor(i, one.color)), [series]);
  const data = useMemo(() => alignSeries(series), [series]);
  const pointCount = useMemo(() => series.reduce((sum, one) => sum + one.points.length, 0), [series]);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const observer = new ResizeObserver((entries) => {
      const next = Math.floor(entries[0].contentRect.width);
      if (next > 0) setWidth(next);
    });
    observer.observe(element);
    setWidth(Math.floor(element.clientWidth) || FALLBACK_WIDTH);
    return () => observer.disconnect();
  }, []);

  // Rebuild the plot when its data or options change; width changes only resize it (below).
  useEffect(() => {
    const element = holder.current;
    if (!element || width === 0) return;
    const options = chartOptions({
      width,
      height,
      series,
      colors,
      thresholds,
      xKind,
      xLabel: xLabel ?? (xKind === "time" ? "time" : "step"),
      yLabel: yLabel ?? title,
      xUnit,
      yUnit,
    });
    const created = new uPlot(options, data as uPlot.AlignedData, element);
    plot.current = created;
    return () => {
      created.destroy();
      plot.current = null;
    };
    // width is left out on purpose: a resize only calls setSize (below), it does not rebuild the plot
  }, [data, colors, thresholds, xKind, xLabel, yLabel, xUnit, yUnit, height, title, series]);

  useEffect(() => {
    if (plot.current && width > 0) plot.current.setSize({ width, height });
  }, [width, height]);

  return (
    <figure className="chart" data-testid={testId} data-series={series.length} data-points={pointCount}>
      <figcaption className="chart-head">
        <span className="chart-title">{title}</span>
        <button
          type="button"
          className="chart-export"
          data-testid="chart-export-png"
          onClick={() => plot.current && downloadPng(plot.current, title, colors)}
        >
          Export PNG
        </button>
      </figcaption>
      {pointCount === 0 ? <p className="muted" data-testid="chart-empty">No points logged.</p> : null}
      <div ref={holder} className="chart-plot" role="img" aria-label={`${title} chart`} hidden={pointCount === 0} />
    </figure>
  );
}

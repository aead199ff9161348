/**
 * uPlot wants one shared x array with a y array per series (nulls where a series has no point). Series
 * from different runs log different steps, so the x array is the union of their steps. With many series
 * of ~1000 downsampled points each the union can reach 100,000 steps x 100 series; past `maxColumns`
 * the union is thinned to evenly spaced grid steps and each point goes to the grid step at or before it
 * (the grid keeps the first and last step), so the chart stays fast whatever the server sends.
 */

import type { ChartSeries } from "./types";

export type Aligned = [number[], ...(number | null)[][]];

export const DEFAULT_MAX_COLUMNS = 20_000;

function unionOfSteps(series: ChartSeries[]): number[] {
  const steps = new Set<number>();
  for (const one of series) for (const point of one.points) steps.add(point.step);
  return [...steps].sort((a, b) => a - b);
}

function thin(steps: number[], maxColumns: number): number[] {
  if (steps.length <= maxColumns) return steps;
  const grid: number[] = [];
  const stride = (steps.length - 1) / (maxColumns - 1);
  for (let i = 0; i < maxColumns; i++) grid.push(steps[Math.round(i * stride)]);
  return grid;
}

/** index of the last grid value <= step (grid sorted ascending, step >= grid[0]) */
function floorIndex(grid: number[], step: number): number {
  let low = 0;
  let high = grid.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (grid[middle] <= step) low = middle;
    else high = middle - 1;
  }
  return low;
}

export function alignSeries(series: ChartSeries[], maxColumns = DEFAULT_MAX_COLUMNS): Aligned {
  const xs = thin(unionOfSteps(series), Math.max(2, maxColumns));
  const columns = series.map((one) => {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    for (const point of one.points) {
      if (point.value === null || !Number.isFinite(point.value)) continue;
      ys[floorIndex(xs, point.step)] = point.value;
    }
    return ys;
  });
  return [xs, ...columns];
}

/** y range covering the data and every threshold, padded so lines at the edge stay visible */
export function yRange(
  dataMin: number | null,
  dataMax: number | null,
  thresholds: number[],
): [number, number] {
  const values = [...thresholds];
  if (dataMin !== null && Number.isFinite(dataMin)) values.push(dataMin);
  if (dataMax !== null && Number.isFinite(dataMax)) values.push(dataMax);
  if (values.length === 0) return [0, 1];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = high === low ? Math.abs(high) * 0.1 || 1 : (high - low) * 0.05;
  return [low - pad, high + pad];
}

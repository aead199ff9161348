/** Series colours: distinguishable on white, cycled when there are more series than colours. */

const PALETTE = [
  "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
  "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
];

export function seriesColor(index: number, override?: string): string {
  return override ?? PALETTE[index % PALETTE.length];
}

export const THRESHOLD_COLOR = "#b00020";

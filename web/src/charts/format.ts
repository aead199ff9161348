/** Number and axis-label formatting shared by the chart, its tooltip and its PNG export. */

export function axisLabel(label: string, unit?: string): string {
  return unit ? `${label} (${unit})` : label;
}

export function formatValue(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const magnitude = Math.abs(value);
  const text =
    magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)
      ? value.toExponential(3)
      : Number(value.toPrecision(5)).toString();
  return unit ? `${text} ${unit}` : text;
}

export function formatX(x: number, kind: "step" | "time"): string {
  return kind === "time" ? new Date(x * 1000).toISOString().replace("T", " ").slice(0, 19) : String(x);
}

export function pngFileName(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9_]+/g, "-").replace(/^-|-$/g, "");
  return `${slug || "chart"}.png`;
}

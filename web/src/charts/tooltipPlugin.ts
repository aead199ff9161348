/**
 * A uPlot plugin showing a tooltip at the cursor: the x value and each series' value there (the series
 * nearest the cursor's value first, at most MAX_ROWS, so 100 overlaid runs stay readable). Built with DOM
 * calls only (textContent, no innerHTML), positioned with inline styles (the CSP allows those).
 */

import type uPlot from "uplot";
import { formatValue, formatX } from "./format";

const MAX_ROWS = 8;

function row(color: string, label: string, value: string): HTMLDivElement {
  const line = document.createElement("div");
  line.className = "chart-tooltip-row";
  const swatch = document.createElement("span");
  swatch.className = "chart-swatch";
  swatch.style.background = color;
  const text = document.createElement("span");
  text.textContent = `${label}: ${value}`;
  line.append(swatch, text);
  return line;
}

export function tooltipPlugin(opts: { xKind: "step" | "time"; xLabel: string; yUnit?: string; colors: string[] }): uPlot.Plugin {
  let tip: HTMLDivElement | null = null;
  return {
    hooks: {
      init: (u: uPlot) => {
        tip = document.createElement("div");
        tip.className = "chart-tooltip";
        tip.setAttribute("data-testid", "chart-tooltip");
        tip.style.display = "none";
        u.over.appendChild(tip);
        u.over.addEventListener("mouseleave", () => {
          if (tip) tip.style.display = "none";
        });
      },
      setCursor: (u: uPlot) => {
        if (!tip) return;
        const { idx, left, top } = u.cursor;
        if (idx === null || idx === undefined || left === undefined || left < 0) {
          tip.style.display = "none";
          return;
        }
        const cursorValue = top !== undefined && top >= 0 ? u.posToVal(top, "y") : 0;
        const rows: { distance: number; node: HTMLDivElement }[] = [];
        for (let s = 1; s < u.series.length; s++) {
          const value = u.data[s][idx];
          if (value === null || value === undefined || u.series[s].show === false) continue;
          const label = String(u.series[s].label ?? `series ${s}`);
          rows.push({ distance: Math.abs(value - cursorValue), node: row(opts.colors[s - 1], label, formatValue(value, opts.yUnit)) });
        }
        if (rows.length === 0) {
          tip.style.display = "none";
          return;
        }
        rows.sort((a, b) => a.distance - b.distance);
        const head = document.createElement("div");
        head.className = "chart-tooltip-head";
        head.textContent = `${opts.xLabel} ${formatX(u.data[0][idx], opts.xKind)}`;
        const shown = rows.slice(0, MAX_ROWS).map((r) => r.node);
        const more = rows.length > MAX_ROWS ? [row("transparent", `+${rows.length - MAX_ROWS} more`, "")] : [];
        tip.replaceChildren(head, ...shown, ...more);
        tip.style.display = "block";
        const flip = left > u.over.clientWidth / 2;
        tip.style.left = flip ? "" : `${left + 12}px`;
        tip.style.right = flip ? `${u.over.clientWidth - left + 12}px` : "";
        tip.style.top = `${Math.max(0, (top ?? 0) - 10)}px`;
      },
    },
  };
}

/**
 * Export a chart as PNG: uPlot draws axes, series and thresholds on one canvas; this copies it onto a
 * white canvas with the title above and the legend (swatch + label per series) below, then downloads it
 * through a blob: URL (allowed by the CSP's img-src; no data: URL, no server round trip).
 */

import type uPlot from "uplot";
import { pngFileName } from "./format";

const LEGEND_ROW = 18;

export function composeCanvas(u: uPlot, title: string, colors: string[]): HTMLCanvasElement {
  const source = u.ctx.canvas;
  const ratio = devicePixelRatio;
  const labels = u.series.slice(1).map((s) => String(s.label ?? ""));
  const perRow = Math.max(1, Math.floor(source.width / (180 * ratio)));
  const legendRows = Math.ceil(labels.length / perRow);
  const titleHeight = 28 * ratio;
  const canvas = document.createElement("canvas");
  canvas.width = source.width;
  canvas.height = titleHeight + source.height + (legendRows * LEGEND_ROW + 8) * ratio;
  const ctx = canvas.getContext("2d");
  if (!ctx) return canvas;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#222222";
  ctx.font = `bold ${14 * ratio}px sans-serif`;
  ctx.textBaseline = "middle";
  ctx.fillText(title, 8 * ratio, titleHeight / 2);
  ctx.drawImage(source, 0, titleHeight);
  ctx.font = `${12 * ratio}px sans-serif`;
  labels.forEach((label, i) => {
    const x = (i % perRow) * 180 * ratio + 8 * ratio;
    const y = titleHeight + source.height + (Math.floor(i / perRow) * LEGEND_ROW + 12) * ratio;
    ctx.fillStyle = colors[i];
    ctx.fillRect(x, y - 5 * ratio, 10 * ratio, 10 * ratio);
    ctx.fillStyle = "#222222";
    ctx.fillText(label.length > 24 ? `${label.slice(0, 23)}…` : label, x + 14 * ratio, y);
  });
  return canvas;
}

export function downloadPng(u: uPlot, title: string, colors: string[]): void {
  composeCanvas(u, title, colors).toBlob((blob) => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = pngFileName(title);
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }, "image/png");
}

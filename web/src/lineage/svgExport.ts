/**
 * The view as a standalone SVG, drawn from the explorer's own node positions and edges (not a DOM
 * snapshot, so edges are always included and nothing depends on what is rendered on screen), and as a
 * PNG by drawing that SVG onto a canvas.
 */

import { typeLabel } from "../api/types";
import { NODE_HEIGHT, NODE_WIDTH, type Position } from "./columns";

export interface ExportNode {
  id: string;
  type: string;
  label: string;
  restricted: boolean;
  position: Position;
}

export interface ExportEdge {
  source: string;
  target: string;
  blocked: string[];
}

const PAD = 40;

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function buildSvg(nodes: readonly ExportNode[], edges: readonly ExportEdge[]): string {
  if (!nodes.length) return '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>';
  const xs = nodes.map((n) => n.position.x);
  const ys = nodes.map((n) => n.position.y);
  const minX = Math.min(...xs) - PAD;
  const minY = Math.min(...ys) - PAD;
  const width = Math.max(...xs) + NODE_WIDTH + PAD - minX;
  const height = Math.max(...ys) + NODE_HEIGHT + PAD - minY;
  const at = new Map(nodes.map((n) => [n.id, n.position]));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${minX} ${minY} ${width} ${height}" font-family="Inter, Segoe UI, Helvetica, Arial, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a94a6"/></marker>',
    '<pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#f1f3f6"/><line x1="0" y1="0" x2="0" y2="8" stroke="#c5cbd5" stroke-width="3"/></pattern></defs>',
    `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (const e of edges) {
    const s = at.get(e.source);
    const t = at.get(e.target);
    if (!s || !t) continue;
    const x1 = s.x + NODE_WIDTH;
    const y1 = s.y + NODE_HEIGHT / 2;
    const x2 = t.x;
    const y2 = t.y + NODE_HEIGHT / 2;
    const mx = (x1 + x2) / 2;
    const stroke = e.blocked.length ? "#c2410c" : "#8a94a6";
    parts.push(
      `<path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" fill="none" stroke="${stroke}" stroke-width="1.5" marker-end="url(#arrow)"/>`,
    );
    if (e.blocked.length) {
      parts.push(
        `<text x="${mx}" y="${(y1 + y2) / 2 - 4}" font-size="11" text-anchor="middle" fill="#c2410c">⊘ ${escapeXml(e.blocked.join(", "))}</text>`,
      );
    }
  }
  for (const n of nodes) {
    const { x, y } = n.position;
    const fill = n.restricted ? "url(#hatch)" : "#ffffff";
    parts.push(
      `<g><rect x="${x}" y="${y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="8" fill="${fill}" stroke="#b7c0ce"/>`,
      `<text x="${x + 12}" y="${y + 20}" font-size="11" fill="#5b6577">${escapeXml(typeLabel(n.type))}</text>`,
      `<text x="${x + 12}" y="${y + 40}" font-size="14" font-weight="600" fill="#1c2333">${escapeXml(truncate(n.label, 26))}</text></g>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** Draws the SVG onto a canvas and returns a PNG blob. */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.decoding = "async";
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    const maxSide = 16000;
    const factor = Math.min(scale, maxSide / image.width, maxSide / image.height);
    canvas.width = Math.max(1, Math.round(image.width * factor));
    canvas.height = Math.max(1, Math.round(image.height * factor));
    const context = canvas.getContext("2d")!;
    context.scale(factor, factor);
    context.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("The PNG could not be drawn"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The explorer's three exports: nodes as CSV, the drawing as SVG and PNG (from its own positions). */

import type { Position } from "./columns";
import { downloadBlob, downloadText, toCsv } from "./csv";
import type { Graph, GraphEdge } from "./graph";
import { buildSvg, svgToPng } from "./svgExport";

export function nodesCsv(graph: Graph, visible: ReadonlySet<string>): string {
  const rows = [...visible].map((id) => {
    const n = graph.nodes.get(id)!;
    const e = n.entity;
    return [
      n.restricted ? "" : n.id,
      n.type,
      e?.name ?? "",
      e?.qualifiedName ?? "",
      n.column === 0 ? "root" : n.column < 0 ? "upstream" : "downstream",
      Math.abs(n.column),
      e?.owners ?? [],
      e ? [...new Set(e.classifications.map((c) => c.name))] : [],
      n.restricted,
    ];
  });
  return toCsv(["id", "type", "name", "qualifiedName", "side", "distance", "owners", "classifications", "restricted"], rows);
}

export function viewSvg(graph: Graph, visible: ReadonlySet<string>, edges: readonly GraphEdge[], positions: Map<string, Position>): string {
  const nodes = [...visible]
    .filter((id) => positions.has(id))
    .map((id) => {
      const n = graph.nodes.get(id)!;
      return { id, type: n.type, label: n.restricted ? "Restricted" : (n.entity?.name ?? ""), restricted: n.restricted, position: positions.get(id)! };
    });
  return buildSvg(nodes, edges.map((e) => ({ source: e.source, target: e.target, blocked: e.blockedClassifications })));
}

export function exportCsv(name: string, graph: Graph, visible: ReadonlySet<string>): void {
  downloadText(`${name}.csv`, nodesCsv(graph, visible), "text/csv;charset=utf-8");
}

export function exportSvg(name: string, svg: string): void {
  downloadText(`${name}.svg`, svg, "image/svg+xml");
}

export async function exportPng(name: string, svg: string): Promise<void> {
  downloadBlob(`${name}.png`, await svgToPng(svg));
}

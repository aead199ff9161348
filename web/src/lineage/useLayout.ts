/**
 * Positions for the visible graph: ELK in the worker for small views, columns from the distances for
 * big ones (layoutChoice.ts). A newer request supersedes an older one still in the worker; if ELK
 * fails the columns are used, so a view is never left without positions.
 */

import { useEffect, useState } from "react";
import { columnLayout, type LayoutEdge, type Position, type SizedNode } from "./columns";
import { elkLayout } from "./elkLayout";
import { chooseLayout, type LayoutKind } from "./layoutChoice";

export interface LayoutState {
  positions: Map<string, Position>;
  kind: LayoutKind;
  /** The positions belong to the current nodes and edges. */
  ready: boolean;
}

export function useLayout(nodes: readonly SizedNode[], edges: readonly LayoutEdge[], signature: string): LayoutState {
  const [state, setState] = useState<LayoutState & { signature: string }>({
    positions: new Map(),
    kind: "elk",
    ready: false,
    signature: "",
  });

  useEffect(() => {
    if (!nodes.length) return;
    const kind = chooseLayout(nodes.length);
    if (kind === "columns") {
      setState({ positions: columnLayout(nodes, edges), kind, ready: true, signature });
      return;
    }
    let current = true;
    setState((s) => ({ ...s, ready: false }));
    elkLayout(
      nodes.map((n) => n.id),
      edges,
    )
      .then((positions) => current && setState({ positions, kind: "elk", ready: true, signature }))
      .catch(() => current && setState({ positions: columnLayout(nodes, edges), kind: "columns", ready: true, signature }));
    return () => {
      current = false;
    };
    // The signature stands for the nodes and edges (their ids): re-layout only when they change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);

  return { positions: state.positions, kind: state.kind, ready: state.ready && state.signature === signature };
}

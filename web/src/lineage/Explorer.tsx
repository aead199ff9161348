/**
 * The lineage explorer: the graph state (graph.ts), its layout (useLayout), React Flow drawing only
 * what is on screen, and the panels around it. All data comes through api/queries.
 */

import { useQueryClient } from "@tanstack/react-query";
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type EdgeTypes,
  type NodeHandle,
  type NodeTypes,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { readableError } from "../api/errors";
import { lineage, type LineageArgs } from "../api/queries";
import type { ClassificationAssignment, Entity, Lineage } from "../api/types";
import { EdgePanel } from "./EdgePanel";
import { EntityNode, type EntityFlowNode, type SideState } from "./EntityNode";
import { ExplorerContext, type ExplorerActions } from "./ExplorerContext";
import { exportCsv, exportPng, exportSvg, viewSvg } from "./exportView";
import {
  addPath,
  emptyGraph,
  expansionKey,
  mergeAnswer,
  pathEdgeKeys,
  replayLoads,
  restrictedCount,
  visibleEdges,
  visibleNodeIds,
  withEdge,
  type Graph,
  type Load,
} from "./graph";
import { NODE_HEIGHT, NODE_WIDTH } from "./columns";
import { ELK_MAX_NODES, nodesToFit } from "./layoutChoice";
import { firstViewport } from "./viewport";
import { LineageEdgeView, type LineageFlowEdge } from "./LineageEdgeView";
import { PathFinder, usePath } from "./PathFinder";
import { useLayout } from "./useLayout";
import type { LineageView } from "./urlState";

const nodeTypes: NodeTypes = { entity: EntityNode };
const NODE_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT };
// Where EntityNode's two handles sit (styles.css: 8 px, centred on the left and right edges).
const HANDLE = 8;
const NODE_HANDLES: NodeHandle[] = [
  { type: "target", position: Position.Left, x: -HANDLE / 2, y: (NODE_HEIGHT - HANDLE) / 2, width: HANDLE, height: HANDLE },
  { type: "source", position: Position.Right, x: NODE_WIDTH - HANDLE / 2, y: (NODE_HEIGHT - HANDLE) / 2, width: HANDLE, height: HANDLE },
];
const edgeTypes: EdgeTypes = { lineage: LineageEdgeView };

export interface ExplorerProps {
  root: Entity;
  view: LineageView;
  first: Lineage;
  canClassify: boolean;
  onPathTo(id: string | null): void;
  /** Something changed on the server that the root reflects (propagation): read the root again. */
  onStale(): void;
}

export function Explorer(props: ExplorerProps) {
  return (
    <ReactFlowProvider>
      <ExplorerInner {...props} />
    </ReactFlowProvider>
  );
}

function ExplorerInner({ root, view, first, canClassify, onPathTo, onStale }: ExplorerProps) {
  const client = useQueryClient();
  const flow = useReactFlow();
  const [graph, setGraph] = useState<Graph>(() => mergeAnswer(emptyGraph(root.id), first, root.id, view.direction, view.depth));
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [loading, setLoading] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [hovered, setHovered] = useState<ClassificationAssignment | null>(null);
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);
  const path = usePath(root.id, view.pathTo, setGraph);
  // Every lineage read the graph is made of, in order, to read them all again after a change.
  const loads = useRef<Load[]>([{ startId: root.id, direction: view.direction, depth: view.depth }]);

  const visible = useMemo(() => visibleNodeIds(graph, collapsed), [graph, collapsed]);
  const edges = useMemo(() => visibleEdges(graph, visible), [graph, visible]);
  const layoutNodes = useMemo(() => [...visible].map((id) => ({ id, column: graph.nodes.get(id)!.column })), [graph, visible]);
  const signature = useMemo(() => `${[...visible].sort().join("|")}#${edges.map((e) => e.key).sort().join("|")}`, [visible, edges]);
  const layout = useLayout(layoutNodes, edges, signature);

  // The node last expanded or collapsed: the next layout keeps it in view (centred, same zoom).
  const anchor = useRef<string | null>(null);

  const toggle = useCallback(
    async (nodeId: string, direction: "UPSTREAM" | "DOWNSTREAM") => {
      const key = expansionKey(nodeId, direction);
      anchor.current = nodeId;
      if (collapsed.has(key)) {
        setCollapsed((c) => new Set([...c].filter((k) => k !== key)));
        return;
      }
      if (graph.expanded.has(key)) {
        setCollapsed((c) => new Set([...c, key]));
        return;
      }
      setLoading((l) => new Set([...l, key]));
      setError(null);
      try {
        const args: LineageArgs = { id: nodeId, direction, depth: 1, types: view.types, asOf: view.asOf };
        const answer = await client.fetchQuery({ queryKey: ["lineage", args], queryFn: () => lineage(args) });
        loads.current.push({ startId: nodeId, direction, depth: 1 });
        setGraph((g) => mergeAnswer(g, answer, nodeId, direction));
      } catch (e) {
        setError(readableError(e));
      } finally {
        setLoading((l) => new Set([...l].filter((k) => k !== key)));
      }
    },
    [client, collapsed, graph.expanded, view.types, view.asOf],
  );

  // Propagation moved (a block or unblock): what each drawn entity carries may have changed, and with
  // it what this principal may see. Every load is read again and the graph rebuilt from the answers,
  // so a placeholder that became readable is drawn as its entity (and the other way round), in place.
  const reread = useCallback(async () => {
    const current = [...loads.current];
    try {
      const answers = await Promise.all(
        current.map((l) => {
          const args: LineageArgs = { id: l.startId, direction: l.direction, depth: l.depth, types: view.types, asOf: view.asOf };
          return client.fetchQuery({ queryKey: ["lineage", args], queryFn: () => lineage(args), staleTime: 0 });
        }),
      );
      const rebuilt = replayLoads(root.id, current, answers);
      const found = path.found;
      setGraph(found ? addPath(rebuilt, found.path, found.entities, found.rootIsFirst) : rebuilt);
    } catch (e) {
      setError(readableError(e));
    }
  }, [client, root.id, view.types, view.asOf, path.found]);

  const navigate = useNavigate();
  const actionsRef = useRef<ExplorerActions>({ toggle, highlight: setHovered, open: navigate });
  actionsRef.current = { toggle, highlight: setHovered, open: navigate };
  const actions = useMemo<ExplorerActions>(
    () => ({
      toggle: (id, d) => actionsRef.current.toggle(id, d),
      highlight: (a) => actionsRef.current.highlight(a),
      open: (path) => actionsRef.current.open(path),
    }),
    [],
  );

  const highlightIds = useMemo(() => new Set(hovered ? hovered.path : (path.ids ?? [])), [hovered, path.ids]);
  const highlightEdges = useMemo(() => pathEdgeKeys(graph, [...(hovered ? hovered.path : (path.ids ?? []))]), [graph, hovered, path.ids]);

  const sideState = useCallback(
    (id: string, d: "UPSTREAM" | "DOWNSTREAM"): SideState => {
      const key = expansionKey(id, d);
      if (loading.has(key)) return "loading";
      return graph.expanded.has(key) && !collapsed.has(key) ? "collapse" : "expand";
    },
    [graph.expanded, collapsed, loading],
  );

  const flowNodes = useMemo<EntityFlowNode[]>(() => {
    if (!layout.ready) return [];
    return [...visible].map((id) => {
      const n = graph.nodes.get(id)!;
      return {
        id,
        type: "entity",
        position: layout.positions.get(id) ?? { x: 0, y: 0 },
        // Known sizes and handles: React Flow draws a node it has not measured whatever the viewport
        // (to measure it), so without these the first frame would draw every node, on screen or not.
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        measured: NODE_SIZE,
        handles: NODE_HANDLES,
        draggable: false,
        connectable: false,
        data: {
          id,
          type: n.type,
          entity: n.entity,
          restricted: n.restricted,
          root: id === root.id,
          highlighted: highlightIds.has(id),
          upstream: sideState(id, "UPSTREAM"),
          downstream: sideState(id, "DOWNSTREAM"),
        },
      };
    });
  }, [layout, visible, graph, root.id, highlightIds, sideState]);

  const flowEdges = useMemo<LineageFlowEdge[]>(
    () =>
      layout.ready
        ? edges.map((e) => ({
            id: e.key,
            source: e.source,
            target: e.target,
            type: "lineage",
            selected: e.key === selectedEdge,
            markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
            data: { blocked: e.blockedClassifications, highlighted: highlightEdges.has(e.key), edgeType: e.type },
          }))
        : [],
    [layout.ready, edges, selectedEdge, highlightEdges],
  );

  // Fit the first view (and each new layout kind) on the root's neighbourhood, never on more than
  // FIT_MAX_NODES nodes: fitting thousands would put them all in the DOM at once.
  // Marks for bench/ui.py and the browser's performance panel: answer -> laid out -> drawn.
  useEffect(() => {
    if (!layout.ready) return;
    performance.mark("lineage:laid-out");
    requestAnimationFrame(() => performance.mark("lineage:drawn"));
  }, [layout.ready]);

  const fitted = useRef("");
  const canvas = useRef<HTMLDivElement>(null);
  // While the view moves, the canvas says so with a class (set on the element itself, so panning
  // renders nothing in React): the CSS then gives the moving layer to the compositor and takes the
  // nodes out of hit testing, so a frame of a pan is a layer moved, not a repaint (styles.css). Set
  // on the first move, not on the press: a click on an edge must still land on the edge.
  const onMove = useCallback(() => canvas.current?.classList.add("is-moving"), []);
  const onMoveEnd = useCallback(() => canvas.current?.classList.remove("is-moving"), []);
  // Set before the nodes are first drawn (a layout effect, from positions alone, not fitView, which
  // needs them measured): drawing them at the default viewport first and then moving would render
  // two different sets of on-screen nodes, the first thrown away.
  useLayoutEffect(() => {
    if (!layout.ready || !flowNodes.length || fitted.current === layout.kind) return;
    const box = canvas.current?.getBoundingClientRect();
    if (!box) return;
    fitted.current = layout.kind;
    flow.setViewport(firstViewport(layout.positions, nodesToFit(layoutNodes, root.id), layoutNodes.length, root.id, box));
  }, [layout.ready, layout.kind, layout.positions, flowNodes.length, layoutNodes, root.id, flow]);

  useEffect(() => {
    const id = anchor.current;
    const at = id ? layout.positions.get(id) : undefined;
    if (!layout.ready || !at) return;
    anchor.current = null;
    const { zoom } = flow.getViewport();
    requestAnimationFrame(() => flow.setCenter(at.x + NODE_WIDTH / 2, at.y + NODE_HEIGHT / 2, { zoom, duration: 200 }));
  }, [layout.ready, layout.positions, flow]);

  // A found path is brought into view once it is laid out (its far end may lie off screen).
  const shownPath = useRef("");
  useEffect(() => {
    const ids = path.ids?.filter((id) => visible.has(id)) ?? [];
    const key = ids.join(",");
    if (!layout.ready || ids.length < 2 || shownPath.current === key || !ids.every((id) => layout.positions.has(id))) return;
    shownPath.current = key;
    requestAnimationFrame(() => flow.fitView({ nodes: ids.map((id) => ({ id })), padding: 0.2, maxZoom: 1.1, duration: 300 }));
  }, [path.ids, visible, layout.ready, layout.positions, flow]);

  const hidden = restrictedCount(graph, visible);
  const name = `lineage-${root.id}`;
  const edge = selectedEdge ? graph.edges.get(selectedEdge) : undefined;

  return (
    <ExplorerContext.Provider value={actions}>
      <div className="explorer">
        <div className="explorer-banners">
          {graph.truncated && (
            <div className="banner banner-info" role="status" data-testid="lineage-truncated">
              Showing {graph.nodes.size} entities: the answer was truncated, more are within reach. Narrow the depth or the types.
            </div>
          )}
          {hidden > 0 && (
            <div className="banner banner-muted" role="status" data-testid="lineage-hidden-count">
              {hidden} restricted {hidden === 1 ? "entity" : "entities"} hidden: drawn as hatched placeholders with their type only.
            </div>
          )}
          {error && (
            <div className="banner banner-error" role="alert" data-testid="action-error">
              {error}
            </div>
          )}
        </div>
        <div className="explorer-body">
          <div
            className="explorer-canvas"
            ref={canvas}
            data-testid="lineage-explorer"
            data-state={layout.ready ? "ready" : "loading"}
            data-layout={layout.kind}
            data-node-count={visible.size}
            data-restricted-count={hidden}
          >
            {!layout.ready && <div className="canvas-overlay">Laying out {visible.size} entities…</div>}
            <ReactFlow
              nodes={flowNodes}
              edges={flowEdges}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              onlyRenderVisibleElements
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable
              minZoom={0.05}
              maxZoom={2}
              onEdgeClick={(_, e) => setSelectedEdge(e.id)}
              onPaneClick={() => setSelectedEdge(null)}
              onMove={onMove}
              onMoveEnd={onMoveEnd}
              proOptions={{ hideAttribution: true }}
            >
              {/* The dotted background is redrawn over the whole pane on every frame of a pan: small views only. */}
              {visible.size <= ELK_MAX_NODES && <Background gap={24} size={1} />}
              <Controls showInteractive={false} />
              {visible.size <= 1000 && <MiniMap pannable zoomable nodeColor={(n) => (n.data?.restricted ? "#cfd5de" : "#a9bcf0")} />}
            </ReactFlow>
          </div>
          <aside className="explorer-side">
            <div className="side-block">
              <h3>Export</h3>
              <div className="button-row">
                <button type="button" className="button button-small" data-testid="export-svg" disabled={!layout.ready} onClick={() => exportSvg(name, viewSvg(graph, visible, edges, layout.positions))}>
                  Export SVG
                </button>
                <button
                  type="button"
                  className="button button-small"
                  data-testid="export-png"
                  disabled={!layout.ready}
                  onClick={() => exportPng(name, viewSvg(graph, visible, edges, layout.positions)).catch((e) => setError(readableError(e)))}
                >
                  Export PNG
                </button>
                <button type="button" className="button button-small" data-testid="export-csv" onClick={() => exportCsv(name, graph, visible)}>
                  Export CSV
                </button>
              </div>
            </div>
            <RootBadges root={root} onHover={setHovered} />
            <PathFinder rootId={root.id} pathTo={view.pathTo} state={path} onPathTo={onPathTo} />
            {edge && (
              <EdgePanel
                edge={edge}
                graph={graph}
                canClassify={canClassify}
                onChanged={(changed) => {
                  setGraph((g) => withEdge(g, changed));
                  onStale();
                  void reread();
                }}
                onClose={() => setSelectedEdge(null)}
              />
            )}
            <div className="side-block muted small">
              {visible.size} shown · {edges.length} edges · {layout.kind === "elk" ? "layered layout" : "column layout"}
              <br />+ expands a side one hop, − collapses it (reversible). Click an edge for its classifications.
            </div>
          </aside>
        </div>
      </div>
    </ExplorerContext.Provider>
  );
}

function RootBadges({ root, onHover }: { root: Entity; onHover(a: ClassificationAssignment | null): void }) {
  if (!root.classifications.length) return null;
  return (
    <div className="side-block">
      <h3>Classifications</h3>
      <p className="muted small">Hover one to light its propagation path.</p>
      <div className="badge-row">
        {root.classifications.map((c) => (
          <span
            key={`${c.name}:${c.sourceId}`}
            className={`badge ${c.propagated ? "badge-propagated" : "badge-direct"}`}
            data-testid={`lineage-badge-${c.name}`}
            tabIndex={0}
            onMouseEnter={() => onHover(c)}
            onMouseLeave={() => onHover(null)}
            onFocus={() => onHover(c)}
            onBlur={() => onHover(null)}
          >
            {c.name}
            {c.propagated ? " · propagated" : ""}
          </span>
        ))}
      </div>
    </div>
  );
}

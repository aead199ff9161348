import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useClassificationDefs } from "../api/hooks";
import { readableError } from "../api/errors";
import { setPropagationBlocked } from "../api/queries";
import type { LineageEdge } from "../api/types";
import type { Graph, GraphEdge } from "./graph";

function endName(graph: Graph, id: string): string {
  const n = graph.nodes.get(id);
  return n?.restricted ? "restricted entity" : (n?.entity?.name ?? id);
}

/** A clicked edge: what it blocks, and (for roles that may) block or unblock a classification on it. */
export function EdgePanel({
  edge,
  graph,
  canClassify,
  onChanged,
  onClose,
}: {
  edge: GraphEdge;
  graph: Graph;
  canClassify: boolean;
  onChanged(edge: LineageEdge): void;
  onClose(): void;
}) {
  const defs = useClassificationDefs();
  const [choice, setChoice] = useState("");
  const mutation = useMutation({
    mutationFn: ({ blocked, name }: { blocked: boolean; name: string }) => setPropagationBlocked(blocked, edge.source, edge.target, name),
    onSuccess: (changed) => {
      onChanged(changed);
      setChoice("");
    },
  });
  const restrictedEnd = graph.nodes.get(edge.source)?.restricted || graph.nodes.get(edge.target)?.restricted;
  const canAct = canClassify && !restrictedEnd && edge.type !== "PATH" && edge.type !== "HAS_FEATURE";
  return (
    <div className="side-block edge-panel" data-testid="edge-panel">
      <div className="card-head">
        <h3>Edge</h3>
        <button type="button" className="link-button" onClick={onClose} aria-label="Close edge panel">
          ✕
        </button>
      </div>
      <p className="small">
        <strong>{endName(graph, edge.source)}</strong> → <strong>{endName(graph, edge.target)}</strong>
        <br />
        <span className="mono muted">{edge.type}</span>
      </p>
      {edge.blockedClassifications.length ? (
        <ul className="plain-list">
          {edge.blockedClassifications.map((name) => (
            <li key={name} className="blocked-row">
              <span className="badge badge-blocked">⊘ {name}</span>
              {canAct && (
                <button
                  type="button"
                  className="button button-small"
                  data-testid={`edge-unblock-${name}`}
                  disabled={mutation.isPending}
                  onClick={() => mutation.mutate({ blocked: false, name })}
                >
                  Unblock
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">Every classification may propagate across this edge.</p>
      )}
      {canAct && (
        <div className="inline-form">
          <label htmlFor="edge-block-select" className="visually-hidden">
            Classification to block
          </label>
          <select id="edge-block-select" data-testid="edge-block-select" value={choice} onChange={(e) => setChoice(e.target.value)} aria-label="Classification to block">
            <option value="">Classification to block…</option>
            {(defs.data ?? [])
              .filter((d) => !edge.blockedClassifications.includes(d.name))
              .map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                </option>
              ))}
          </select>
          <button
            type="button"
            className="button button-small button-primary"
            data-testid="edge-block"
            disabled={!choice || mutation.isPending}
            onClick={() => mutation.mutate({ blocked: true, name: choice })}
          >
            Block
          </button>
        </div>
      )}
      {mutation.isError && (
        <p role="alert" className="error small" data-testid="action-error">
          {readableError(mutation.error)}
        </p>
      )}
    </div>
  );
}

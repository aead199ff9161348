import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { EntityType, LineageEntity } from "../api/types";
import { typeLabel } from "../api/types";
import { entityPath } from "../components/common";
import { useExplorerActions } from "./ExplorerContext";

export type SideState = "expand" | "collapse" | "loading";

export interface EntityNodeData extends Record<string, unknown> {
  id: string;
  type: EntityType;
  entity: LineageEntity | null;
  restricted: boolean;
  root: boolean;
  highlighted: boolean;
  upstream: SideState;
  downstream: SideState;
}

export type EntityFlowNode = Node<EntityNodeData, "entity">;

function SideButton({ id, direction, state }: { id: string; direction: "UPSTREAM" | "DOWNSTREAM"; state: SideState }) {
  const actions = useExplorerActions();
  const side = direction === "UPSTREAM" ? "upstream" : "downstream";
  const verb = state === "collapse" ? "Collapse" : "Expand";
  return (
    <button
      type="button"
      className={`node-toggle node-toggle-${side} nodrag`}
      data-testid={`${verb.toLowerCase()}-${side}-${id}`}
      aria-label={`${verb} ${side}`}
      title={`${verb} ${side}`}
      disabled={state === "loading"}
      onClick={(e) => {
        e.stopPropagation();
        actions.toggle(id, direction);
      }}
    >
      {state === "loading" ? "…" : state === "collapse" ? "−" : "+"}
    </button>
  );
}

function EntityNodeView({ data }: NodeProps<EntityFlowNode>) {
  const actions = useExplorerActions();
  const names = data.entity ? [...new Map(data.entity.classifications.map((c) => [c.name, c])).values()] : [];
  return (
    <div
      className={`lnode ${data.restricted ? "lnode-restricted" : ""} ${data.root ? "lnode-root" : ""} ${data.highlighted ? "lnode-highlighted" : ""}`}
      data-testid={`lineage-node-${data.id}`}
      data-entity-id={data.restricted ? undefined : data.id}
      data-restricted={data.restricted ? "true" : undefined}
      data-root={data.root ? "true" : undefined}
      data-highlighted={data.highlighted ? "true" : undefined}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      {!data.restricted && <SideButton id={data.id} direction="UPSTREAM" state={data.upstream} />}
      <div className="lnode-type">{typeLabel(data.type)}</div>
      {data.restricted ? (
        <div className="lnode-name muted">Restricted</div>
      ) : (
        // A plain anchor: react-router's Link costs several hooks per node, on hundreds of nodes.
        <a
          className="lnode-name nodrag"
          href={entityPath(data.id)}
          title={data.entity?.qualifiedName}
          onClick={(e) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; // new tab etc.: the browser's
            e.preventDefault();
            actions.open(entityPath(data.id));
          }}
        >
          {data.entity?.name}
        </a>
      )}
      {names.length > 0 && (
        <div className="lnode-badges">
          {names.slice(0, 3).map((c) => (
            <span
              key={c.name}
              className={`badge badge-tiny ${c.propagated ? "badge-propagated" : "badge-direct"}`}
              onMouseEnter={() => actions.highlight(c)}
              onMouseLeave={() => actions.highlight(null)}
            >
              {c.name}
            </span>
          ))}
        </div>
      )}
      {!data.restricted && <SideButton id={data.id} direction="DOWNSTREAM" state={data.downstream} />}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const EntityNode = memo(EntityNodeView);

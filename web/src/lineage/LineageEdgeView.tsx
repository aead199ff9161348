import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from "@xyflow/react";
import { memo } from "react";

export interface LineageEdgeData extends Record<string, unknown> {
  blocked: string[];
  highlighted: boolean;
  edgeType: string;
}

export type LineageFlowEdge = Edge<LineageEdgeData, "lineage">;

function LineageEdgeComponent({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd }: EdgeProps<LineageFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const blocked = data?.blocked ?? [];
  const className = ["ledge", blocked.length ? "ledge-blocked" : "", data?.highlighted ? "ledge-highlighted" : "", selected ? "ledge-selected" : ""].join(" ");
  return (
    <>
      <BaseEdge id={id} path={path} className={className} markerEnd={markerEnd} interactionWidth={16} />
      {blocked.length > 0 && (
        <EdgeLabelRenderer>
          <div
            className="edge-marker nodrag nopan"
            data-testid={`edge-blocked-${id}`}
            title={`Blocks ${blocked.join(", ")} from propagating across this edge`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            ⊘ {blocked.join(", ")}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const LineageEdgeView = memo(LineageEdgeComponent);

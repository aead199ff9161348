import { createContext, useContext } from "react";
import type { ClassificationAssignment } from "../api/types";

/** What a node can ask of the explorer, without every node re-rendering when the callbacks change. */
export interface ExplorerActions {
  toggle(nodeId: string, direction: "UPSTREAM" | "DOWNSTREAM"): void;
  highlight(assignment: ClassificationAssignment | null): void;
}

export const ExplorerContext = createContext<ExplorerActions>({ toggle: () => {}, highlight: () => {} });

export function useExplorerActions(): ExplorerActions {
  return useContext(ExplorerContext);
}

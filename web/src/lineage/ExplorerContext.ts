import { createContext, useContext } from "react";
import type { ClassificationAssignment } from "../api/types";

/** What a node can ask of the explorer, without every node re-rendering when the callbacks change. */
export interface ExplorerActions {
  toggle(nodeId: string, direction: "UPSTREAM" | "DOWNSTREAM"): void;
  highlight(assignment: ClassificationAssignment | null): void;
  /** Client-side navigation to a path (one router hook for the explorer, not one Link per node). */
  open(path: string): void;
}

export const ExplorerContext = createContext<ExplorerActions>({ toggle: () => {}, highlight: () => {}, open: () => {} });

export function useExplorerActions(): ExplorerActions {
  return useContext(ExplorerContext);
}

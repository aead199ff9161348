/** Messages between the explorer and the ELK layout worker. */

export interface LayoutRequest {
  requestId: number;
  nodes: { id: string; width: number; height: number }[];
  edges: { source: string; target: string }[];
}

export interface LayoutResponse {
  requestId: number;
  positions?: Record<string, { x: number; y: number }>;
  error?: string;
}

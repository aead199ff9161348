import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { readableError } from "../api/errors";
import { entitiesByIds, lineagePath } from "../api/queries";
import type { Entity } from "../api/types";
import { addPath, type Graph } from "./graph";

export interface FoundPath {
  path: string[];
  entities: Entity[];
  rootIsFirst: boolean;
}

export interface PathState {
  ids: string[] | null;
  /** What was added to the graph, to add again when the graph is rebuilt. */
  found: FoundPath | null;
  searching: boolean;
  notFound: boolean;
  error: string | null;
}

/**
 * The path between the root and `pathTo` (either way round: downstream from the root first), added
 * to the graph so it can be drawn, and its ids for highlighting.
 */
export function usePath(rootId: string, pathTo: string | null, setGraph: (f: (g: Graph) => Graph) => void): PathState {
  const query = useQuery({
    queryKey: ["lineagePath", rootId, pathTo],
    enabled: !!pathTo,
    queryFn: async (): Promise<FoundPath | null> => {
      const down = await lineagePath(rootId, pathTo!);
      const path = down ?? (await lineagePath(pathTo!, rootId));
      if (!path) return null;
      const entities = await entitiesByIds(path.filter((id) => id !== rootId));
      return { path, entities, rootIsFirst: !!down };
    },
  });
  const data = query.data;
  useEffect(() => {
    if (data) setGraph((g) => addPath(g, data.path, data.entities, data.rootIsFirst));
  }, [data, setGraph]);
  return {
    ids: data?.path ?? null,
    found: data ?? null,
    searching: query.isFetching,
    notFound: query.isSuccess && data === null,
    error: query.isError ? readableError(query.error) : null,
  };
}

export function PathFinder({ pathTo, state, onPathTo }: { rootId: string; pathTo: string | null; state: PathState; onPathTo(id: string | null): void }) {
  const [text, setText] = useState(pathTo ?? "");
  useEffect(() => setText(pathTo ?? ""), [pathTo]);
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    onPathTo(text.trim() || null);
  }
  return (
    <form className="side-block" onSubmit={onSubmit}>
      <h3>Path finder</h3>
      <label htmlFor="lineage-path-to" className="small">
        Path to
      </label>
      <div className="inline-form">
        <input id="lineage-path-to" data-testid="lineage-path-to" className="mono small" placeholder="entity id" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" className="button button-small" data-testid="lineage-path-find">
          Find path
        </button>
      </div>
      {pathTo && (
        <p className="small" data-testid="lineage-path-result" role="status">
          {state.searching
            ? "Searching…"
            : state.error
              ? state.error
              : state.notFound
                ? "No lineage path within 20 hops either way."
                : state.ids
                  ? `Path of ${state.ids.length - 1} ${state.ids.length === 2 ? "hop" : "hops"}, highlighted.`
                  : ""}{" "}
          <button type="button" className="link-button" onClick={() => onPathTo(null)}>
            Clear
          </button>
        </p>
      )}
    </form>
  );
}

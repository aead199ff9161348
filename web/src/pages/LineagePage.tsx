import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useParams, useSearchParams } from "react-router";
import { useSession } from "../api/hooks";
import { lineage } from "../api/queries";
import { mayClassify } from "../api/session";
import { ENTITY_TYPES, typeLabel, type Direction, type EntityType } from "../api/types";
import { useEntity } from "../api/useEntity";
import { EntityHeader } from "../components/EntityHeader";
import { Loading, QueryError } from "../components/common";
import { Explorer } from "../lineage/Explorer";
import { MAX_DEPTH, asOfToInput, inputToAsOf, parseView, serializeView, type LineageView } from "../lineage/urlState";
import { NotFoundPage } from "./NotFoundPage";

export function LineagePage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const view = parseView(params);
  const root = useEntity(id);
  const session = useSession();
  const client = useQueryClient();
  const { pathTo: _ignored, ...fetched } = view;
  const answer = useQuery({
    queryKey: ["lineage", { id, ...fetched }],
    queryFn: async () => {
      performance.mark("lineage:request");
      const answer = await lineage({ id, direction: view.direction, depth: view.depth, types: view.types, asOf: view.asOf });
      performance.mark("lineage:answer");
      return answer;
    },
    // In parallel with the root's own read: a missing or hidden root fails both the same way.
    staleTime: 0,
  });

  function setView(next: Partial<LineageView>) {
    setParams(serializeView({ ...view, ...next }));
  }

  if (root.isPending) return <Loading />;
  if (root.isError) return <QueryError error={root.error} />;
  if (!root.data) return <NotFoundPage />;
  return (
    <div className="lineage-page">
      <EntityHeader entity={root.data} />
      <Toolbar view={view} onChange={setView} />
      {answer.isPending && (
        <div className="explorer-canvas explorer-placeholder" data-testid="lineage-explorer" data-state="loading">
          <Loading what="Reading lineage" />
        </div>
      )}
      {answer.isError && (
        <div data-testid="lineage-explorer" data-state="error">
          <QueryError error={answer.error} />
        </div>
      )}
      {answer.data && (
        <Explorer
          // A new answer (another depth, direction, time or filter) starts a new exploration.
          key={JSON.stringify(fetched)}
          root={root.data}
          view={view}
          first={answer.data}
          canClassify={mayClassify(session.data?.principal.roles ?? [])}
          onPathTo={(pathTo) => setView({ pathTo })}
          onStale={() => {
            // The root's badges; cached expansions would bring back old classifications.
            client.invalidateQueries({ queryKey: ["entity", id] });
            client.removeQueries({ queryKey: ["lineage"], type: "inactive" });
          }}
        />
      )}
    </div>
  );
}

function Toolbar({ view, onChange }: { view: LineageView; onChange(next: Partial<LineageView>): void }) {
  const [depth, setDepth] = useState(String(view.depth));
  // The URL may change under the field (back button, a shared link): follow it.
  useEffect(() => setDepth(String(view.depth)), [view.depth]);
  const [typesOpen, setTypesOpen] = useState(false);
  function toggleType(t: EntityType) {
    onChange({ types: view.types.includes(t) ? view.types.filter((x) => x !== t) : [...view.types, t] });
  }
  return (
    <div className="toolbar" role="toolbar" aria-label="Lineage view">
      <label>
        Direction
        <select data-testid="lineage-direction" value={view.direction} onChange={(e) => onChange({ direction: e.target.value as Direction })}>
          <option value="BOTH">Both</option>
          <option value="UPSTREAM">Upstream</option>
          <option value="DOWNSTREAM">Downstream</option>
        </select>
      </label>
      <label>
        Depth
        <input
          type="number"
          min={0}
          max={MAX_DEPTH}
          data-testid="lineage-depth"
          value={depth}
          onChange={(e) => setDepth(e.target.value)}
          onBlur={() => /^\d+$/.test(depth) && onChange({ depth: Math.min(Number(depth), MAX_DEPTH) })}
          onKeyDown={(e) => e.key === "Enter" && /^\d+$/.test(depth) && onChange({ depth: Math.min(Number(depth), MAX_DEPTH) })}
        />
      </label>
      <label>
        As of
        <input
          type="datetime-local"
          data-testid="lineage-asof"
          value={asOfToInput(view.asOf)}
          onChange={(e) => onChange({ asOf: inputToAsOf(e.target.value) })}
        />
      </label>
      {view.asOf && (
        <button type="button" className="button button-small" onClick={() => onChange({ asOf: null })}>
          Now
        </button>
      )}
      <div className="type-filter">
        <button type="button" className="button button-small" aria-expanded={typesOpen} onClick={() => setTypesOpen(!typesOpen)}>
          Types: {view.types.length ? view.types.map(typeLabel).join(", ") : "all"} ▾
        </button>
        {typesOpen && (
          <fieldset className="type-filter-menu">
            <legend className="visually-hidden">Entity types shown</legend>
            {ENTITY_TYPES.map((t) => (
              <label key={t} className="facet">
                <input type="checkbox" data-testid={`lineage-type-${t}`} checked={view.types.includes(t)} onChange={() => toggleType(t)} />
                {typeLabel(t)}
              </label>
            ))}
            {view.types.length > 0 && (
              <button type="button" className="link-button" onClick={() => onChange({ types: [] })}>
                Show all types
              </button>
            )}
          </fieldset>
        )}
      </div>
    </div>
  );
}

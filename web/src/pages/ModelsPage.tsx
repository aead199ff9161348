import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { models } from "../api/registry";
import type { ModelSummary } from "../api/registryTypes";
import { FilteredTable, nameColumn, type Column } from "../components/FilteredTable";
import { modelPath } from "../registry/logic";

const COLUMNS: Column<ModelSummary>[] = [
  nameColumn("Model", (m) => modelPath(m.id), "model"),
  { header: "Latest version", className: "mono", cell: (m) => (m.latestVersion != null ? `v${m.latestVersion}` : "–") },
  {
    header: "Aliases",
    cell: (m) => (
      <span className="badge-row">
        {m.aliases.map((a) => (
          <span key={a.alias} className="reg-alias">
            {a.alias} → v{a.version ?? "?"}
          </span>
        ))}
      </span>
    ),
  },
  { header: "Owners", className: "muted", cell: (m) => m.entity.owners.join(", ") },
];

/** `/models?text=`: registered models by name, with their latest version and current aliases. */
export function ModelsPage() {
  const [params, setParams] = useSearchParams();
  const text = params.get("text") ?? "";
  const [draft, setDraft] = useState(text);
  const [after, setAfter] = useState<string | null>(null);
  const list = useQuery({ queryKey: ["registry", "models", text, after], queryFn: () => models(text, { after }) });

  function apply() {
    setAfter(null);
    setParams(draft.trim() ? { text: draft.trim() } : {});
  }

  const fields = (
    <>
      <label htmlFor="models-text" className="visually-hidden">
        Filter models by name
      </label>
      <input id="models-text" className="search-input" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="Filter by name" data-testid="models-text" />
    </>
  );

  return (
    <div className="page" data-testid="models-page">
      <h1>Models</h1>
      <FilteredTable
        filter={{ fields, onSubmit: apply, search: true }}
        columns={COLUMNS}
        list={list}
        rowKey={(m) => m.id}
        paging={{ after, onPage: setAfter }}
        what="models"
        empty="No model matches."
        testId="models"
      />
    </div>
  );
}

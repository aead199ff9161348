import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { models } from "../api/registry";
import { Loading } from "../components/common";
import { PageError } from "./RefusedPage";
import { modelPath } from "../registry/logic";

/** `/models?text=`: registered models by name, with their latest version and current aliases. */
export function ModelsPage() {
  const [params, setParams] = useSearchParams();
  const text = params.get("text") ?? "";
  const [draft, setDraft] = useState(text);
  const [after, setAfter] = useState<string | null>(null);
  const list = useQuery({ queryKey: ["registry", "models", text, after], queryFn: () => models(text, { after }) });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setAfter(null);
    setParams(draft.trim() ? { text: draft.trim() } : {});
  }

  return (
    <div className="page" data-testid="models-page">
      <h1>Models</h1>
      <form className="search-bar" onSubmit={onSubmit} role="search">
        <label htmlFor="models-text" className="visually-hidden">
          Filter models by name
        </label>
        <input id="models-text" className="search-input" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="Filter by name" data-testid="models-text" />
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      {list.isPending && <Loading />}
      {list.isError && <PageError error={list.error} what="models" />}
      {list.data && (
        <>
          <p className="muted">{list.data.totalCount} models</p>
          {list.data.edges.length === 0 ? (
            <p className="empty">No model matches.</p>
          ) : (
            <table className="table" data-testid="models">
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Latest version</th>
                  <th>Aliases</th>
                  <th>Owners</th>
                </tr>
              </thead>
              <tbody>
                {list.data.edges.map(({ node: m }) => (
                  <tr key={m.id}>
                    <td>
                      <Link to={modelPath(m.id)} data-testid={`model-${m.entity.name}`}>
                        {m.entity.name}
                      </Link>
                      <div className="mono small muted">{m.entity.qualifiedName}</div>
                    </td>
                    <td className="mono">{m.latestVersion != null ? `v${m.latestVersion}` : "–"}</td>
                    <td>
                      <span className="badge-row">
                        {m.aliases.map((a) => (
                          <span key={a.alias} className="reg-alias">
                            {a.alias} → v{a.version ?? "?"}
                          </span>
                        ))}
                      </span>
                    </td>
                    <td className="muted">{m.entity.owners.join(", ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="pager">
            {after && (
              <button type="button" className="button" onClick={() => setAfter(null)}>
                First page
              </button>
            )}
            {list.data.pageInfo.hasNextPage && (
              <button type="button" className="button" onClick={() => setAfter(list.data.pageInfo.endCursor)}>
                Next page
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}

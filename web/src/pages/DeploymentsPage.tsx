import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { deployments, models } from "../api/registry";
import { Loading, formatTime } from "../components/common";
import { PageError } from "./RefusedPage";
import { deploymentPath, formatShare } from "../registry/logic";

/** `/deployments?model=&env=`: deployments, optionally of one model (its id) or one environment. */
export function DeploymentsPage() {
  const [params, setParams] = useSearchParams();
  const modelId = params.get("model") ?? "";
  const env = params.get("env") ?? "";
  const [envDraft, setEnvDraft] = useState(env);
  const [after, setAfter] = useState<string | null>(null);
  const modelChoices = useQuery({ queryKey: ["registry", "models", "", null], queryFn: () => models("", { first: 100 }) });
  const list = useQuery({
    queryKey: ["registry", "deployments", modelId, env, after],
    queryFn: () => deployments(modelId || null, env || null, { after }),
  });

  function update(next: { model?: string; env?: string }) {
    const merged = { model: modelId, env, ...next };
    setAfter(null);
    setParams(Object.fromEntries(Object.entries(merged).filter(([, v]) => v)));
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    update({ env: envDraft.trim() });
  }

  return (
    <div className="page" data-testid="deployments-page">
      <h1>Deployments</h1>
      <form className="toolbar" onSubmit={onSubmit}>
        <label>
          Model{" "}
          <select value={modelId} onChange={(e) => update({ model: e.target.value })} data-testid="deployments-model">
            <option value="">All models</option>
            {modelChoices.data?.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.entity.name}
              </option>
            ))}
            {modelId && !modelChoices.data?.edges.some((e) => e.node.id === modelId) && <option value={modelId}>{modelId}</option>}
          </select>
        </label>
        <label>
          Environment <input value={envDraft} onChange={(e) => setEnvDraft(e.target.value)} placeholder="any" data-testid="deployments-env" />
        </label>
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      {list.isPending && <Loading />}
      {list.isError && <PageError error={list.error} what="deployments" />}
      {list.data && (
        <>
          <p className="muted">{list.data.totalCount} deployments</p>
          {list.data.edges.length === 0 ? (
            <p className="empty">No deployment matches.</p>
          ) : (
            <table className="table" data-testid="deployments">
              <thead>
                <tr>
                  <th>Deployment</th>
                  <th>Environment</th>
                  <th>Live version</th>
                  <th className="num">Traffic</th>
                  <th>Status</th>
                  <th>Live since</th>
                </tr>
              </thead>
              <tbody>
                {list.data.edges.map(({ node: d }) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={deploymentPath(d.id)} data-testid={`deployment-${d.entity.name}`}>
                        {d.entity.name}
                      </Link>
                      <div className="mono small muted">{d.entity.qualifiedName}</div>
                    </td>
                    <td>{d.environment}</td>
                    <td className="mono">{d.liveVersion?.entity.name ?? (d.liveVersionId ? "hidden version" : "none")}</td>
                    <td className="num">{formatShare(d.trafficShare)}</td>
                    <td>{d.status?.toLowerCase()}</td>
                    <td className="small">{formatTime(d.liveSince)}</td>
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

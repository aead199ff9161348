import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { deployments, models } from "../api/registry";
import type { DeploymentSummary } from "../api/registryTypes";
import { formatTime } from "../components/common";
import { FilteredTable, nameColumn, type Column } from "../components/FilteredTable";
import { deploymentPath, formatShare } from "../registry/logic";

const COLUMNS: Column<DeploymentSummary>[] = [
  nameColumn("Deployment", (d) => deploymentPath(d.id), "deployment"),
  { header: "Environment", cell: (d) => d.environment },
  { header: "Live version", className: "mono", cell: (d) => d.liveVersion?.entity.name ?? (d.liveVersionId ? "hidden version" : "none") },
  { header: "Traffic", numeric: true, cell: (d) => formatShare(d.trafficShare) },
  { header: "Status", cell: (d) => d.status?.toLowerCase() },
  { header: "Live since", className: "small", cell: (d) => formatTime(d.liveSince) },
];

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

  const fields = (
    <>
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
    </>
  );

  return (
    <div className="page" data-testid="deployments-page">
      <h1>Deployments</h1>
      <FilteredTable
        filter={{ fields, onSubmit: () => update({ env: envDraft.trim() }) }}
        columns={COLUMNS}
        list={list}
        rowKey={(d) => d.id}
        paging={{ after, onPage: setAfter }}
        what="deployments"
        empty="No deployment matches."
        testId="deployments"
      />
    </div>
  );
}

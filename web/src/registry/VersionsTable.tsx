/** A model's versions, newest first: the run that produced each, its aliases, and Request promotion where allowed. */

import { Link } from "react-router";
import type { ModelVersion } from "../api/registryTypes";
import { formatTime } from "../components/common";
import { mayRequestPromotion, runPath, versionLabel } from "./logic";
import { RequestPromotionForm } from "./RequestPromotionForm";

export function VersionsTable({ versions }: { versions: ModelVersion[] }) {
  if (!versions.length) return <p className="empty">No versions registered.</p>;
  return (
    <table className="table" data-testid="versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>Run</th>
          <th>Aliases</th>
          <th>Registered</th>
          <th>Promotion</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.id} data-testid={`version-${v.version ?? v.id}`}>
            <td>
              <span className="mono">{versionLabel(v)}</span>
              {v.entity.description && <div className="muted small">{v.entity.description}</div>}
            </td>
            <td>
              {v.run ? (
                <Link to={runPath(v.run.id)} data-testid="version-run">
                  {v.run.name}
                </Link>
              ) : (
                <span className="muted">{v.runId ? "hidden run" : "no run"}</span>
              )}
            </td>
            <td>
              <span className="badge-row">
                {v.aliases.map((a) => (
                  <span key={a} className="reg-alias">
                    {a}
                  </span>
                ))}
              </span>
            </td>
            <td className="small">
              {formatTime(v.entity.createdAt)} <span className="muted">{v.entity.owners.join(", ")}</span>
            </td>
            <td>{mayRequestPromotion(v.entity.allowedActions) && <RequestPromotionForm versionId={v.id} label={versionLabel(v)} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

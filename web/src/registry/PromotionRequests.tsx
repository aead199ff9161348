/** Every promotion request of a model's versions, newest first, with its decision. */

import { Link } from "react-router";
import type { ModelVersion, Promotion } from "../api/registryTypes";
import { formatTime } from "../components/common";
import { newestFirst, versionLabel } from "./logic";
import { GovernanceBadge, PromotionStatusChip } from "./StatusChip";

export function PromotionRequests({ versions }: { versions: ModelVersion[] }) {
  const labels = new Map(versions.map((v) => [v.id, versionLabel(v)]));
  const requests: Promotion[] = newestFirst(versions.flatMap((v) => v.promotions));
  if (!requests.length) return <p className="empty">No promotion was requested.</p>;
  return (
    <table className="table" data-testid="model-promotions">
      <thead>
        <tr>
          <th>Request</th>
          <th>Status</th>
          <th>Asked</th>
          <th>Decided</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((p) => (
          <tr key={p.id} data-testid={`model-promotion-${p.id}`}>
            <td>
              <span className="reg-alias">{p.alias}</span> → <span className="mono">{labels.get(p.versionId)}</span> <GovernanceBadge promotion={p} />
            </td>
            <td>
              {p.status === "PENDING" ? (
                <Link to="/promotions?status=PENDING">
                  <PromotionStatusChip status={p.status} />
                </Link>
              ) : (
                <PromotionStatusChip status={p.status} />
              )}
            </td>
            <td className="small">
              {p.requestedBy}, {formatTime(p.requestedAt)}
              {p.comment && <div className="reg-comment">“{p.comment}”</div>}
            </td>
            <td className="small">
              {p.decidedBy ? (
                <>
                  {p.decidedBy}, {formatTime(p.decidedAt)}
                  {p.decisionComment && <div className="reg-comment">“{p.decisionComment}”</div>}
                </>
              ) : (
                <span className="muted">waiting</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

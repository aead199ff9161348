/** A promotion's status, and the badge that says a governance reviewer must decide it. */

import type { PromotionStatus } from "../api/registryTypes";
import { needsGovernanceReviewer } from "./logic";

export function PromotionStatusChip({ status }: { status: PromotionStatus }) {
  return <span className={`reg-status reg-status-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

export function GovernanceBadge({ promotion }: { promotion: { needsGovernance: boolean; restrictedUpstream: string[] } }) {
  if (!needsGovernanceReviewer(promotion)) return null;
  const why = promotion.restrictedUpstream.length
    ? `Restricted data upstream: ${promotion.restrictedUpstream.join(", ")}`
    : "Restricted data upstream";
  return (
    <span className="badge badge-restricted" title={why} data-testid="needs-governance">
      needs governance reviewer
    </span>
  );
}

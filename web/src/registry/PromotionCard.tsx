/** One request in the reviewers' inbox: the version and its run's key metrics, who asked and why, the decision. */

import { Link } from "react-router";
import { KEY_METRICS } from "../api/registry";
import type { Promotion, PromotionWithContext } from "../api/registryTypes";
import { formatTime } from "../components/common";
import { DecisionForm } from "./DecisionForm";
import { decisionOffer, keyMetrics, modelPath, runPath, versionLabel } from "./logic";
import { GovernanceBadge, PromotionStatusChip } from "./StatusChip";

export function PromotionCard({ promotion: p, me, onDecided }: { promotion: PromotionWithContext; me: string | undefined; onDecided: (decided: Promotion) => void }) {
  const run = p.version?.run ?? null;
  const metrics = run ? keyMetrics(run.metrics, KEY_METRICS) : [];
  return (
    <li className="card reg-promotion" id={p.id} data-testid={`promotion-${p.id}`}>
      <div className="card-head">
        <h2 className="reg-promotion-title">
          {p.model ? <Link to={modelPath(p.model.id)}>{p.model.entity.name}</Link> : <span className="muted">hidden model</span>}{" "}
          <span className="mono">{versionLabel(p.version)}</span> → <span className="reg-alias">{p.alias}</span>
        </h2>
        <span className="badge-row">
          <GovernanceBadge promotion={p} />
          <PromotionStatusChip status={p.status} />
        </span>
      </div>
      <p className="reg-asked">
        <strong data-testid="requested-by">{p.requestedBy}</strong> asked {formatTime(p.requestedAt)}
        {p.comment ? (
          <>
            : <q data-testid="request-comment">{p.comment}</q>
          </>
        ) : (
          <span className="muted"> (no comment)</span>
        )}
      </p>
      <div className="reg-run">
        {run ? (
          <>
            Run <Link to={runPath(run.id)}>{run.name}</Link>
            {run.status && <span className="muted"> · {run.status.toLowerCase()}</span>}
            {metrics.length > 0 && (
              <dl className="reg-metrics" data-testid="key-metrics">
                {metrics.map((m) => (
                  <div key={m.name}>
                    <dt>{m.name}</dt>
                    <dd className="mono">{m.value}</dd>
                  </div>
                ))}
              </dl>
            )}
          </>
        ) : (
          <span className="muted">{p.version?.runId ? "Its run is hidden from you." : "No run recorded for this version."}</span>
        )}
      </div>
      {p.restrictedUpstream.length > 0 && <p className="small muted">Restricted upstream: {p.restrictedUpstream.join(", ")}</p>}
      {p.decidedBy && (
        <p className="small">
          Decided by {p.decidedBy}, {formatTime(p.decidedAt)}
          {p.decisionComment && <>: “{p.decisionComment}”</>}
        </p>
      )}
      <DecisionForm promotion={p} offer={decisionOffer(p, me)} onDecided={onDecided} />
    </li>
  );
}

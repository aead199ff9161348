/** A deployment's active alert rules and its open (firing) alerts. */

import type { Alert, AlertRule } from "../api/registryTypes";
import { formatTime } from "../components/common";
import { describeRule, formatMetricValue } from "./logic";

export function AlertRules({ rules }: { rules: AlertRule[] }) {
  const active = rules.filter((r) => r.active);
  if (!active.length) return <p className="empty">No alert rules.</p>;
  return (
    <ul className="plain-list" data-testid="alert-rules">
      {active.map((r) => (
        <li key={r.id} data-testid={`alert-rule-${r.id}`}>
          <span className={`reg-status ${r.firing ? "reg-status-firing" : "reg-status-ok"}`}>{r.firing ? "firing" : "ok"}</span>{" "}
          <span className="mono">{describeRule(r)}</span>
          {r.description && <span className="muted"> · {r.description}</span>}
          <span className="muted small"> · by {r.createdBy}</span>
        </li>
      ))}
    </ul>
  );
}

export function OpenAlerts({ alerts, total }: { alerts: Alert[]; total: number }) {
  if (!alerts.length) return <p className="empty">No open alerts.</p>;
  return (
    <table className="table" data-testid="open-alerts">
      <thead>
        <tr>
          <th>Fired</th>
          <th>Rule</th>
          <th className="num">Value</th>
          <th className="num">At step</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={a.id} data-testid={`alert-${a.id}`}>
            <td className="small">{formatTime(a.firedAt)}</td>
            <td className="mono">{describeRule(a)}</td>
            <td className="num">{formatMetricValue(a.value)}</td>
            <td className="num">{a.step ?? "–"}</td>
          </tr>
        ))}
      </tbody>
      {total > alerts.length && (
        <caption className="muted small">
          {alerts.length} of {total} open alerts shown
        </caption>
      )}
    </table>
  );
}

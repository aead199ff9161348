import { Link } from "react-router";
import type { AuditEvent } from "../api/admin";
import { formatTime } from "../components/common";
import { AuditResources } from "./AuditResources";
import { NO_FILTERS, serializeAuditFilters } from "./auditFilters";

function byPrincipal(name: string): string {
  return `/audit?${serializeAuditFilters({ ...NO_FILTERS, principal: name })}`;
}

/** The event where the hash chain first fails to check out, and the server's sentence saying how. */
export interface ChainBreak {
  seq: number;
  message: string;
}

export const rowId = (seq: number) => `audit-row-${seq}`;

export function AuditEventsTable({ events, chainBreak }: { events: AuditEvent[]; chainBreak: ChainBreak | null }) {
  if (!events.length) return <p className="empty" data-testid="audit-empty">No audit events match.</p>;
  return (
    <table className="table card adm-events" data-testid="audit-events">
      <thead>
        <tr>
          <th className="num">Seq</th>
          <th>Time</th>
          <th>Principal</th>
          <th>Action</th>
          <th>Decision</th>
          <th>Resource</th>
          <th>Rule</th>
          <th>Client</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => {
          const broken = chainBreak?.seq === e.seq;
          return (
          <tr
            key={e.seq}
            id={rowId(e.seq)}
            data-testid={`audit-event-${e.seq}`}
            data-principal={e.principal}
            data-action={e.action}
            data-decision={e.decision}
            {...(broken && {
              className: "adm-broken",
              "data-broken": "true",
              tabIndex: -1,
              title: `The hash chain is verified up to the event before this one: ${chainBreak.message}`,
              "aria-describedby": "audit-broken-note",
            })}
          >
            <td className="num mono">
              {e.seq}
              {broken && (
                <span className="badge adm-broken-badge" id="audit-broken-note" data-testid="audit-broken-badge">
                  chain breaks here
                </span>
              )}
            </td>
            <td className="small" title={e.time}>
              {formatTime(e.time)}
            </td>
            <td>
              <Link to={byPrincipal(e.principal)}>{e.principal}</Link>
            </td>
            <td className="mono small">{e.action}</td>
            <td>
              <span className={`badge ${e.decision === "deny" ? "adm-deny" : "adm-allow"}`}>{e.decision}</span>
            </td>
            <td>
              <AuditResources event={e} />
            </td>
            <td className="mono small adm-rule">{e.rule}</td>
            <td className="small muted" title={`request ${e.requestId}`}>
              {e.client}
            </td>
          </tr>
          );
        })}
      </tbody>
    </table>
  );
}

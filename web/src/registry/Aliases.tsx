/** A model's current aliases and their history (who moved which alias to which version, and when). */

import { Link } from "react-router";
import type { AliasAssignment } from "../api/registryTypes";
import { formatTime } from "../components/common";

function VersionCell({ assignment }: { assignment: AliasAssignment }) {
  return <span className="mono">{assignment.version != null ? `v${assignment.version}` : assignment.versionId}</span>;
}

export function CurrentAliases({ aliases }: { aliases: AliasAssignment[] }) {
  if (!aliases.length) return <p className="empty">No alias points at a version yet.</p>;
  return (
    <ul className="reg-alias-list" data-testid="current-aliases">
      {aliases.map((a) => (
        <li key={a.alias} data-testid={`alias-${a.alias}`}>
          <span className="reg-alias">{a.alias}</span> → <VersionCell assignment={a} />
          <span className="muted small"> since {formatTime(a.assignedAt)} by {a.assignedBy}</span>
        </li>
      ))}
    </ul>
  );
}

export function AliasHistory({ history }: { history: AliasAssignment[] }) {
  if (!history.length) return <p className="empty">No alias was ever set.</p>;
  return (
    <table className="table" data-testid="alias-history">
      <thead>
        <tr>
          <th>Alias</th>
          <th>Version</th>
          <th>Assigned</th>
          <th>Ended</th>
          <th>Through</th>
        </tr>
      </thead>
      <tbody>
        {history.map((a) => (
          <tr key={`${a.alias}-${a.assignedAt}`}>
            <td>
              <span className="reg-alias">{a.alias}</span>
            </td>
            <td>
              <VersionCell assignment={a} />
            </td>
            <td>
              {formatTime(a.assignedAt)} <span className="muted">by {a.assignedBy}</span>
            </td>
            <td>{a.removedAt ? <>{formatTime(a.removedAt)} <span className="muted">by {a.removedBy}</span></> : <span className="muted">current</span>}</td>
            <td>{a.promotionId ? <Link to={`/promotions?status=ALL#${encodeURIComponent(a.promotionId)}`}>promotion</Link> : <span className="muted">set directly</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

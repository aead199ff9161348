import { useState } from "react";
import type { Principal } from "../api/admin";
import { useDeactivatePrincipal, useRotateToken } from "../api/adminHooks";
import { readableError } from "../api/errors";
import { formatTime } from "../components/common";

function PrincipalActions({ principal, onToken }: { principal: Principal; onToken: (owner: string, token: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const rotate = useRotateToken();
  const deactivate = useDeactivatePrincipal();
  const error = rotate.error ?? deactivate.error;
  if (!principal.active) return null;
  return (
    <div className="button-row">
      <button
        type="button"
        className="button button-small"
        data-testid={`rotate-${principal.name}`}
        disabled={rotate.isPending}
        onClick={() => rotate.mutate(principal.name, { onSuccess: (token) => onToken(principal.name, token) })}
      >
        Rotate token
      </button>
      {confirming ? (
        <span className="adm-confirm" data-testid={`deactivate-confirm-${principal.name}`}>
          Deactivate {principal.name}? Its token stops working.
          <button
            type="button"
            className="button button-danger button-small"
            data-testid={`deactivate-yes-${principal.name}`}
            disabled={deactivate.isPending}
            onClick={() => deactivate.mutate(principal.name, { onSettled: () => setConfirming(false) })}
          >
            Deactivate
          </button>
          <button type="button" className="button button-small" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" className="button button-small" data-testid={`deactivate-${principal.name}`} onClick={() => setConfirming(true)}>
          Deactivate…
        </button>
      )}
      {error && (
        <span role="alert" className="error small">
          {readableError(error)}
        </span>
      )}
    </div>
  );
}

export function PrincipalsTable({
  principals,
  mayAdminister,
  onToken,
}: {
  principals: Principal[];
  mayAdminister: boolean;
  onToken: (owner: string, token: string) => void;
}) {
  return (
    <table className="table adm-principals" data-testid="principals">
      <thead>
        <tr>
          <th>Name</th>
          <th>Roles</th>
          <th>Status</th>
          <th>Created</th>
          {mayAdminister && <th>Actions</th>}
        </tr>
      </thead>
      <tbody>
        {principals.map((p) => (
          <tr key={p.name} data-testid={`principal-${p.name}`} data-active={p.active}>
            <td className="mono">{p.name}</td>
            <td>
              {p.roles.map((r) => (
                <span key={r} className="badge adm-role">
                  {r}
                </span>
              ))}
            </td>
            <td data-testid={`principal-status-${p.name}`}>{p.active ? "active" : <span className="muted">deactivated</span>}</td>
            <td className="small">{formatTime(p.createdAt)}</td>
            {mayAdminister && (
              <td>
                <PrincipalActions principal={p} onToken={onToken} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

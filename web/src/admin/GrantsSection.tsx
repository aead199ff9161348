import { Link } from "react-router";
import type { Grant } from "../api/admin";
import { useGrants, useRevoke } from "../api/adminHooks";
import { readableError } from "../api/errors";
import { entityPath, formatTime, Loading, QueryError, Section } from "../components/common";
import { GrantForm } from "./GrantForm";
import { describeGrant } from "./roles";

function grantKey(g: Grant): string {
  return [g.principal, g.action, g.entityId ?? "", g.classification ?? ""].join("|");
}

function RevokeButton({ grant }: { grant: Grant }) {
  const revoke = useRevoke();
  return (
    <>
      <button
        type="button"
        className="button button-small"
        data-testid={`revoke-${grantKey(grant)}`}
        disabled={revoke.isPending}
        onClick={() => revoke.mutate({ principal: grant.principal, action: grant.action, entityId: grant.entityId, classification: grant.classification })}
      >
        Revoke
      </button>
      {revoke.isError && (
        <span role="alert" className="error small">
          {readableError(revoke.error)}
        </span>
      )}
    </>
  );
}

export function GrantsSection({ mayAdminister, principalNames }: { mayAdminister: boolean; principalNames: string[] }) {
  const grants = useGrants();
  return (
    <Section title="Grants" testId="grants">
      <p className="muted small">Runtime grants, on top of the roles in policies/policy.csv; they take effect within seconds.</p>
      {grants.isPending && <Loading />}
      {grants.isError && <QueryError error={grants.error} />}
      {grants.data && !grants.data.length && <p className="empty">No runtime grants.</p>}
      {grants.data && grants.data.length > 0 && (
        <table className="table" data-testid="grants-list">
          <thead>
            <tr>
              <th>Principal</th>
              <th>Grant</th>
              <th>Created</th>
              {mayAdminister && <th />}
            </tr>
          </thead>
          <tbody>
            {grants.data.map((g) => (
              <tr key={grantKey(g)} data-testid={`grant-${grantKey(g)}`}>
                <td className="mono">{g.principal}</td>
                <td>
                  {describeGrant(g)}{" "}
                  {g.entityId && (
                    <Link className="mono small" to={entityPath(g.entityId)}>
                      {g.entityId}
                    </Link>
                  )}
                </td>
                <td className="small">{formatTime(g.createdAt)}</td>
                {mayAdminister && (
                  <td>
                    <RevokeButton grant={g} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayAdminister && <GrantForm principalNames={principalNames} />}
    </Section>
  );
}

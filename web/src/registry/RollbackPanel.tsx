/** The rollback stack and the Roll back button: a confirmation dialog first, then one atomic mutation. */

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { rollback } from "../api/registry";
import type { Deployment } from "../api/registryTypes";
import { VersionName, type VersionLabels } from "./VersionName";
import { ActionError } from "../components/common";

export function RollbackPanel({ deployment, labels }: { deployment: Deployment; labels: VersionLabels | undefined }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [comment, setComment] = useState("");
  const target = deployment.rollbackStack[0] ?? null;
  const mayWrite = deployment.entity.allowedActions.includes("write");
  const mutation = useMutation({
    mutationFn: () => rollback(deployment.id, comment.trim()),
    onSuccess: (updated) => {
      setConfirming(false);
      setComment("");
      client.setQueryData(["registry", "deployment", deployment.id], updated);
      client.invalidateQueries({ queryKey: ["registry"], predicate: (q) => q.queryKey[1] !== "deployment" });
    },
  });

  function onConfirm(e: FormEvent) {
    e.preventDefault();
    mutation.mutate();
  }

  return (
    <div data-testid="rollback-panel">
      {deployment.rollbackStack.length ? (
        <ol className="reg-stack" data-testid="rollback-stack">
          {deployment.rollbackStack.map((id) => (
            <li key={id}>
              <VersionName id={id} labels={labels} />
            </li>
          ))}
        </ol>
      ) : (
        <p className="empty">Nothing to roll back to: no earlier version was served.</p>
      )}
      {mayWrite && target && !confirming && (
        <button type="button" className="button button-danger" data-testid="rollback" onClick={() => setConfirming(true)}>
          Roll back
        </button>
      )}
      {confirming && target && (
        <form className="reg-dialog" role="dialog" aria-modal="true" aria-labelledby="rollback-title" onSubmit={onConfirm} data-testid="rollback-dialog">
          <h3 id="rollback-title">Roll back {deployment.entity.name}?</h3>
          <p>
            <VersionName id={deployment.liveVersionId} labels={labels} /> stops serving and <VersionName id={target} labels={labels} /> serves
            again, at once.
          </p>
          <label>
            Comment <input value={comment} onChange={(e) => setComment(e.target.value)} data-testid="rollback-comment" maxLength={2000} />
          </label>
          <div className="button-row">
            <button type="submit" className="button button-primary button-danger-solid" data-testid="rollback-confirm" disabled={mutation.isPending}>
              Roll back now
            </button>
            <button type="button" className="button" data-testid="rollback-cancel" onClick={() => setConfirming(false)} disabled={mutation.isPending}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {mutation.isError && <ActionError error={mutation.error} />}
    </div>
  );
}

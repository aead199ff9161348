/** Ask for an alias to move to a version (a reviewer decides); the server's refusal is shown as it says it. */

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { requestPromotion } from "../api/registry";
import { ActionError } from "../components/common";

export function RequestPromotionForm({ versionId, label }: { versionId: string; label: string }) {
  const client = useQueryClient();
  const [alias, setAlias] = useState("production");
  const [comment, setComment] = useState("");
  const mutation = useMutation({
    mutationFn: () => requestPromotion(versionId, alias.trim(), comment.trim()),
    onSuccess: () => {
      setComment("");
      client.invalidateQueries({ queryKey: ["registry"] });
    },
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (alias.trim()) mutation.mutate();
  }

  return (
    <form className="inline-form reg-request-form" onSubmit={onSubmit} data-testid={`request-promotion-${versionId}`} aria-label={`Request promotion of ${label}`}>
      <label>
        Alias <input value={alias} onChange={(e) => setAlias(e.target.value)} data-testid="promotion-alias" required maxLength={200} />
      </label>
      <label>
        Comment <input value={comment} onChange={(e) => setComment(e.target.value)} data-testid="promotion-comment" maxLength={2000} />
      </label>
      <button type="submit" className="button button-small button-primary" disabled={!alias.trim() || mutation.isPending}>
        Request promotion
      </button>
      {mutation.isSuccess && (
        <span className="muted small" role="status" data-testid="promotion-requested">
          Requested: {mutation.data.alias} → {label}, waiting for a reviewer.
        </span>
      )}
      {mutation.isError && <ActionError error={mutation.error} />}
    </form>
  );
}

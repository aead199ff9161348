/** Approve or Reject a pending request, with a comment; the requester is told self-approval is not allowed. */

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { decidePromotion, type Decision } from "../api/registry";
import type { Promotion } from "../api/registryTypes";
import type { DecisionOffer } from "./logic";
import { ActionError } from "../components/common";

export function DecisionForm({ promotion, offer, onDecided }: { promotion: Promotion; offer: DecisionOffer; onDecided: (decided: Promotion) => void }) {
  const client = useQueryClient();
  const [comment, setComment] = useState("");
  const mutation = useMutation({
    mutationFn: (decision: Decision) => decidePromotion(decision, promotion.id, comment.trim()),
    onSuccess: (decided) => {
      onDecided(decided);
      client.invalidateQueries({ queryKey: ["registry"] });
    },
  });

  if (offer === "decided") return null;
  if (offer === "self") {
    return (
      <p className="reg-notice" data-testid="self-approval">
        Self-approval not allowed: another reviewer must decide your own request.
      </p>
    );
  }
  if (offer === "not-allowed") {
    return (
      <p className="muted small" data-testid="may-not-decide">
        {promotion.needsGovernance ? "Only a governance reviewer may decide this request." : "You may not decide requests for this model."}
      </p>
    );
  }
  const field = `decision-comment-${promotion.id}`;
  return (
    <form className="inline-form reg-decision" onSubmit={(e) => e.preventDefault()} aria-label="Decide">
      <label htmlFor={field}>Comment</label>
      <input id={field} value={comment} onChange={(e) => setComment(e.target.value)} data-testid="decision-comment" maxLength={2000} />
      <button type="button" className="button button-small button-primary" data-testid="approve" disabled={mutation.isPending} onClick={() => mutation.mutate("approve")}>
        Approve
      </button>
      <button type="button" className="button button-small button-danger" data-testid="reject" disabled={mutation.isPending} onClick={() => mutation.mutate("reject")}>
        Reject
      </button>
      {mutation.isError && <ActionError error={mutation.error} />}
    </form>
  );
}

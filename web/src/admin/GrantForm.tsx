import { useState, type FormEvent } from "react";
import { useGrant, useRevoke } from "../api/adminHooks";
import { readableError } from "../api/errors";
import { useClassificationDefs } from "../api/hooks";
import { EMPTY_GRANT, ENTITY_GRANT_ACTIONS, ROLES, grantArgs, type GrantDraft, type GrantKind } from "./roles";

const KINDS: { kind: GrantKind; label: string }[] = [
  { kind: "entity", label: "An action on one entity" },
  { kind: "clearance", label: "Clearance for a restricted classification" },
  { kind: "role", label: "A role" },
  { kind: "approve", label: "Approve promotions of a model" },
];

/** Grant, or revoke the same thing (revoke takes grant's arguments). */
export function GrantForm({ principalNames }: { principalNames: string[] }) {
  const [draft, setDraft] = useState<GrantDraft>(EMPTY_GRANT);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const defs = useClassificationDefs();
  const grant = useGrant();
  const revoke = useRevoke();
  const set = (change: Partial<GrantDraft>) => setDraft({ ...draft, ...change });
  const pending = grant.isPending || revoke.isPending;
  const failure = grant.error ?? revoke.error;

  function submit(which: "grant" | "revoke") {
    const { args, error } = grantArgs(draft);
    setInvalid(error);
    setOutcome(null);
    if (!args) return;
    grant.reset();
    revoke.reset();
    const run = which === "grant" ? grant : revoke;
    run.mutate(args, {
      onSuccess: (changed) =>
        setOutcome(which === "grant" ? (changed ? "Granted." : "Already granted.") : changed ? "Revoked." : "There was nothing to revoke."),
    });
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    submit("grant");
  }

  return (
    <form className="adm-form adm-grant-form" onSubmit={onSubmit} data-testid="grant-form">
      <label className="adm-field">
        <span>Principal</span>
        <input list="adm-principal-names" data-testid="grant-principal" value={draft.principal} onChange={(e) => set({ principal: e.target.value })} />
        <datalist id="adm-principal-names">
          {principalNames.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </label>
      <label className="adm-field">
        <span>Grant</span>
        <select data-testid="grant-kind" value={draft.kind} onChange={(e) => set({ kind: e.target.value as GrantKind })}>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {draft.kind === "entity" && (
        <>
          <label className="adm-field">
            <span>Action</span>
            <select data-testid="grant-action" value={draft.entityAction} onChange={(e) => set({ entityAction: e.target.value })}>
              {ENTITY_GRANT_ACTIONS.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <label className="adm-field">
            <span>Entity id</span>
            <input data-testid="grant-entity" value={draft.entityId} onChange={(e) => set({ entityId: e.target.value })} />
          </label>
        </>
      )}
      {draft.kind === "clearance" && (
        <label className="adm-field">
          <span>Classification</span>
          <select data-testid="grant-classification" value={draft.classification} onChange={(e) => set({ classification: e.target.value })}>
            <option value="">Choose…</option>
            {(defs.data ?? [])
              .filter((d) => d.restricted)
              .map((d) => (
                <option key={d.name}>{d.name}</option>
              ))}
          </select>
        </label>
      )}
      {draft.kind === "role" && (
        <label className="adm-field">
          <span>Role</span>
          <select data-testid="grant-role" value={draft.role} onChange={(e) => set({ role: e.target.value })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
      )}
      {draft.kind === "approve" && (
        <label className="adm-field">
          <span>Model id</span>
          <input data-testid="grant-model" value={draft.modelId} onChange={(e) => set({ modelId: e.target.value })} />
        </label>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary" data-testid="grant-submit" disabled={pending}>
          Grant
        </button>
        <button type="button" className="button button-danger" data-testid="revoke-submit" disabled={pending} onClick={() => submit("revoke")}>
          Revoke
        </button>
      </div>
      {outcome && (
        <p className="small" role="status" data-testid="grant-outcome">
          {outcome}
        </p>
      )}
      {(invalid || failure) && (
        <p role="alert" className="error" data-testid="grant-error">
          {invalid ?? readableError(failure)}
        </p>
      )}
    </form>
  );
}

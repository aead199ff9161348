/** The built-in roles (policies/policy.csv) and the shapes a runtime grant takes (the grant mutation's doc). */

export const ROLES = ["admin", "governance-reviewer", "data-engineer", "data-scientist", "viewer"] as const;

export type GrantKind = "entity" | "clearance" | "role" | "approve";

export const ENTITY_GRANT_ACTIONS = ["read", "write", "classify"] as const;

export interface GrantDraft {
  principal: string;
  kind: GrantKind;
  /** read | write | classify, for an entity grant */
  entityAction: string;
  entityId: string;
  classification: string;
  role: string;
  modelId: string;
}

export const EMPTY_GRANT: GrantDraft = {
  principal: "",
  kind: "entity",
  entityAction: "read",
  entityId: "",
  classification: "",
  role: "viewer",
  modelId: "",
};

export type GrantArgsOrError =
  | { args: { principal: string; action: string; entityId: string | null; classification: string | null }; error: null }
  | { args: null; error: string };

/** The grant/revoke arguments a draft means, or what is missing from it. */
export function grantArgs(draft: GrantDraft): GrantArgsOrError {
  const principal = draft.principal.trim();
  if (!principal) return { args: null, error: "principal: choose who the grant is for" };
  switch (draft.kind) {
    case "entity": {
      const entityId = draft.entityId.trim();
      if (!entityId) return { args: null, error: "entity: give the id of the entity" };
      return { args: { principal, action: draft.entityAction, entityId, classification: null }, error: null };
    }
    case "clearance":
      if (!draft.classification) return { args: null, error: "classification: choose a restricted classification" };
      return { args: { principal, action: "read", entityId: null, classification: draft.classification }, error: null };
    case "role":
      if (!draft.role) return { args: null, error: "role: choose a role" };
      return { args: { principal, action: `role:${draft.role}`, entityId: null, classification: null }, error: null };
    case "approve": {
      const modelId = draft.modelId.trim();
      if (!modelId) return { args: null, error: "model: give the id of the model whose promotions they may approve" };
      return { args: { principal, action: "approve", entityId: modelId, classification: null }, error: null };
    }
  }
}

/** How a stored grant reads: "read on <id>", "clearance for PII", "role admin", "approve promotions of <id>". */
export function describeGrant(grant: { action: string; entityId: string | null; classification: string | null }): string {
  if (grant.action.startsWith("role:")) return `role ${grant.action.slice("role:".length)}`;
  if (grant.classification) return `clearance for ${grant.classification}`;
  if (grant.action === "approve") return "approve promotions of";
  return `${grant.action} on`;
}

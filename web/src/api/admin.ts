/**
 * The audit log and access administration over GraphQL (admin and governance-reviewer; the server
 * answers FORBIDDEN to anyone else): audit events and the chain check, principals and their tokens,
 * runtime grants, classification definitions.
 */

import { graphql } from "./client";
import type { ClassificationDef, Connection } from "./types";

export interface AuditEvent {
  seq: number;
  time: string;
  principal: string;
  action: string;
  resourceId: string | null;
  resourceType: string | null;
  resourceIds: string[];
  decision: string;
  rule: string;
  requestId: string;
  client: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  principal: string | null;
  entityId: string | null;
  action: string | null;
  decision: string | null;
  since: string | null;
  until: string | null;
  after: string | null;
  first?: number;
}

export interface AuditChainCheck {
  ok: boolean;
  verifiedThroughSeq: number;
  headHash: string | null;
  checked: number;
  firstBrokenSeq: number | null;
  message: string;
  pending: number;
  checkedAt: string;
}

export interface Principal {
  name: string;
  roles: string[];
  active: boolean;
  createdAt: string | null;
}

export interface NewPrincipal {
  principal: Principal;
  token: string;
}

export interface Grant {
  principal: string;
  action: string;
  entityId: string | null;
  classification: string | null;
  createdAt: string | null;
}

/** What `grant` and `revoke` take: an action on one entity, a clearance, or a role (`role:<role>`). */
export interface GrantArgs {
  principal: string;
  action: string;
  entityId: string | null;
  classification: string | null;
}

export interface DefineClassificationArgs {
  name: string;
  description: string | null;
  attributes: string[];
  propagate: boolean;
  restricted: boolean;
}

const AUDIT_FIELDS = `seq time principal action resourceId resourceType resourceIds decision rule requestId client
  details prevHash hash`;
const PRINCIPAL_FIELDS = "name roles active createdAt";

export async function auditEvents(q: AuditQuery): Promise<Connection<AuditEvent>> {
  const data = await graphql<{ auditEvents: Connection<AuditEvent> }>(
    `query Audit($principal: String, $entityId: ID, $action: String, $decision: String, $since: DateTime,
                 $until: DateTime, $first: Int!, $after: String) {
      auditEvents(principal: $principal, entityId: $entityId, action: $action, decision: $decision, since: $since,
                  until: $until, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { ${AUDIT_FIELDS} } }
      }
    }`,
    { ...q, first: q.first ?? 50 },
  );
  return data.auditEvents;
}

export async function auditChain(): Promise<AuditChainCheck> {
  const data = await graphql<{ auditChain: AuditChainCheck }>(
    `query Chain { auditChain { ok verifiedThroughSeq headHash checked firstBrokenSeq message pending checkedAt } }`,
  );
  return data.auditChain;
}

export async function principals(first = 100, after: string | null = null): Promise<Connection<Principal>> {
  const data = await graphql<{ principals: Connection<Principal> }>(
    `query Principals($first: Int!, $after: String) {
      principals(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { ${PRINCIPAL_FIELDS} } }
      }
    }`,
    { first, after },
  );
  return data.principals;
}

export async function grants(): Promise<Grant[]> {
  const data = await graphql<{ grants: Grant[] }>(
    "query Grants { grants { principal action entityId classification createdAt } }",
  );
  return data.grants;
}

export async function createPrincipal(name: string, roles: string[]): Promise<NewPrincipal> {
  const data = await graphql<{ createPrincipal: NewPrincipal }>(
    `mutation Create($name: String!, $roles: [String!]!) {
      createPrincipal(name: $name, roles: $roles) { token principal { ${PRINCIPAL_FIELDS} } }
    }`,
    { name, roles },
  );
  return data.createPrincipal;
}

export async function rotateToken(name: string): Promise<string> {
  const data = await graphql<{ rotateToken: string }>("mutation Rotate($name: String!) { rotateToken(name: $name) }", {
    name,
  });
  return data.rotateToken;
}

export async function deactivatePrincipal(name: string): Promise<boolean> {
  const data = await graphql<{ deactivatePrincipal: boolean }>(
    "mutation Deactivate($name: String!) { deactivatePrincipal(name: $name) }",
    { name },
  );
  return data.deactivatePrincipal;
}

const GRANT_VARIABLES = "$principal: String!, $action: String!, $entityId: ID, $classification: String";
const GRANT_ARGUMENTS = "principal: $principal, action: $action, entityId: $entityId, classification: $classification";

export async function grant(args: GrantArgs): Promise<boolean> {
  const data = await graphql<{ grant: boolean }>(`mutation Grant(${GRANT_VARIABLES}) { grant(${GRANT_ARGUMENTS}) }`, {
    ...args,
  });
  return data.grant;
}

export async function revoke(args: GrantArgs): Promise<boolean> {
  const data = await graphql<{ revoke: boolean }>(`mutation Revoke(${GRANT_VARIABLES}) { revoke(${GRANT_ARGUMENTS}) }`, {
    ...args,
  });
  return data.revoke;
}

export async function defineClassification(args: DefineClassificationArgs): Promise<ClassificationDef> {
  const data = await graphql<{ defineClassification: ClassificationDef }>(
    `mutation Define($name: String!, $description: String, $attributes: [String!], $propagate: Boolean!, $restricted: Boolean!) {
      defineClassification(name: $name, description: $description, attributes: $attributes, propagate: $propagate,
                           restricted: $restricted) { name description attributes propagate restricted builtIn }
    }`,
    { ...args },
  );
  return data.defineClassification;
}

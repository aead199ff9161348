/** React hooks over api/admin.ts: the audit browser's queries and the access administration's mutations. */

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  auditChain,
  auditEvents,
  createPrincipal,
  deactivatePrincipal,
  defineClassification,
  grant,
  grants,
  principals,
  revoke,
  rotateToken,
  type AuditQuery,
  type DefineClassificationArgs,
  type GrantArgs,
} from "./admin";
import { entitySummaries } from "./queries";

export function useAuditEvents(query: AuditQuery | null) {
  return useQuery({
    queryKey: ["auditEvents", query],
    queryFn: () => auditEvents(query as AuditQuery),
    enabled: query !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/**
 * The chain is walked on the server each time it is asked (never cached: it is a check, not data);
 * `enabled` holds the walk until the page has shown it may read the audit log.
 */
export function useAuditChain(enabled = true) {
  return useQuery({ queryKey: ["auditChain"], queryFn: auditChain, staleTime: 0, gcTime: 0, enabled });
}

/** Names of a grouped event's entities, when it is opened (at most `limit` of them; hidden ones are null). */
export function useEventEntities(ids: string[], open: boolean, limit: number) {
  const shown = ids.slice(0, limit);
  return useQuery({ queryKey: ["entitySummaries", shown], queryFn: () => entitySummaries(shown), enabled: open && shown.length > 0 });
}

export function usePrincipals() {
  return useQuery({ queryKey: ["principals"], queryFn: () => principals(), staleTime: 0 });
}

export function useGrants() {
  return useQuery({ queryKey: ["grants"], queryFn: grants, staleTime: 0 });
}

function useAdminMutation<A, R>(run: (args: A) => Promise<R>, invalidates: string[]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => Promise.all(invalidates.map((key) => client.invalidateQueries({ queryKey: [key] }))),
  });
}

export function useCreatePrincipal() {
  return useAdminMutation(({ name, roles }: { name: string; roles: string[] }) => createPrincipal(name, roles), ["principals"]);
}

export function useRotateToken() {
  return useAdminMutation(rotateToken, []);
}

export function useDeactivatePrincipal() {
  return useAdminMutation(deactivatePrincipal, ["principals"]);
}

export function useGrant() {
  return useAdminMutation((args: GrantArgs) => grant(args), ["grants", "principals"]);
}

export function useRevoke() {
  return useAdminMutation((args: GrantArgs) => revoke(args), ["grants", "principals"]);
}

export function useDefineClassification() {
  return useAdminMutation((args: DefineClassificationArgs) => defineClassification(args), ["classificationDefs"]);
}

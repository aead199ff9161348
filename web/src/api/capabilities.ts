/**
 * What the signed-in principal may do, as the server's policy decides it (`me { capabilities }`). The
 * console only hides what a principal cannot use; the server refuses anyway.
 */

import { useQuery } from "@tanstack/react-query";
import { graphql } from "./client";

export type Capability =
  | "audit:read"
  | "principals:read"
  | "principals:admin"
  | "grants:admin"
  | "classifications:define"
  | "promotions:approve";

export interface Me {
  name: string;
  roles: string[];
  capabilities: string[];
}

export async function me(): Promise<Me> {
  const data = await graphql<{ me: Me }>("query Me { me { name roles capabilities } }");
  return data.me;
}

export interface Capabilities {
  me: Me | undefined;
  /** Still asking: nothing is allowed until the answer comes. */
  loading: boolean;
  can: (capability: Capability) => boolean;
}

export function useCapabilities(): Capabilities {
  const answer = useQuery({ queryKey: ["me"], queryFn: me, staleTime: 60_000 });
  const granted = answer.data?.capabilities ?? [];
  return {
    me: answer.data,
    loading: answer.isPending,
    can: (capability) => granted.includes(capability),
  };
}

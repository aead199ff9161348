/** The session routes (CONSOLE_CONTRACT): sign in with a token, who am I, sign out. */

import { requestJson } from "./client";

export interface SessionPrincipal {
  name: string;
  roles: string[];
}

export interface Session {
  principal: SessionPrincipal;
  expiresAt: string;
}

export function signIn(token: string): Promise<Session | null> {
  return requestJson<Session>(
    "/api/v1/session",
    { method: "POST", body: JSON.stringify({ token }) },
    { redirectOn401: false },
  );
}

export function currentSession(): Promise<Session | null> {
  return requestJson<Session>("/api/v1/session", { method: "GET" });
}

export async function signOut(): Promise<void> {
  await requestJson<null>("/api/v1/session", { method: "DELETE" }, { redirectOn401: false });
}

/** Roles that may classify, declassify and block propagation (policies/policy.csv); the server decides. */
export function mayClassify(roles: readonly string[]): boolean {
  return roles.includes("admin") || roles.includes("data-engineer");
}

/** Where a signed-out user goes: /login, coming back to `next` (the page they were on) afterwards. */

export function loginPath(next: string): string {
  return next && next !== "/" && !next.startsWith("/login") ? `/login?next=${encodeURIComponent(next)}` : "/login";
}

/** A `next` parameter made safe: only a path on this origin (never `//host` or `https://...`). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/search";
  return next;
}

export function redirectToLogin(): void {
  const here = window.location.pathname + window.location.search;
  if (window.location.pathname === "/login") return;
  window.location.assign(loginPath(here));
}

/**
 * The one way the app talks to the server: GraphQL over POST /graphql and the session routes, with the
 * session cookie (credentials same-origin; the token itself never lives in JavaScript). Every failure
 * becomes an ApiError with the server's code; 401 sends the user to /login, 503 raises the banner.
 */

import { ApiError, errorFromBody } from "./errors";
import { setUnavailable } from "./availability";
import { redirectToLogin } from "./navigation";

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: "same-origin", ...init });
  } catch (cause) {
    // A request its caller cancelled (a newer search superseded it) is no failure of the server.
    if (init.signal?.aborted) throw cause;
    throw new ApiError("The server cannot be reached.", "NETWORK", 0, { cause: String(cause) });
  }
}

function noteFailure(error: ApiError, { redirectOn401 }: { redirectOn401: boolean }): ApiError {
  if (error.code === "UNAVAILABLE") setUnavailable(true);
  if (error.code === "UNAUTHENTICATED" && redirectOn401) redirectToLogin();
  return error;
}

export async function graphql<T>(
  query: string,
  variables: Record<string, unknown> = {},
  { signal }: { signal?: AbortSignal } = {},
): Promise<T> {
  const response = await send("/graphql", {
    method: "POST",
    signal,
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await readJson(response)) as { data?: T; errors?: unknown[] } | null;
  if (!response.ok || body?.errors?.length || !body?.data) {
    throw noteFailure(errorFromBody(body, response.status), { redirectOn401: true });
  }
  setUnavailable(false);
  return body.data;
}

export async function requestJson<T>(
  path: string,
  init: RequestInit = {},
  { redirectOn401 = true }: { redirectOn401?: boolean } = {},
): Promise<T | null> {
  const response = await send(path, {
    ...init,
    headers: { Accept: "application/json", ...(init.body ? { "Content-Type": "application/json" } : {}), ...init.headers },
  });
  const body = await readJson(response);
  if (!response.ok) throw noteFailure(errorFromBody(body, response.status), { redirectOn401 });
  setUnavailable(false);
  return body as T | null;
}

/**
 * TanStack Query's client: UNAVAILABLE and network failures are retried for as long as they last
 * (with backoff, the banner saying so); every other error is the server's answer, shown at once.
 */

import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./errors";

function transient(error: unknown): boolean {
  return error instanceof ApiError && (error.code === "UNAVAILABLE" || error.code === "NETWORK");
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (_count, error) => transient(error),
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 10_000),
        refetchOnWindowFocus: false,
        staleTime: 30_000,
      },
      mutations: { retry: false },
    },
  });
}

/** React hooks over the queries: the session (who is signed in) and the classification definitions. */

import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { isUnavailable, subscribeAvailability } from "./availability";
import { classificationDefs } from "./queries";
import { currentSession } from "./session";

export function useSession() {
  return useQuery({ queryKey: ["session"], queryFn: currentSession, staleTime: 60_000 });
}

export function useClassificationDefs() {
  return useQuery({ queryKey: ["classificationDefs"], queryFn: classificationDefs, staleTime: 60_000 });
}

export function useUnavailable(): boolean {
  return useSyncExternalStore(subscribeAvailability, isUnavailable);
}

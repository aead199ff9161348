import { useQuery } from "@tanstack/react-query";
import { entity } from "./queries";

/** The entity of a page; null (missing or hidden, the same thing to the app) renders the not-found page. */
export function useEntity(id: string) {
  return useQuery({ queryKey: ["entity", id], queryFn: () => entity(id) });
}

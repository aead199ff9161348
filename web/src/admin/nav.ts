/** The console's pages in the top bar, and which capability (if any) each needs to be shown. */

import type { Capability } from "../api/capabilities";

export interface NavItem {
  label: string;
  to: string;
  /** Needed to see it in the navigation; none means every signed-in principal may use the page. */
  needs?: Capability;
  /** A page served outside the app (a full navigation, not a client route). */
  external?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { label: "Search", to: "/search" },
  { label: "Classifications", to: "/classifications" },
  { label: "Experiments", to: "/experiments" },
  { label: "Models", to: "/models" },
  { label: "Promotions", to: "/promotions" },
  { label: "Deployments", to: "/deployments" },
  { label: "Audit", to: "/audit", needs: "audit:read" },
  { label: "Admin", to: "/admin/principals", needs: "principals:read" },
  { label: "GraphiQL", to: "/graphql", external: true },
];

/** The items a principal with these capabilities may see, in order. */
export function visibleNav(capabilities: readonly string[]): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.needs || capabilities.includes(item.needs));
}

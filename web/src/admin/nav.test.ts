import { describe, expect, it } from "vitest";
import { NAV_ITEMS, visibleNav } from "./nav";

const labels = (capabilities: string[]) => visibleNav(capabilities).map((item) => item.label);

describe("visibleNav", () => {
  it("shows a viewer every page but Audit and Admin", () => {
    expect(labels([])).toEqual(["Search", "Classifications", "Experiments", "Models", "Promotions", "Deployments", "GraphiQL"]);
  });

  it("shows Audit with audit:read and Admin with principals:read", () => {
    expect(labels(["audit:read"])).toContain("Audit");
    expect(labels(["audit:read"])).not.toContain("Admin");
    expect(labels(["audit:read", "principals:read"])).toEqual(NAV_ITEMS.map((item) => item.label));
  });
});

import { describe, expect, it } from "vitest";
import { EMPTY_GRANT, describeGrant, grantArgs } from "./roles";

describe("grantArgs", () => {
  it("builds each kind of grant", () => {
    const base = { ...EMPTY_GRANT, principal: " ana " };
    expect(grantArgs({ ...base, kind: "entity", entityAction: "write", entityId: "ds:1" }).args).toEqual({
      principal: "ana",
      action: "write",
      entityId: "ds:1",
      classification: null,
    });
    expect(grantArgs({ ...base, kind: "clearance", classification: "PII" }).args).toEqual({
      principal: "ana",
      action: "read",
      entityId: null,
      classification: "PII",
    });
    expect(grantArgs({ ...base, kind: "role", role: "data-engineer" }).args?.action).toBe("role:data-engineer");
    expect(grantArgs({ ...base, kind: "approve", modelId: "m:1" }).args).toEqual({
      principal: "ana",
      action: "approve",
      entityId: "m:1",
      classification: null,
    });
  });

  it("names what is missing", () => {
    expect(grantArgs(EMPTY_GRANT).error).toContain("principal");
    expect(grantArgs({ ...EMPTY_GRANT, principal: "a", entityId: " " }).error).toContain("entity");
    expect(grantArgs({ ...EMPTY_GRANT, principal: "a", kind: "clearance" }).error).toContain("classification");
    expect(grantArgs({ ...EMPTY_GRANT, principal: "a", kind: "approve" }).error).toContain("model");
  });
});

describe("describeGrant", () => {
  it("reads each shape", () => {
    expect(describeGrant({ action: "role:admin", entityId: null, classification: null })).toBe("role admin");
    expect(describeGrant({ action: "read", entityId: null, classification: "PII" })).toBe("clearance for PII");
    expect(describeGrant({ action: "approve", entityId: "m", classification: null })).toBe("approve promotions of");
    expect(describeGrant({ action: "classify", entityId: "e", classification: null })).toBe("classify on");
  });
});

import { describe, expect, it } from "vitest";
import { cursorStartingAt, NO_FILTERS, parseAuditFilters, serializeAuditFilters, startingAt, toAuditQuery, toInstant, withFilters } from "./auditFilters";

describe("parseAuditFilters", () => {
  it("is empty for an empty URL", () => {
    expect(parseAuditFilters("")).toEqual(NO_FILTERS);
  });

  it("reads every filter, trimmed, and normalizes the decision", () => {
    expect(
      parseAuditFilters("principal=%20alice%20&entity=e%3A1&action=read&decision=DENY&since=2026-12-01&until=2026-12-02T10:00&after=c1"),
    ).toEqual({
      principal: "alice",
      entity: "e:1",
      action: "read",
      decision: "deny",
      since: "2026-12-01",
      until: "2026-12-02T10:00",
      after: "c1",
    });
  });

  it("drops an unknown decision and blank values", () => {
    expect(parseAuditFilters("decision=maybe&principal=%20&action=").decision).toBeNull();
    expect(parseAuditFilters("principal=%20").principal).toBeNull();
  });
});

describe("serializeAuditFilters", () => {
  it("leaves unset filters out and round-trips, ids encoded", () => {
    const filters = { ...NO_FILTERS, principal: "bob", entity: "ds:a/b c", decision: "allow" as const };
    const search = serializeAuditFilters(filters).toString();
    expect(search).toBe("principal=bob&entity=ds%3Aa%2Fb+c&decision=allow");
    expect(parseAuditFilters(search)).toEqual(filters);
  });

  it("a new filter starts again at the first page", () => {
    const paged = { ...NO_FILTERS, principal: "bob", after: "cursor" };
    expect(withFilters(paged, { action: "grant" })).toEqual({ ...NO_FILTERS, principal: "bob", action: "grant" });
  });
});

describe("toAuditQuery", () => {
  it("turns times into instants and names a bad one", () => {
    expect(toInstant("2026-12-01T10:30:00Z")).toBe("2026-12-01T10:30:00.000Z");
    expect(toInstant("2026-12-01")).toBe(new Date("2026-12-01T00:00").toISOString());
    expect(toInstant("yesterday")).toBeNull();
    expect(toInstant("2026-13-45")).toBeNull();

    const ok = toAuditQuery({ ...NO_FILTERS, entity: "x", since: "2026-12-01T10:30:00Z", after: "c" }, 50);
    expect(ok.query).toEqual({
      principal: null,
      entityId: "x",
      action: null,
      decision: null,
      since: "2026-12-01T10:30:00.000Z",
      until: null,
      after: "c",
      first: 50,
    });
    const bad = toAuditQuery({ ...NO_FILTERS, until: "soon" }, 50);
    expect(bad.query).toBeNull();
    expect(bad.error).toContain("until");
  });
});

describe("startingAt", () => {
  it("drops every filter and pages from just above the event (the server's seq cursor)", () => {
    const start = startingAt(41);
    expect({ ...start, after: null }).toEqual(NO_FILTERS);
    expect(atob(start.after ?? "")).toBe("seq:42");
  });

  it("writes a URL-safe cursor", () => {
    for (const seq of [0, 62, 1000, 999999, 123456789]) {
      const cursor = cursorStartingAt(seq);
      expect(cursor).toMatch(/^[A-Za-z0-9_=-]+$/);
      expect(atob(cursor.replaceAll("-", "+").replaceAll("_", "/"))).toBe(`seq:${seq + 1}`);
    }
  });
});

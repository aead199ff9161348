import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, parseView, serializeView } from "./urlState";

describe("parseView", () => {
  it("defaults to both directions at depth 1", () => {
    expect(parseView("")).toEqual(DEFAULT_VIEW);
  });

  it("reads every parameter", () => {
    expect(parseView("direction=upstream&depth=3&asOf=2026-05-01T10:00:00Z&types=DATASET,run&pathTo=abc")).toEqual({
      direction: "UPSTREAM",
      depth: 3,
      asOf: "2026-05-01T10:00:00Z",
      types: ["DATASET", "RUN"],
      pathTo: "abc",
    });
  });

  it("falls back on bad values and clamps the depth", () => {
    expect(parseView("direction=sideways&depth=-2&asOf=yesterday&types=NOPE,MODEL,MODEL")).toEqual({
      ...DEFAULT_VIEW,
      types: ["MODEL"],
    });
    expect(parseView("depth=99").depth).toBe(50);
    expect(parseView("depth=2.5").depth).toBe(1);
  });
});

describe("serializeView", () => {
  it("leaves defaults out and round-trips", () => {
    expect(serializeView(DEFAULT_VIEW).toString()).toBe("");
    const view = { direction: "DOWNSTREAM" as const, depth: 4, asOf: "2026-05-01T10:00:00.000Z", types: ["FEATURE" as const], pathTo: null };
    const text = serializeView(view).toString();
    expect(text).toBe("direction=DOWNSTREAM&depth=4&asOf=2026-05-01T10%3A00%3A00.000Z&types=FEATURE");
    expect(parseView(text)).toEqual(view);
  });
});

import { describe, expect, it } from "vitest";
import { differs, parseCompare, serializeCompare } from "./compareState";
import {
  defaultColumns,
  parseColumns,
  parseView,
  rememberColumns,
  rememberedColumns,
  serializeView,
  type ExperimentView,
} from "./viewState";

describe("experiment view in the URL", () => {
  it("round-trips every field", () => {
    const view: ExperimentView = {
      filter: "lr < 0.01",
      order: "val_auc desc",
      status: ["FINISHED", "FAILED"],
      cols: [{ kind: "param", name: "lr" }, { kind: "metric", name: "ns:val.auc", aggregate: "MAX" }],
      sel: ["a", "b"],
    };
    const search = serializeView(view).toString();
    expect(parseView(search)).toEqual(view);
    expect(search).toContain("cols=p%3Alr%2Cm%3Ans%3Aval.auc%3Amax");
  });
  it("defaults and drops unknown statuses and malformed columns", () => {
    expect(parseView("status=BOGUS,RUNNING&cols=x:1,m:loss:median,m:loss:min")).toEqual({
      filter: "",
      order: "",
      status: ["RUNNING"],
      cols: [{ kind: "metric", name: "loss", aggregate: "MIN" }],
      sel: [],
    });
    expect(parseView("").cols).toBeNull();
    expect(parseColumns("")).toEqual([]);
  });
  it("defaults to parameters then metrics (last)", () => {
    expect(defaultColumns(["lr"], ["loss"])).toEqual([
      { kind: "param", name: "lr" },
      { kind: "metric", name: "loss", aggregate: "LAST" },
    ]);
  });
  it("remembers columns per experiment", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    rememberColumns("e1", [{ kind: "param", name: "lr" }], storage);
    expect(rememberedColumns("e1", storage)).toEqual([{ kind: "param", name: "lr" }]);
    expect(rememberedColumns("e2", storage)).toBeNull();
  });
});

describe("compare view in the URL", () => {
  it("round-trips ids with reserved characters, toggles and aggregate", () => {
    const view = { ids: ["run:1", "a,b"], diff: true, transpose: true, agg: "MAX" as const };
    const search = serializeCompare(view);
    expect(search).toBe("?ids=run%3A1,a%2Cb&diff=1&transpose=1&agg=max");
    expect(parseCompare(search)).toEqual(view);
  });
  it("defaults to last, no toggles, and drops duplicate ids", () => {
    expect(parseCompare("?ids=a,a,b&agg=median")).toEqual({ ids: ["a", "b"], diff: false, transpose: false, agg: "LAST" });
  });
  it("tells differing parameters", () => {
    expect(differs([1, 1, 1])).toBe(false);
    expect(differs([1, 2])).toBe(true);
    expect(differs(["adam", null])).toBe(true);
  });
});

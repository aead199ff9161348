import { describe, expect, it } from "vitest";
import { runsQuery } from "./runsArgs";
import { parseView } from "./viewState";

const keys = { params: ["lr"], metrics: ["val_auc", "loss"] };

describe("runsQuery", () => {
  it("asks early, before the keys, when the view names none, with the same args as later", () => {
    const view = parseView("status=FINISHED");
    const early = runsQuery("e1", view, null, null);
    expect(early.args).toEqual({ experimentId: "e1", filter: [], orderBy: null, status: ["FINISHED"], metricNames: null });
    expect(runsQuery("e1", view, null, keys)).toEqual(early);
  });
  it("waits for the keys when a filter or sort names bare keys", () => {
    expect(runsQuery("e1", parseView("filter=lr+%3C+0.01"), null, null)).toEqual({ args: null, error: null });
    const later = runsQuery("e1", parseView("filter=lr+%3C+0.01&order=val_auc+desc"), null, keys);
    expect(later.args?.filter).toEqual([{ comparison: "LT", value: 0.01, param: "lr" }]);
    expect(later.args?.orderBy).toEqual({ metric: "val_auc", aggregate: "LAST", direction: "DESC" });
  });
  it("asks only the chosen metric columns, and names a bad filter", () => {
    const chosen = [{ kind: "metric" as const, name: "val_auc", aggregate: "MAX" as const }, { kind: "param" as const, name: "lr" }];
    expect(runsQuery("e1", parseView(""), chosen, keys).args?.metricNames).toEqual(["val_auc"]);
    expect(runsQuery("e1", parseView("filter=nope+%3E+1"), null, keys).error).toContain("nope");
  });
});

import { describe, expect, it } from "vitest";
import { orderText, parseFilter, parseOrder } from "./filter";

const keys = { params: ["lr", "optimizer", "batch_size"], metrics: ["val_auc", "loss"] };

describe("parseFilter", () => {
  it("maps a parameter condition", () => {
    expect(parseFilter("lr < 0.01", keys)).toEqual({ ok: true, value: [{ comparison: "LT", value: 0.01, param: "lr" }] });
  });
  it("maps metrics with aggregates, strings, and joins by and/commas", () => {
    const parsed = parseFilter('max(val_auc) >= 0.8 and optimizer = "adam", loss <= 1', keys);
    expect(parsed).toEqual({
      ok: true,
      value: [
        { comparison: "GTE", value: 0.8, metric: "val_auc", aggregate: "MAX" },
        { comparison: "EQ", value: "adam", param: "optimizer" },
        { comparison: "LTE", value: 1, metric: "loss", aggregate: "LAST" },
      ],
    });
  });
  it("honours explicit prefixes and != ", () => {
    expect(parseFilter("params.val_auc != 3", keys)).toEqual({ ok: true, value: [{ comparison: "NE", value: 3, param: "val_auc" }] });
  });
  it("is empty for blank text", () => {
    expect(parseFilter("  ", keys)).toEqual({ ok: true, value: [] });
  });
  it("names what is wrong", () => {
    const unknown = parseFilter("momentum < 1", keys);
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error).toContain("momentum");
    if (!unknown.ok) expect(unknown.error).toContain("params.momentum");
    expect(parseFilter("params.momentum < 1", keys)).toEqual({ ok: true, value: [{ comparison: "LT", value: 1, param: "momentum" }] });
    const noOp = parseFilter("lr 0.1", keys);
    expect(noOp.ok).toBe(false);
    const textMetric = parseFilter("val_auc > high", keys);
    expect(textMetric.ok).toBe(false);
    if (!textMetric.ok) expect(textMetric.error).toContain("number");
  });
});

describe("parseOrder", () => {
  it("is null for the default order", () => {
    expect(parseOrder("", keys)).toEqual({ ok: true, value: null });
  });
  it("sorts best val_auc first, or ascending", () => {
    expect(parseOrder("val_auc desc", keys)).toEqual({ ok: true, value: { metric: "val_auc", aggregate: "LAST", direction: "DESC" } });
    expect(parseOrder("min(loss) asc", keys)).toEqual({ ok: true, value: { metric: "loss", aggregate: "MIN", direction: "ASC" } });
    expect(parseOrder("+lr", keys)).toEqual({ ok: true, value: { param: "lr", direction: "ASC" } });
  });
  it("flips the direction of the current sort column", () => {
    const current = { metric: "val_auc", aggregate: "MAX" as const, direction: "DESC" as const };
    expect(orderText({ metric: "val_auc", aggregate: "MAX" }, current)).toBe("max(val_auc) asc");
    expect(orderText({ metric: "val_auc", aggregate: "LAST" }, current)).toBe("last(val_auc) desc");
    expect(orderText({ param: "lr" }, null)).toBe("params.lr desc");
  });
});

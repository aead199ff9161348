import { describe, expect, it } from "vitest";
import { alignSeries, yRange } from "./align";
import { axisLabel, formatValue, pngFileName } from "./format";

describe("alignSeries", () => {
  it("puts series on the union of their steps, null where a series has no point", () => {
    const [xs, a, b] = alignSeries([
      { label: "a", points: [{ step: 0, value: 1 }, { step: 2, value: 3 }] },
      { label: "b", points: [{ step: 1, value: 5 }, { step: 2, value: null }] },
    ]);
    expect(xs).toEqual([0, 1, 2]);
    expect(a).toEqual([1, null, 3]);
    expect(b).toEqual([null, 5, null]);
  });

  it("thins a huge union to the column limit, keeping first and last step", () => {
    const many = Array.from({ length: 5 }, (_, s) => ({
      label: `s${s}`,
      points: Array.from({ length: 100 }, (_, i) => ({ step: i * 5 + s, value: i })),
    }));
    const [xs, ...columns] = alignSeries(many, 50);
    expect(xs.length).toBe(50);
    expect(xs[0]).toBe(0);
    expect(xs[49]).toBe(99 * 5 + 4);
    for (const column of columns) expect(column.length).toBe(50);
    expect(columns[4][49]).toBe(99);
  });
});

describe("yRange", () => {
  it("includes thresholds outside the data", () => {
    const [low, high] = yRange(0.2, 0.4, [0.9]);
    expect(low).toBeLessThan(0.2);
    expect(high).toBeGreaterThan(0.9);
  });
  it("pads a flat series", () => {
    expect(yRange(2, 2, [])).toEqual([1.8, 2.2]);
  });
});

describe("format", () => {
  it("labels axes with units and names PNG files", () => {
    expect(axisLabel("latency", "ms")).toBe("latency (ms)");
    expect(formatValue(0.123456)).toBe("0.12346");
    expect(formatValue(null)).toBe("–");
    expect(pngFileName("val_auc / run 1")).toBe("val_auc-run-1.png");
  });
});

import { describe, expect, it } from "vitest";
import { chartPoints, commitUrl, formatBytes, metricValue } from "./values";

describe("values", () => {
  it("links commits for http, scp and ssh repo URLs only", () => {
    expect(commitUrl("https://github.com/acme/churn.git", "abc123")).toBe("https://github.com/acme/churn/commit/abc123");
    expect(commitUrl("git@gitlab.com:acme/churn.git", "abc123")).toBe("https://gitlab.com/acme/churn/commit/abc123");
    expect(commitUrl("ssh://git@github.com/acme/churn", "abc123")).toBe("https://github.com/acme/churn/commit/abc123");
    expect(commitUrl("javascript:alert(1)", "abc123")).toBeNull();
    expect(commitUrl("https://github.com/acme/churn", "not a sha")).toBeNull();
    expect(commitUrl(null, "abc123")).toBeNull();
  });
  it("turns non-finite metric values into chart gaps", () => {
    expect(chartPoints([{ step: 1, value: "NaN" }, { step: 2, value: 0.5 }])).toEqual([
      { step: 1, value: null },
      { step: 2, value: 0.5 },
    ]);
  });
  it("picks the aggregate and formats bytes", () => {
    const metrics = [{ name: "loss", last: 0.2, min: 0.1, max: 0.9, count: 3 }];
    expect(metricValue(metrics, "loss", "MIN")).toBe(0.1);
    expect(metricValue(metrics, "loss", "MAX")).toBe(0.9);
    expect(metricValue(metrics, "acc", "LAST")).toBeNull();
    expect(formatBytes(16 * 1024 ** 3)).toBe("16 GiB");
  });
});

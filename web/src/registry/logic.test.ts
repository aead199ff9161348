import { describe, expect, it } from "vitest";
import type { AlertRule, PromotionWithContext } from "../api/registryTypes";
import {
  chartPoints,
  namedVersionIds,
  chartNumber,
  decisionOffer,
  describeRule,
  formatMetricValue,
  keyMetrics,
  modelPath,
  needsGovernanceReviewer,
  newestFirst,
  statusFromParam,
  thresholdsFor,
  versionLabel,
} from "./logic";

function promotion(fields: Partial<PromotionWithContext> = {}, allowed: string[] = ["read", "approve"]): PromotionWithContext {
  return {
    id: "p1", modelId: "m1", versionId: "v1", alias: "production", status: "PENDING", requestedBy: "alice",
    requestedAt: "2026-12-01T10:00:00Z", comment: null, restrictedUpstream: [], needsGovernance: false,
    decidedBy: null, decidedAt: null, decisionComment: null, version: null,
    model: { id: "m1", entity: { name: "churn", qualifiedName: "churn", allowedActions: allowed } },
    ...fields,
  };
}

function rule(fields: Partial<AlertRule>): AlertRule {
  return {
    id: "r", metric: "drift", comparison: "GT", threshold: 0.3, window: 1, description: null, createdBy: "a",
    createdAt: "2026-12-01T10:00:00Z", firing: false, openAlertId: null, active: true, ...fields,
  };
}

describe("decisionOffer", () => {
  it("offers the requester no approval of their own request, whatever they may do", () => {
    expect(decisionOffer(promotion(), "alice")).toBe("self");
  });
  it("offers Approve and Reject to another principal the model allows to approve", () => {
    expect(decisionOffer(promotion(), "rita")).toBe("decide");
  });
  it("offers nothing to a principal without approve, and nothing on a decided request", () => {
    expect(decisionOffer(promotion({}, ["read"]), "bob")).toBe("not-allowed");
    expect(decisionOffer(promotion({ model: null }), "bob")).toBe("not-allowed");
    expect(decisionOffer(promotion({ status: "APPROVED" }), "rita")).toBe("decided");
  });
});

describe("the inbox", () => {
  it("reads its status from the URL, PENDING by default and for nonsense, ALL for every status", () => {
    expect(statusFromParam(null)).toBe("PENDING");
    expect(statusFromParam("rejected")).toBe("REJECTED");
    expect(statusFromParam("bogus")).toBe("PENDING");
    expect(statusFromParam("ALL")).toBeNull();
  });
  it("puts the newest request first", () => {
    const older = promotion({ id: "old", requestedAt: "2026-11-30T10:00:00Z" });
    const newer = promotion({ id: "new", requestedAt: "2026-12-01T09:00:00+00:00" });
    expect(newestFirst([older, newer]).map((p) => p.id)).toEqual(["new", "old"]);
  });
  it("badges a request with restricted data upstream even if the flag were missing", () => {
    expect(needsGovernanceReviewer({ needsGovernance: false, restrictedUpstream: ["PII"] })).toBe(true);
    expect(needsGovernanceReviewer({ needsGovernance: true, restrictedUpstream: [] })).toBe(true);
    expect(needsGovernanceReviewer({ needsGovernance: false, restrictedUpstream: [] })).toBe(false);
  });
  it("shows the last value of a few metrics, by name", () => {
    const metrics = ["val_auc", "loss", "acc", "zz", "f1"].map((name, i) => ({ name, last: i + 0.123456, lastStep: 1 }));
    expect(keyMetrics(metrics, 3)).toEqual([
      { name: "acc", value: "2.123" },
      { name: "f1", value: "4.123" },
      { name: "loss", value: "1.123" },
    ]);
  });
});

describe("values and labels", () => {
  it("formats metric values, non-finite ones as the server spells them", () => {
    expect(formatMetricValue(null)).toBe("–");
    expect(formatMetricValue("NaN")).toBe("NaN");
    expect(formatMetricValue(3)).toBe("3");
    expect(formatMetricValue(0.00001234)).toBe("1.234e-5");
    expect(chartNumber("NaN")).toBeNaN();
    expect(chartNumber("-Infinity")).toBe(-Infinity);
  });
  it("labels versions by number and encodes ids in paths", () => {
    expect(versionLabel({ version: 3, entity: { name: "churn/v3" } })).toBe("v3");
    expect(versionLabel({ version: null, entity: { name: "churn/x" } })).toBe("churn/x");
    expect(versionLabel(null)).toBe("hidden version");
    expect(modelPath("model:a/b")).toBe("/models/model%3Aa%2Fb");
  });
});

describe("thresholdsFor", () => {
  it("draws each active rule of the metric once per threshold, with what it means", () => {
    const rules = [
      rule({ id: "a", threshold: 0.3 }),
      rule({ id: "b", threshold: 0.3, comparison: "GTE", window: 5 }),
      rule({ id: "c", threshold: 0.1, comparison: "LT" }),
      rule({ id: "d", metric: "latency", threshold: 200 }),
      rule({ id: "e", threshold: 0.9, active: false }),
    ];
    expect(thresholdsFor("drift", rules)).toEqual([
      { value: 0.1, label: "drift < 0.1" },
      { value: 0.3, label: "drift > 0.3; mean of last 5 drift ≥ 0.3" },
    ]);
    expect(describeRule(rules[3])).toBe("latency > 200");
  });
});

describe("deployment helpers", () => {
  it("turns non-finite monitoring values into gaps", () => {
    expect(chartPoints([{ step: 1, value: 0.5 }, { step: 2, value: "NaN" }, { step: 3, value: "Infinity" }])).toEqual([
      { step: 1, value: 0.5 },
      { step: 2, value: null },
      { step: 3, value: null },
    ]);
  });
  it("names every version a deployment page shows, once", () => {
    const ids = namedVersionIds({
      liveVersionId: "v1",
      rollbackStack: ["v2"],
      history: [{ versionId: "v1", previousVersionId: "v3" }, { versionId: "v3", previousVersionId: null }],
    });
    expect(ids).toEqual(["v1", "v2", "v3"]);
  });
});

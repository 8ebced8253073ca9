import { describe, expect, it } from "vitest";
import type { Affinity } from "../../../model/index.js";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { affinity } from "./index.js";

const node = testNode("a", { labels: { zone: "a", tier: "web" } });
const score = (...affinities: Affinity[]) => affinity.score(testContext({ affinities }), node);
const zoneA = (weight: number): Affinity => ({ key: "zone", op: "=", value: "a", weight });
const tierDb = (weight: number): Affinity => ({ key: "tier", op: "=", value: "db", weight });

describe("affinity", () => {
  it("applies only when the job or task has affinities", () => {
    expect(affinity.applies(testContext())).toBe(false);
    expect(affinity.applies(testContext({ affinities: [zoneA(50)] }))).toBe(true);
  });

  it("is neutral (50) when no affinity holds", () => {
    expect(score(tierDb(80))).toBe(50);
    expect(score(tierDb(-50))).toBe(50);
    expect(score({ key: "zone", op: "in", values: ["b", "c"], weight: 100 })).toBe(50);
  });

  it("scores 100 for a full-weight affinity that holds and 0 for a full-weight avoidance", () => {
    expect(score(zoneA(100))).toBe(100);
    expect(score(zoneA(-100))).toBe(0);
    expect(score({ key: "gpu", op: "notexists", weight: 100 })).toBe(100);
  });

  it("rises with the weight of what holds and falls with what is avoided", () => {
    expect(score(zoneA(20))).toBeGreaterThan(50);
    expect(score(zoneA(60))).toBeGreaterThan(score(zoneA(20)));
    expect(score(zoneA(-20))).toBeLessThan(50);
    expect(score(zoneA(-60))).toBeLessThan(score(zoneA(-20)));
  });

  it("weighs an affinity that holds against those that do not", () => {
    // Only zone=a holds: the more weight the others carry, the milder its pull.
    expect(score(zoneA(60), tierDb(20))).toBeGreaterThan(score(zoneA(60), tierDb(100)));
    expect(score(zoneA(60), tierDb(100))).toBeGreaterThan(50);
    // Holding a preference and an avoidance of equal weight cancels out.
    expect(score(zoneA(50), { key: "tier", op: "=", value: "web", weight: -50 })).toBe(50);
  });

  it("stays within 0..100", () => {
    for (const w of [-100, -37, 1, 99, 100]) {
      const s = score(zoneA(w), tierDb(w), { key: "tier", op: "exists", weight: w });
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(100);
    }
  });
});

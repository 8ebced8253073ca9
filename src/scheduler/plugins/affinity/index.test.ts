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

  it("scores 100 when every positive affinity holds and 50 when none does", () => {
    expect(score(zoneA(50))).toBe(100);
    expect(score(tierDb(80))).toBe(50);
  });

  it("scores below neutral when a negative affinity holds", () => {
    expect(score(zoneA(-50))).toBe(0);
    expect(score(tierDb(-50))).toBe(50);
  });

  it("normalises by the total absolute weight", () => {
    // +60 holds out of |60|+|20| → 50 + 50*60/80 = 87.5 → 88
    expect(score(zoneA(60), tierDb(20))).toBe(88);
    // +20 of 80 holds, -60 does not → 50 + 50*20/80 = 62.5 → 63
    expect(score({ ...zoneA(20) }, { ...tierDb(-60) })).toBe(63);
  });

  it("uses constraint operators", () => {
    expect(score({ key: "gpu", op: "notexists", weight: 100 })).toBe(100);
    expect(score({ key: "zone", op: "in", values: ["b", "c"], weight: 100 })).toBe(50);
  });
});

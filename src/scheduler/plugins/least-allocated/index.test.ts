import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { leastAllocated } from "./index.js";

const node = testNode("a");
const spread = { algorithm: "spread" } as const;
const used = (cpu: number, memory: number) => ({ used: { [node.id]: { cpu, memory, disk: 0 } } });

describe("least-allocated", () => {
  it("applies to the spread algorithm only", () => {
    expect(leastAllocated.applies(testContext(spread))).toBe(true);
    expect(leastAllocated.applies(testContext())).toBe(false);
  });

  it("scores the free share after placement", () => {
    // utilisation after = 0.1875 → 81
    expect(leastAllocated.score(testContext(spread), node)).toBe(81);
    expect(leastAllocated.score(testContext(spread, used(3000, 7168)), node)).toBe(0);
  });

  it("prefers the emptier node", () => {
    const emptier = leastAllocated.score(testContext(spread, used(1000, 1024)), node);
    const fuller = leastAllocated.score(testContext(spread, used(2000, 4096)), node);
    expect(emptier).toBeGreaterThan(fuller);
  });
});

import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { avoidFailed } from "./index.js";

const failedOn = testNode("a");
const other = testNode("b");

describe("avoid-failed", () => {
  it("applies only to an instance that failed somewhere before", () => {
    expect(avoidFailed.applies(testContext())).toBe(false);
    expect(avoidFailed.applies(testContext({}, { avoidNodes: [failedOn.id] }))).toBe(true);
  });

  it("scores the nodes it failed on 0 and every other node 100", () => {
    const ctx = testContext({}, { avoidNodes: [failedOn.id, "node-gone"] });
    expect(avoidFailed.score(ctx, failedOn)).toBe(0);
    expect(avoidFailed.score(ctx, other)).toBe(100);
  });

  it("is a ranking, not a filter: it outweighs a default ranker but never excludes", () => {
    expect(avoidFailed.weight).toBeGreaterThan(1);
    expect("check" in avoidFailed).toBe(false);
  });
});

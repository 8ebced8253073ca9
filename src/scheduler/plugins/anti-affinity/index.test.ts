import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { antiAffinity } from "./index.js";

const node = testNode("a");
const withReplicas = (n: number) =>
  testContext({ desiredCount: 5 }, { taskCount: { [node.id]: n } });

describe("anti-affinity", () => {
  it("applies only when the task wants more than one instance", () => {
    expect(antiAffinity.applies(testContext({ desiredCount: 1 }))).toBe(false);
    expect(antiAffinity.applies(testContext({ desiredCount: 2 }))).toBe(true);
  });

  it("scores 100 on a node without replicas, falling with each one there", () => {
    expect(antiAffinity.score(withReplicas(0), node)).toBe(100);
    expect(antiAffinity.score(withReplicas(1), node)).toBe(50);
    expect(antiAffinity.score(withReplicas(3), node)).toBe(25);
  });

  it("counts replicas of the task on that node only", () => {
    const ctx = testContext({ desiredCount: 3 }, { taskCount: { "node-other": 4 } });
    expect(antiAffinity.score(ctx, node)).toBe(100);
  });
});

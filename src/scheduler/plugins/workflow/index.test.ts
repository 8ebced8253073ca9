import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { workflow } from "./index.js";

const chosen = testNode("a");
const other = testNode("b");

describe("workflow", () => {
  it("applies only when a whole-workflow plan chose a node for the instance", () => {
    expect(workflow.applies(testContext())).toBe(false);
    expect(workflow.applies(testContext({}, { preferredNode: chosen.id }))).toBe(true);
  });

  it("scores the chosen node 100 and any other 0", () => {
    const ctx = testContext({}, { preferredNode: chosen.id });
    expect(workflow.score(ctx, chosen)).toBe(100);
    expect(workflow.score(ctx, other)).toBe(0);
  });

  it("outweighs a default ranker", () => {
    expect(workflow.weight).toBeGreaterThan(1);
  });
});

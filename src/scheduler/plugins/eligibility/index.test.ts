import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { eligibility } from "./index.js";

describe("eligibility", () => {
  const ctx = testContext();

  it("passes a ready, eligible node", () => {
    expect(eligibility.check(ctx, testNode("a"))).toBeNull();
  });

  it("filters nodes that are not ready, naming their status", () => {
    expect(eligibility.check(ctx, testNode("a", { status: "down" }))).toBe("not ready (down)");
    expect(eligibility.check(ctx, testNode("a", { status: "initializing" }))).toBe(
      "not ready (initializing)",
    );
  });

  it("filters a drained node", () => {
    expect(eligibility.check(ctx, testNode("a", { eligible: false }))).toBe("drained");
  });

  it("reports the status first when a node is both down and drained", () => {
    const node = testNode("a", { status: "down", eligible: false });
    expect(eligibility.check(ctx, node)).toBe("not ready (down)");
  });

  it("depends on the node class only, so it may be cached", () => {
    expect(eligibility.cacheable).toBe(true);
  });
});

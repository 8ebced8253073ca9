import { describe, expect, it } from "vitest";
import type { Constraint } from "../../../model/index.js";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { constraints } from "./index.js";

// Labels passed to testNode replace its defaults, so the site label is given here too.
const node = testNode("a", { labels: { "brink/site": "site-a", zone: "a", tier: "web" } });
const check = (...list: Constraint[]) =>
  constraints.check(testContext({ constraints: list }), node);

describe("constraints", () => {
  it("passes when there are no constraints", () => {
    expect(check()).toBeNull();
  });

  it("evaluates every operator against the node's labels", () => {
    expect(check({ key: "zone", op: "=", value: "a" })).toBeNull();
    expect(check({ key: "zone", op: "in", values: ["b", "a"] })).toBeNull();
    expect(check({ key: "zone", op: "!=", value: "b" })).toBeNull();
    expect(check({ key: "zone", op: "notin", values: ["b", "c"] })).toBeNull();
    expect(check({ key: "tier", op: "exists" })).toBeNull();
    expect(check({ key: "gpu", op: "notexists" })).toBeNull();
    expect(check({ key: "brink/site", op: "=", value: "site-a" })).toBeNull();
  });

  it("treats a missing label as unequal to every value", () => {
    expect(check({ key: "rack", op: "!=", value: "r1" })).toBeNull();
    expect(check({ key: "rack", op: "notin", values: ["r1"] })).toBeNull();
    expect(check({ key: "rack", op: "=", value: "r1" })).toBe("filtered by constraint rack = r1");
  });

  it("names the first constraint that fails", () => {
    expect(
      check(
        { key: "zone", op: "=", value: "a" },
        { key: "zone", op: "in", values: ["b", "c"] },
        { key: "tier", op: "notexists" },
      ),
    ).toBe("filtered by constraint zone in [b,c]");
    expect(check({ key: "tier", op: "notexists" })).toBe("filtered by constraint tier notexists");
    expect(check({ key: "zone", op: "notin", values: ["a"] })).toBe(
      "filtered by constraint zone notin [a]",
    );
  });

  it("depends on the node class only, so it may be cached", () => {
    expect(constraints.cacheable).toBe(true);
  });
});

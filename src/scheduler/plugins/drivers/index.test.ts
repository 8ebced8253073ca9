import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { drivers } from "./index.js";

describe("drivers", () => {
  it("passes a node whose agent runs the task's driver", () => {
    expect(drivers.check(testContext(), testNode("a", { drivers: ["wasm", "exec"] }))).toBeNull();
  });

  it("filters a node without the driver, naming it", () => {
    expect(drivers.check(testContext(), testNode("a", { drivers: [] }))).toBe(
      "missing driver exec",
    );
    expect(drivers.check(testContext({ driver: "wasm" }), testNode("a"))).toBe(
      "missing driver wasm",
    );
  });

  it("depends on the node class only, so it may be cached", () => {
    expect(drivers.cacheable).toBe(true);
  });
});

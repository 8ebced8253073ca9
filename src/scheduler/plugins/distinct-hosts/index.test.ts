import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { distinctHosts } from "./index.js";

const node = testNode("a");
const usage = { jobCount: { [node.id]: 1 }, taskCount: {} };

describe("distinct-hosts", () => {
  it("ignores co-located instances when the job does not ask for distinct hosts", () => {
    const ctx = testContext({}, { jobCount: { [node.id]: 3 }, taskCount: { [node.id]: 3 } });
    expect(distinctHosts.check(ctx, node)).toBeNull();
  });

  it("job mode: filters a node that holds any instance of the job", () => {
    expect(distinctHosts.check(testContext({ distinctHosts: "job" }, usage), node)).toBe(
      "distinct hosts: job already on node",
    );
    expect(distinctHosts.check(testContext({ distinctHosts: "job" }), node)).toBeNull();
  });

  it("task mode: only an instance of the same task counts", () => {
    expect(distinctHosts.check(testContext({ distinctHosts: "task" }, usage), node)).toBeNull();
    const same = { taskCount: { [node.id]: 1 }, jobCount: { [node.id]: 1 } };
    expect(distinctHosts.check(testContext({ distinctHosts: "task" }, same), node)).toBe(
      "distinct hosts: task already on node",
    );
  });

  it("depends on usage, so it is never cached per class", () => {
    expect(distinctHosts.cacheable).toBe(false);
  });
});

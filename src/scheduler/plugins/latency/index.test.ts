import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { latency } from "./index.js";

describe("latency", () => {
  const node = testNode("a");
  const bound = [{ to: "site:cam", maxMs: 20 }];

  it("passes a node within every bound and any node when there are none", () => {
    expect(latency.check(testContext({}), node)).toBeNull();
    expect(
      latency.check(testContext({ latency: bound }, { rtt: { "node-a site:cam": 12 } }), node),
    ).toBeNull();
  });

  it("names the bound a node misses, and treats unknown RTT as too far", () => {
    expect(
      latency.check(testContext({ latency: bound }, { rtt: { "node-a site:cam": 35 } }), node),
    ).toBe("RTT to site:cam over 20ms");
    expect(latency.check(testContext({ latency: bound }), node)).toBe("no known RTT to site:cam");
  });
});

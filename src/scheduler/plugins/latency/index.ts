import type { FeasibilityPlugin } from "../../plugin.js";

/**
 * Latency constraints: the node's measured (or declared) round trip to each target must be within
 * its bound. Unknown counts as too far: a camera stream must not land across an unmeasured WAN.
 */
export const latency: FeasibilityPlugin = {
  name: "latency",
  cacheable: false,
  applies: (ctx) => ctx.latency.length > 0,
  check(ctx, node) {
    for (const c of ctx.latency) {
      const rtt = ctx.rtt(node, c.to);
      if (rtt === undefined) return `no known RTT to ${c.to}`;
      if (rtt > c.maxMs) return `RTT to ${c.to} over ${c.maxMs}ms`;
    }
    return null;
  },
};

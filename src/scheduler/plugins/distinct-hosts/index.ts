import type { FeasibilityPlugin } from "../../plugin.js";

/** Hard anti-affinity: with `distinctHosts`, a node that already holds an instance is out. */
export const distinctHosts: FeasibilityPlugin = {
  name: "distinct-hosts",
  cacheable: false,
  applies: (ctx) => ctx.distinctHosts !== "none",
  check(ctx, node) {
    if (ctx.distinctHosts === "job" && ctx.jobCountOn(node.id) > 0)
      return "distinct hosts: job already on node";
    if (ctx.distinctHosts === "task" && ctx.taskCountOn(node.id) > 0)
      return "distinct hosts: task already on node";
    return null;
  },
};

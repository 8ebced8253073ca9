import type { FeasibilityPlugin } from "../../plugin.js";

/** The node's agent must be able to run the task's driver. */
export const drivers: FeasibilityPlugin = {
  name: "drivers",
  cacheable: true,
  check(ctx, node) {
    return node.drivers.includes(ctx.driver) ? null : `missing driver ${ctx.driver}`;
  },
};

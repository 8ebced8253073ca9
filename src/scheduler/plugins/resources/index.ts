import type { FeasibilityPlugin } from "../../plugin.js";

const REASONS = [
  null,
  "exhausted cpu",
  "exhausted memory",
  "exhausted cpu+memory",
  "exhausted disk",
  "exhausted cpu+disk",
  "exhausted memory+disk",
  "exhausted cpu+memory+disk",
] as const;

/**
 * The node must have the CPU, memory and disk free that the task asks for. Runs for most
 * candidates of every placement, so it allocates nothing: one bit per exhausted dimension picks
 * a constant reason.
 */
export const resources: FeasibilityPlugin = {
  name: "resources",
  cacheable: false,
  check(ctx, node) {
    const used = ctx.used(node.id);
    const total = node.resources;
    const need = ctx.need;
    // A dimension asked for 0 always fits, even on an over-committed node.
    const bits =
      (need.cpu > 0 && used.cpu + need.cpu > total.cpu ? 1 : 0) |
      (need.memory > 0 && used.memory + need.memory > total.memory ? 2 : 0) |
      (need.disk > 0 && used.disk + need.disk > total.disk ? 4 : 0);
    return REASONS[bits] ?? null;
  },
};

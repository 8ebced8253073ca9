import type { FeasibilityPlugin } from "../../plugin.js";

/** Only ready, eligible nodes take new work (a drained node keeps its work but takes none). */
export const eligibility: FeasibilityPlugin = {
  name: "eligibility",
  cacheable: true,
  check(_ctx, node) {
    if (node.status !== "ready") return `not ready (${node.status})`;
    if (!node.eligible) return "drained";
    return null;
  },
};

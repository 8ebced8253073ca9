import { constraintHolds } from "../../../model/index.js";
import type { ScorePlugin } from "../../plugin.js";

/**
 * Soft constraints: each affinity that holds on the node adds its weight (-100..100); the sum,
 * divided by the total absolute weight (at least 100, so a lone weight-40 affinity is a mild
 * preference and a weight-100 one a strong one), maps to 0..100 with 50 neutral.
 */
export const affinity: ScorePlugin = {
  name: "affinity",
  // An explicit affinity outweighs the default rankers (fit, anti-affinity).
  weight: 2,
  applies: (ctx) => ctx.affinities.length > 0,
  score(ctx, node) {
    let sum = 0;
    let total = 0;
    for (const a of ctx.affinities) {
      total += Math.abs(a.weight);
      if (constraintHolds(a, node.labels)) sum += a.weight;
    }
    return total === 0 ? 50 : Math.round(50 + (50 * sum) / Math.max(100, total));
  },
};

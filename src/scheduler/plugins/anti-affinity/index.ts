import type { ScorePlugin } from "../../plugin.js";

/**
 * Job anti-affinity: replicas of one task avoid sharing a node when they can, so one node's
 * loss takes few of them. 100 on a node with none, falling with each replica already there.
 */
export const antiAffinity: ScorePlugin = {
  name: "anti-affinity",
  weight: 1,
  applies: (ctx) => ctx.desiredCount > 1,
  score(ctx, node) {
    return Math.round(100 / (1 + ctx.taskCountOn(node.id)));
  },
};

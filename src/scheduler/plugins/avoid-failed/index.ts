import type { ScorePlugin } from "../../plugin.js";

/**
 * A rescheduled instance avoids the nodes it already failed on: 0 there, 100 elsewhere, weight 2.
 * Soft: if no other node fits, it may still go back.
 */
export const avoidFailed: ScorePlugin = {
  name: "avoid-failed",
  weight: 2,
  applies: (ctx) => ctx.avoidNodes().length > 0,
  score: (ctx, node) => (ctx.avoidNodes().includes(node.id) ? 0 : 100),
};

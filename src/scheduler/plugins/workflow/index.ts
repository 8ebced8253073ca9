import type { ScorePlugin } from "../../plugin.js";

/**
 * Workflow placement: the node the whole-workflow plan chose for this instance scores 100, any
 * other 0. Weight 2, so the plan usually wins but capacity and explicit preferences still count.
 */
export const workflow: ScorePlugin = {
  name: "workflow",
  weight: 2,
  applies: (ctx) => ctx.preferredNode() !== undefined,
  score: (ctx, node) => (ctx.preferredNode() === node.id ? 100 : 0),
};

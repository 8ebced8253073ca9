import type { ScorePlugin } from "../../plugin.js";
import { utilisationAfter } from "../bin-pack/index.js";

/** Spread scoring (`scheduling.algorithm: spread`): prefer the emptiest node, balancing load. */
export const leastAllocated: ScorePlugin = {
  name: "least-allocated",
  weight: 1,
  applies: (ctx) => ctx.algorithm === "spread",
  score: (ctx, node) => Math.round((1 - utilisationAfter(ctx, node)) * 100),
};

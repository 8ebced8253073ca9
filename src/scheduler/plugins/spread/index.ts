import type { Spread } from "../../../model/index.js";
import type { PlacementContext, ScorePlugin } from "../../plugin.js";

/**
 * Share of instances this label value should get: its target percentage, or an even share of
 * the values present in the cluster when no targets are given.
 */
function desiredShare(ctx: PlacementContext, s: Spread, value: string): number {
  if (s.targets) {
    const listed = s.targets[value];
    if (listed !== undefined) return listed / 100;
    const rest = 100 - Object.values(s.targets).reduce((a, b) => a + b, 0);
    const others = Math.max(1, ctx.spreadValues(s.key) - Object.keys(s.targets).length);
    return Math.max(0, rest) / 100 / others;
  }
  return 1 / Math.max(1, ctx.spreadValues(s.key));
}

/**
 * Spread: favour label values that hold fewer instances than their share. Boost
 * (desired - current) / desired in [-1, 1], mapped to 0..100 and averaged over the spread
 * blocks by weight. A node without the label scores 0.
 */
export const spread: ScorePlugin = {
  name: "spread",
  weight: 1,
  applies: (ctx) => ctx.spread.length > 0,
  score(ctx, node) {
    let sum = 0;
    let weights = 0;
    for (const s of ctx.spread) {
      weights += s.weight;
      const value = node.labels[s.key];
      if (value === undefined) continue;
      const desired = desiredShare(ctx, s, value) * (ctx.desiredCount || 1);
      const current = ctx.spreadCount(s.key, value);
      const boost = desired <= 0 ? -1 : Math.max(-1, Math.min(1, (desired - current) / desired));
      sum += s.weight * (50 + 50 * boost);
    }
    return weights === 0 ? 50 : Math.round(sum / weights);
  },
};

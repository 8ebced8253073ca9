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
 * Score of a value that is owed `deficit` more instances: 100 when it is owed at least one,
 * 50..100 for a fraction, below 50 once it holds more than its share (0 at one share over).
 */
export function deficitScore(deficit: number, desired: number): number {
  if (deficit >= 1) return 100;
  if (deficit > 0) return 50 + 50 * deficit;
  return Math.max(0, 50 + (50 * deficit) / Math.max(1, desired));
}

/**
 * Spread: favour label values that hold fewer instances than their share.  Each spread
 * block scores the node's label value by how many instances it is still owed (`deficitScore`);
 * blocks are averaged by weight. A node without the label scores 0.
 */
export const spread: ScorePlugin = {
  name: "spread",
  // An explicit spread request outweighs the default rankers (fit, anti-affinity).
  weight: 3,
  applies: (ctx) => ctx.spread.length > 0,
  score(ctx, node) {
    let sum = 0;
    let weights = 0;
    for (const s of ctx.spread) {
      weights += s.weight;
      const value = node.labels[s.key];
      if (value === undefined) continue;
      const desired = desiredShare(ctx, s, value) * (ctx.desiredCount || 1);
      sum += s.weight * deficitScore(desired - ctx.spreadCount(s.key, value), desired);
    }
    return weights === 0 ? 50 : Math.round(sum / weights);
  },
};

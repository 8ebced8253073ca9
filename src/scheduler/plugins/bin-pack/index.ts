import type { ScorePlugin } from "../../plugin.js";

/**
 * Bin-packing: prefer the node that will be fullest after placement, so whole machines stay free
 * for large tasks (and can be powered down). Scores the mean CPU/memory utilisation, 0..100.
 */
export const binPack: ScorePlugin = {
  name: "bin-pack",
  weight: 1,
  score(ctx, node) {
    const used = ctx.used(node.id);
    const cpu = node.resources.cpu > 0 ? (used.cpu + ctx.need.cpu) / node.resources.cpu : 1;
    const mem =
      node.resources.memory > 0 ? (used.memory + ctx.need.memory) / node.resources.memory : 1;
    return Math.round(Math.min(1, (cpu + mem) / 2) * 100);
  },
};

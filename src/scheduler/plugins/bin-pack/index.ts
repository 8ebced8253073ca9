import type { Node } from "../../../model/index.js";
import type { PlacementContext, ScorePlugin } from "../../plugin.js";

/** Mean CPU/memory utilisation of the node after placing the allocation, 0..1. */
export function utilisationAfter(ctx: PlacementContext, node: Node): number {
  const used = ctx.used(node.id);
  const cpu = node.resources.cpu > 0 ? (used.cpu + ctx.need.cpu) / node.resources.cpu : 1;
  const mem =
    node.resources.memory > 0 ? (used.memory + ctx.need.memory) / node.resources.memory : 1;
  return Math.min(1, (cpu + mem) / 2);
}

/**
 * Bin-packing (`scheduling.algorithm: binpack`, the default): prefer the node that will be
 * fullest after placement, so whole machines stay free for large tasks (and can be powered down).
 */
export const binPack: ScorePlugin = {
  name: "bin-pack",
  weight: 1,
  applies: (ctx) => ctx.algorithm === "binpack",
  score: (ctx, node) => Math.round(utilisationAfter(ctx, node) * 100),
};

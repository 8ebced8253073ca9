import type { Node } from "../model/index.js";
import { FilterTally } from "./explain.js";
import type { FeasibilityPlugin, PlacementContext, ScorePlugin } from "./plugin.js";

export interface Selection {
  node: Node | null;
  /** Winning score by ranker, plus `total`. */
  score: Record<string, number> | null;
  tally: FilterTally;
}

/** Nodes of one class (same status, eligibility, drivers and labels) pass or fail class checks alike. */
export function nodeClass(node: Node): string {
  const labels = Object.keys(node.labels)
    .sort()
    .map((k) => `${k}=${node.labels[k]}`)
    .join(",");
  return `${node.status}|${node.eligible}|${node.drivers.join(",")}|${labels}`;
}

/** Feasibility results of class-only checks, valid for one task within one evaluation. */
export type ClassCache = Map<string, string | null>;

function classCheck(
  ctx: PlacementContext,
  node: Node,
  plugins: readonly FeasibilityPlugin[],
  cache: ClassCache,
): string | null {
  const key = nodeClass(node);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let reason: string | null = null;
  for (const p of plugins) {
    if (!p.cacheable) continue;
    reason = p.check(ctx, node);
    if (reason !== null) break;
  }
  cache.set(key, reason);
  return reason;
}

function usageCheck(
  ctx: PlacementContext,
  node: Node,
  plugins: readonly FeasibilityPlugin[],
): string | null {
  for (const p of plugins) {
    if (p.cacheable) continue;
    const reason = p.check(ctx, node);
    if (reason !== null) return reason;
  }
  return null;
}

export function scoreNode(
  ctx: PlacementContext,
  node: Node,
  rankers: readonly ScorePlugin[],
): Record<string, number> {
  const out: Record<string, number> = {};
  let sum = 0;
  let weights = 0;
  for (const r of rankers) {
    const s = r.score(ctx, node);
    out[r.name] = s;
    sum += s * r.weight;
    weights += Math.abs(r.weight);
  }
  out.total = weights === 0 ? 0 : Math.round((sum / weights) * 100) / 100;
  return out;
}

/**
 * Places one allocation: walk the candidates (already shuffled by the caller), drop the
 * infeasible ones (counting why), score the rest and keep the best. Ties keep the earlier
 * candidate, so the seeded shuffle breaks them.
 */
export function selectNode(
  ctx: PlacementContext,
  candidates: readonly Node[],
  feasibility: readonly FeasibilityPlugin[],
  rankers: readonly ScorePlugin[],
  cache: ClassCache,
): Selection {
  const tally = new FilterTally();
  let best: Node | null = null;
  let bestScore: Record<string, number> | null = null;
  for (const node of candidates) {
    tally.evaluated++;
    const reason = classCheck(ctx, node, feasibility, cache) ?? usageCheck(ctx, node, feasibility);
    if (reason !== null) {
      tally.add(reason);
      continue;
    }
    const score = scoreNode(ctx, node, rankers);
    if (bestScore === null || (score.total ?? 0) > (bestScore.total ?? 0)) {
      best = node;
      bestScore = score;
    }
  }
  return { node: best, score: bestScore, tally };
}

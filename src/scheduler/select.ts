import type { Node } from "../model/index.js";
import { FilterTally } from "./explain.js";
import type { FeasibilityPlugin, PlacementContext, ScorePlugin } from "./plugin.js";

export interface Selection {
  node: Node | null;
  /** Winning score by ranker, plus `total`. */
  score: Record<string, number> | null;
  tally: FilterTally;
  /** Nodes that failed only checks preemption can lift (resources, GPUs). */
  preemptible: Node[];
}

const classes = new WeakMap<Node, string>();

/** Nodes of one class (same status, eligibility, drivers and labels) pass or fail class checks alike. */
export function nodeClass(node: Node): string {
  let key = classes.get(node);
  if (key === undefined) {
    // JSON, not a joined string: a label value containing "," or "=" must not alias another class.
    const labels = Object.keys(node.labels)
      .sort()
      .map((k) => [k, node.labels[k]]);
    key = JSON.stringify([node.status, node.eligible, node.drivers, labels]);
    classes.set(node, key);
  }
  return key;
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
): { reason: string; plugin: string } | null {
  for (const p of plugins) {
    if (p.cacheable) continue;
    const reason = p.check(ctx, node);
    if (reason !== null) return { reason, plugin: p.name };
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
    if (!r.applies(ctx)) continue;
    const s = r.score(ctx, node);
    out[r.name] = s;
    sum += s * r.weight;
    weights += Math.abs(r.weight);
  }
  out.total = weights === 0 ? 0 : Math.round((sum / weights) * 100) / 100;
  return out;
}

/**
 * The candidate source: the nodes in a seeded random order, walked round-robin across the
 * placements of one task so successive placements look at different nodes first (Nomad's
 * static iterator). Random order spreads load and makes the limit below a fair sample.
 */
export class CandidateSource {
  private offset = 0;

  constructor(readonly nodes: readonly Node[]) {}

  /** Visits nodes from the current offset; `visit` returns true to stop. */
  walk(visit: (node: Node) => boolean): void {
    const n = this.nodes.length;
    for (let i = 0; i < n; i++) {
      const node = this.nodes[(this.offset + i) % n] as Node;
      if (visit(node)) {
        this.offset = (this.offset + i + 1) % n;
        return;
      }
    }
  }
}

export interface SelectOptions {
  feasibility: readonly FeasibilityPlugin[];
  rankers: readonly ScorePlugin[];
  cache: ClassCache;
  /** Stop after this many feasible candidates and take the best of them (the limit stage). */
  limit: number;
  /** Which usage checks preemption may lift (to collect `preemptible` nodes when nothing fits). */
  preemptible?: ReadonlySet<string>;
}

/**
 * Places one allocation: source → feasibility (class checks cached, usage checks after) →
 * ranking → limit (the best of the first `limit` feasible candidates) → max score. Counts why
 * nodes were filtered. Ties keep the earlier candidate, so the seeded shuffle breaks them.
 */
export function selectNode(
  ctx: PlacementContext,
  source: CandidateSource,
  opts: SelectOptions,
): Selection {
  const tally = new FilterTally();
  const preemptible: Node[] = [];
  let best: Node | null = null;
  let bestScore: Record<string, number> | null = null;
  let feasible = 0;
  source.walk((node) => {
    tally.evaluated++;
    const classReason = classCheck(ctx, node, opts.feasibility, opts.cache);
    if (classReason !== null) {
      tally.add(classReason);
      return false;
    }
    const failed = usageCheck(ctx, node, opts.feasibility);
    if (failed !== null) {
      tally.add(failed.reason);
      if (opts.preemptible?.has(failed.plugin)) preemptible.push(node);
      return false;
    }
    const score = scoreNode(ctx, node, opts.rankers);
    if (bestScore === null || (score.total ?? 0) > (bestScore.total ?? 0)) {
      best = node;
      bestScore = score;
    }
    return ++feasible >= opts.limit;
  });
  return { node: best, score: bestScore, tally, preemptible };
}

/** How many feasible candidates to compare: more when spread or affinities need a wider view. */
export function limitFor(nodes: number, wide: boolean): number {
  const base = Math.max(2, Math.ceil(Math.log2(Math.max(2, nodes))));
  return wide ? base * 4 : base;
}

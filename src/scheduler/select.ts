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

/**
 * Labels that are (nearly) unique per node. They are left out of the node class, or every node
 * would be a class of its own and the class cache would never hit; a task whose constraints use
 * one is checked node by node instead (see `classKeyFor`).
 */
export const UNIQUE_LABELS: ReadonlySet<string> = new Set(["brink/hostname"]);

/** Nodes of one class (same status, eligibility, drivers and labels) pass or fail class checks alike. */
export function nodeClass(node: Node): string {
  let key = classes.get(node);
  if (key === undefined) {
    // JSON, not a joined string: a label value containing "," or "=" must not alias another class.
    const labels = Object.keys(node.labels)
      .filter((k) => !UNIQUE_LABELS.has(k))
      .sort()
      .map((k) => [k, node.labels[k]]);
    key = JSON.stringify([node.status, node.eligible, node.drivers, labels]);
    classes.set(node, key);
  }
  return key;
}

/** True when the task's constraints look at a unique label, so node classes cannot stand for it. */
export function needsPerNodeChecks(ctx: PlacementContext): boolean {
  return ctx.constraints.some((c) => UNIQUE_LABELS.has(c.key));
}

function classKeyFor(ctx: PlacementContext, node: Node): string {
  return needsPerNodeChecks(ctx) ? `node:${node.id}` : nodeClass(node);
}

/** Feasibility results of class-only checks, valid for one task within one evaluation. */
export type ClassCache = Map<string, string | null>;

function classCheck(
  ctx: PlacementContext,
  node: Node,
  plugins: readonly FeasibilityPlugin[],
  cache: ClassCache,
): string | null {
  const key = classKeyFor(ctx, node);
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

/** The usage checks (those that apply to this placement) in order; the first failure. */
function usageCheck(
  ctx: PlacementContext,
  node: Node,
  plugins: readonly FeasibilityPlugin[],
): { reason: string; plugin: string } | null {
  for (const p of plugins) {
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
 * `scoreNode`'s total alone: what candidates are compared by, computed without allocating.
 * `active` are the rankers that apply to this placement (`applies` looks only at the context,
 * so it is asked once per placement, not once per candidate); `weights` their absolute sum.
 */
function totalScore(
  ctx: PlacementContext,
  node: Node,
  active: readonly ScorePlugin[],
  weights: number,
): number {
  if (weights === 0) return 0;
  let sum = 0;
  for (const r of active) sum += r.score(ctx, node) * r.weight;
  return Math.round((sum / weights) * 100) / 100;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The candidate source: the nodes in a seeded pseudo-random order — position
 * `(start + k·stride) mod n` with `stride` coprime to `n` visits every node exactly once — walked
 * round-robin across the placements of one task so successive placements look at different nodes
 * first (Nomad's static iterator). O(1) to set up, so an evaluation never shuffles the fleet;
 * random order spreads load and makes the limit below a fair sample.
 */
export class CandidateSource {
  private offset = 0;
  private readonly start: number;
  private readonly stride: number;

  constructor(
    readonly nodes: readonly Node[],
    random: () => number = () => 0,
  ) {
    const n = Math.max(1, nodes.length);
    this.start = Math.floor(random() * n);
    let stride = 1 + Math.floor(random() * n);
    while (n > 1 && gcd(stride % n || 1, n) !== 1) stride++;
    this.stride = stride % n || 1;
  }

  /** Visits nodes from the current offset; `visit` returns true to stop. */
  walk(visit: (node: Node) => boolean): void {
    const n = this.nodes.length;
    for (let i = 0; i < n; i++) {
      const pos = (this.start + (this.offset + i) * this.stride) % n;
      if (visit(this.nodes[pos] as Node)) {
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
  /**
   * Set when the source holds only nodes that already passed the class checks: how many nodes
   * those checks dropped, and why (added to the explanation when nothing fits).
   */
  prefiltered?: { dropped: number; reasons: ReadonlyMap<string, number> };
  /**
   * Nodes to look at before the random sample, without using up its limit: where the task's data
   * lives, the whole-workflow plan's choice. A ranker that prefers a few nodes is only heard when
   * those nodes are among the candidates.
   */
  first?: readonly Node[];
}

/** Splits nodes into those that pass the class-only checks and counts why the others do not. */
export function classFilter(
  ctx: PlacementContext,
  nodes: readonly Node[],
  feasibility: readonly FeasibilityPlugin[],
  cache: ClassCache,
): { passed: readonly Node[]; dropped: number; reasons: Map<string, number> } {
  const passed: Node[] = [];
  const reasons = new Map<string, number>();
  if (needsPerNodeChecks(ctx)) {
    for (const node of nodes) {
      const reason = classCheck(ctx, node, feasibility, cache);
      if (reason === null) passed.push(node);
      else reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  } else {
    // Check each class once (on its first node), then sort the nodes in one tight loop.
    const { ids, firsts } = classIndex(nodes);
    const verdicts = firsts.map((node) => classCheck(ctx, node, feasibility, cache));
    // Every class passes (a fleet of alike nodes, a task with no constraints): the list itself.
    if (verdicts.every((v) => v === null)) return { passed: nodes, dropped: 0, reasons };
    for (let i = 0; i < nodes.length; i++) {
      const reason = verdicts[ids[i] as number] ?? null;
      if (reason === null) passed.push(nodes[i] as Node);
      else reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  return { passed, dropped: nodes.length - passed.length, reasons };
}

const classIndexes = new WeakMap<readonly Node[], { ids: Int32Array; firsts: Node[] }>();

/** Class number of every node in a node list, and the first node of each class (cached per list). */
function classIndex(nodes: readonly Node[]): { ids: Int32Array; firsts: Node[] } {
  let index = classIndexes.get(nodes);
  if (!index) {
    const numbers = new Map<string, number>();
    const ids = new Int32Array(nodes.length);
    const firsts: Node[] = [];
    nodes.forEach((node, i) => {
      const key = nodeClass(node);
      let n = numbers.get(key);
      if (n === undefined) {
        n = firsts.length;
        numbers.set(key, n);
        firsts.push(node);
      }
      ids[i] = n;
    });
    index = { ids, firsts };
    classIndexes.set(nodes, index);
  }
  return index;
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
  let bestTotal = 0;
  let feasible = 0;
  // Usage checks and rankers that can matter for this placement (each looks only at `ctx`).
  const checks = opts.feasibility.filter((p) => !p.cacheable && (p.applies?.(ctx) ?? true));
  const active = opts.rankers.filter((r) => r.applies(ctx));
  const weights = active.reduce((sum, r) => sum + Math.abs(r.weight), 0);
  /** Checks and scores one node; true when it is feasible. */
  const consider = (node: Node, classChecked: boolean): boolean => {
    tally.evaluated++;
    const classReason = classChecked ? null : classCheck(ctx, node, opts.feasibility, opts.cache);
    if (classReason !== null) {
      tally.add(classReason);
      return false;
    }
    const failed = usageCheck(ctx, node, checks);
    if (failed !== null) {
      tally.add(failed.reason);
      if (opts.preemptible?.has(failed.plugin)) preemptible.push(node);
      return false;
    }
    // Only the winner's score is kept with its parts: most candidates are compared and dropped.
    const total = totalScore(ctx, node, active, weights);
    if (best === null || total > bestTotal) {
      best = node;
      bestTotal = total;
    }
    return true;
  };
  const seen = opts.first && opts.first.length > 0 ? new Set<string>() : null;
  if (seen) {
    for (const node of opts.first ?? []) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      consider(node, false);
    }
  }
  const classChecked = opts.prefiltered !== undefined;
  source.walk((node) => {
    if (seen?.has(node.id)) return false;
    return consider(node, classChecked) && ++feasible >= opts.limit;
  });
  if (best === null && opts.prefiltered) {
    tally.evaluated += opts.prefiltered.dropped;
    for (const [reason, n] of opts.prefiltered.reasons) tally.add(reason, n);
  }
  const score = best === null ? null : scoreNode(ctx, best, opts.rankers);
  return { node: best, score, tally, preemptible };
}

/** How many feasible candidates to compare: more when spread or affinities need a wider view. */
export function limitFor(nodes: number, wide: boolean): number {
  const base = Math.max(2, Math.ceil(Math.log2(Math.max(2, nodes))));
  return wide ? base * 4 : base;
}

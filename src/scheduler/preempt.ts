import {
  type Allocation,
  addResources,
  exhaustedDimensions,
  type GpuRequest,
  type Node,
  type Resources,
  subtractResources,
} from "../model/index.js";
import type { PlacementState } from "./placement-state.js";
import { freeGpus } from "./plugins/gpus/index.js";

export interface PreemptionRequest {
  jobId: string;
  priority: number;
  need: Resources;
  gpu: GpuRequest | undefined;
  /** Milliseconds since the epoch: work lost = how long victims have run. */
  nowMs: number;
}

export interface PreemptionChoice {
  node: Node;
  victims: Allocation[];
  /** Lexicographic cost: highest victim priority, number of victims, work lost (ms). */
  cost: [number, number, number];
}

function fits(
  node: Node,
  req: PreemptionRequest,
  state: PlacementState,
  victims: readonly Allocation[],
) {
  // Not clamped at zero: an over-committed node's deficit must be covered by the evictions too.
  let free = subtractResources(node.resources, state.usedOn(node.id));
  for (const v of victims) free = addResources(free, v.resources);
  if (exhaustedDimensions(free, req.need).length > 0) return false;
  if (!req.gpu) return true;
  const used = new Set(state.devicesUsedOn(node.id));
  for (const v of victims) for (const d of v.devices) used.delete(d);
  return freeGpus(node, req.gpu, used).length >= req.gpu.count;
}

function workLost(victims: readonly Allocation[], nowMs: number): number {
  return victims.reduce((sum, v) => sum + Math.max(0, nowMs - Date.parse(v.createdAt)), 0);
}

/** Eviction order: lowest priority first, then the biggest (fewer evictions), then the newest (least work lost). */
function evictionOrder(node: Node) {
  const size = (a: Allocation) =>
    a.resources.cpu / Math.max(1, node.resources.cpu) +
    a.resources.memory / Math.max(1, node.resources.memory);
  return (a: Allocation, b: Allocation) =>
    a.priority - b.priority || size(b) - size(a) || b.createdAt.localeCompare(a.createdAt);
}

/** The smallest set of lower-priority allocations on `node` whose eviction makes the request fit. */
export function victimsOn(
  node: Node,
  req: PreemptionRequest,
  state: PlacementState,
): Allocation[] | null {
  const pool = (state.snapshot.allocsOn.get(node.id) ?? [])
    .filter((a) => !state.evicted.has(a.id) && a.priority < req.priority && a.jobId !== req.jobId)
    .sort(evictionOrder(node));
  const chosen: Allocation[] = [];
  for (const a of pool) {
    if (fits(node, req, state, chosen)) break;
    chosen.push(a);
  }
  if (!fits(node, req, state, chosen)) return null;
  // Drop victims that turned out unnecessary, most important first.
  for (let i = chosen.length - 1; i >= 0; i--) {
    const without = chosen.filter((_, k) => k !== i);
    if (fits(node, req, state, without)) chosen.splice(i, 1);
  }
  return chosen;
}

function lessCost(a: [number, number, number], b: [number, number, number]): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
}

/**
 * Preemption: among nodes that failed only on resources, find the eviction with the lowest cost
 * (lowest priority evicted, then fewest evictions, then least work lost). Never evicts equal or
 * higher priority, nor the job's own allocations.
 */
export function findPreemption(
  nodes: readonly Node[],
  req: PreemptionRequest,
  state: PlacementState,
): PreemptionChoice | null {
  let best: PreemptionChoice | null = null;
  for (const node of nodes) {
    const victims = victimsOn(node, req, state);
    if (!victims || victims.length === 0) continue;
    const top = victims.reduce((m, v) => Math.max(m, v.priority), 0);
    const cost: [number, number, number] = [top, victims.length, workLost(victims, req.nowMs)];
    if (!best || lessCost(cost, best.cost)) best = { node, victims, cost };
  }
  return best;
}

import type { TopologyGraph } from "./graph.js";

export interface Flow {
  id: string;
  /** The places the flow crosses, in order (e.g. a `shortestPath` route). */
  path: string[];
  /** The most the flow can use (e.g. its sender's own limit); default unlimited. */
  demandMbps?: number;
  /**
   * How many identical flows (same path, same demand) this entry stands for; default 1. The rate
   * returned is per flow. Lets a caller with many equal transfers share without listing each.
   */
  count?: number;
}

function linkKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

/**
 * Max-min fair sharing of link bandwidth between concurrent flows (progressive filling): all
 * unfrozen flows grow at the same rate until a link fills up or a flow reaches its demand; the
 * flows through a full link freeze at their rate, the others keep growing. No flow can get more
 * without taking from a flow that has less. Returns Mbps per flow id.
 */
export function maxMinFairShare(graph: TopologyGraph, flows: readonly Flow[]): Map<string, number> {
  const rate = new Map<string, number>(flows.map((f) => [f.id, 0]));
  const linksOf = new Map<string, string[]>();
  const capacity = new Map<string, number>();
  for (const f of flows) {
    const keys: string[] = [];
    for (let i = 1; i < f.path.length; i++) {
      const a = f.path[i - 1] as string;
      const b = f.path[i] as string;
      const link = graph.link(a, b);
      if (!link) throw new Error(`flow ${f.id}: no link ${a}→${b}`);
      const key = linkKey(a, b);
      capacity.set(key, link.bandwidthMbps);
      keys.push(key);
    }
    linksOf.set(f.id, keys);
  }
  let active = flows.filter((f) => (f.demandMbps ?? Number.POSITIVE_INFINITY) > 0);
  while (active.length > 0) {
    // How far every active flow can grow together before a link or a demand stops one.
    let step = Number.POSITIVE_INFINITY;
    const users = new Map<string, number>();
    for (const f of active)
      for (const k of linksOf.get(f.id) ?? []) users.set(k, (users.get(k) ?? 0) + (f.count ?? 1));
    for (const [k, n] of users) step = Math.min(step, (capacity.get(k) ?? 0) / n);
    for (const f of active)
      step = Math.min(step, (f.demandMbps ?? Number.POSITIVE_INFINITY) - (rate.get(f.id) ?? 0));
    if (!Number.isFinite(step)) {
      // Flows that cross no link and have no demand: unbounded.
      for (const f of active) rate.set(f.id, Number.POSITIVE_INFINITY);
      break;
    }
    for (const f of active) rate.set(f.id, (rate.get(f.id) ?? 0) + step);
    for (const [k, n] of users) capacity.set(k, (capacity.get(k) ?? 0) - step * n);
    const full = new Set([...users.keys()].filter((k) => (capacity.get(k) ?? 0) <= 1e-9));
    active = active.filter(
      (f) =>
        !(linksOf.get(f.id) ?? []).some((k) => full.has(k)) &&
        (rate.get(f.id) ?? 0) < (f.demandMbps ?? Number.POSITIVE_INFINITY) - 1e-9,
    );
  }
  return rate;
}

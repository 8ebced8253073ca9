import type { Allocation, NodeView } from "../../../src/model/index.js";

/** Allocations that hold resources on a node (placed, not finished). */
export function holdsResources(a: Allocation): boolean {
  return (
    a.nodeId !== null &&
    (a.status === "running" || a.status === "pending" || a.status === "unknown")
  );
}

/** GPUs in use per node id, from the allocations' reserved devices. */
export function gpusInUse(allocs: Allocation[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of allocs) {
    if (!holdsResources(a) || a.devices.length === 0 || !a.nodeId) continue;
    out.set(a.nodeId, (out.get(a.nodeId) ?? 0) + a.devices.length);
  }
  return out;
}

/** Labels a user set (without the built-in `brink/*` ones). */
export function userLabels(n: NodeView): string[] {
  return Object.entries(n.labels)
    .filter(([k]) => !k.startsWith("brink/"))
    .map(([k, v]) => `${k}=${v}`);
}

export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of items) out.set(key(i), (out.get(key(i)) ?? 0) + 1);
  return out;
}

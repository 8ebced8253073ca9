import {
  type Allocation,
  addResources,
  isTerminal,
  type Node,
  type Resources,
  subtractResources,
  ZERO_RESOURCES,
} from "../model/index.js";

/** A consistent, read-only view of the cluster that one evaluation schedules against. */
export interface Snapshot {
  nodes: readonly Node[];
  /** Allocations that hold resources on a node: placed, not terminal, desired to run. */
  usage: ReadonlyMap<string, Resources>;
}

/** True when an allocation holds resources on its node. */
export function holdsResources(a: Allocation): boolean {
  return a.nodeId !== null && a.desiredStatus === "run" && !isTerminal(a.status);
}

/** Sums the resources allocated per node. */
export function usageByNode(allocs: Iterable<Allocation>): Map<string, Resources> {
  const usage = new Map<string, Resources>();
  for (const a of allocs) {
    if (!holdsResources(a) || a.nodeId === null) continue;
    usage.set(a.nodeId, addResources(usage.get(a.nodeId) ?? ZERO_RESOURCES, a.resources));
  }
  return usage;
}

export function buildSnapshot(nodes: Iterable<Node>, allocs: Iterable<Allocation>): Snapshot {
  return { nodes: [...nodes], usage: usageByNode(allocs) };
}

/** Free resources of a node given what is already used (never below zero per dimension). */
export function freeOn(node: Node, used: Resources | undefined): Resources {
  const free = subtractResources(node.resources, used ?? ZERO_RESOURCES);
  return {
    cpu: Math.max(0, free.cpu),
    memory: Math.max(0, free.memory),
    disk: Math.max(0, free.disk),
  };
}

import {
  type Allocation,
  addResources,
  isTerminal,
  type Node,
  type Resources,
  subtractResources,
  ZERO_RESOURCES,
} from "../model/index.js";
import type { NetworkView } from "./network.js";

/** A consistent, read-only view of the cluster that one evaluation schedules against. */
export interface Snapshot {
  nodes: readonly Node[];
  /** Resources held per node by allocations that hold resources. */
  usage: ReadonlyMap<string, Resources>;
  /** GPU devices held per node. */
  devices: ReadonlyMap<string, ReadonlySet<string>>;
  /** Allocations holding resources, per node (preemption looks at them). */
  allocsOn: ReadonlyMap<string, readonly Allocation[]>;
  /**
   * Round-trip time (ms) from a node to a latency target (`site:…`, `node:…`, `label:k=v`),
   * measured or declared; undefined when unknown. Absent: no network knowledge.
   */
  rtt?: (node: Node, to: string) => number | undefined;
  /** Measured and declared network between nodes and sites (data locality, workflow transfers). */
  network?: NetworkView;
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
  const usage = new Map<string, Resources>();
  const devices = new Map<string, Set<string>>();
  const allocsOn = new Map<string, Allocation[]>();
  for (const a of allocs) {
    if (!holdsResources(a) || a.nodeId === null) continue;
    usage.set(a.nodeId, addResources(usage.get(a.nodeId) ?? ZERO_RESOURCES, a.resources));
    const list = allocsOn.get(a.nodeId);
    if (list) list.push(a);
    else allocsOn.set(a.nodeId, [a]);
    if (a.devices.length > 0) {
      const set = devices.get(a.nodeId) ?? new Set<string>();
      for (const d of a.devices) set.add(d);
      devices.set(a.nodeId, set);
    }
  }
  return { nodes: [...nodes], usage, devices, allocsOn };
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

import {
  type Allocation,
  addResources,
  type Resources,
  subtractResources,
  ZERO_RESOURCES,
} from "../model/index.js";
import type { Snapshot } from "./snapshot.js";

const NO_DEVICES: ReadonlySet<string> = new Set();

function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

/**
 * What is in use while one plan is being built: the snapshot plus this plan's placements and
 * stops — resources and GPU devices per node, and where this job's instances are (for spread,
 * anti-affinity and distinct hosts).
 */
export class PlacementState {
  private readonly used: Map<string, Resources>;
  private readonly devices = new Map<string, Set<string>>();
  /** Instances of this job per node, and per `task` + node. */
  private readonly jobOn = new Map<string, number>();
  private readonly taskOn = new Map<string, Map<string, number>>();
  /** Allocations evicted by this plan (so two placements never count the same victim twice). */
  readonly evicted = new Set<string>();

  constructor(readonly snapshot: Snapshot) {
    // Copy on write: only nodes this plan touches get an entry of their own.
    this.used = new Map();
  }

  /** Registers where the job's live instances already are. */
  countExisting(allocs: readonly Allocation[]): void {
    for (const a of allocs) if (a.nodeId !== null) this.count(a.task, a.nodeId, 1);
  }

  private count(task: string, nodeId: string, by: number): void {
    bump(this.jobOn, nodeId, by);
    let perNode = this.taskOn.get(task);
    if (!perNode) {
      perNode = new Map();
      this.taskOn.set(task, perNode);
    }
    bump(perNode, nodeId, by);
  }

  /** The node last asked about: a candidate's checks and rankers ask for it in a row. */
  private lastNode: string | null = null;
  private lastUsed: Resources = ZERO_RESOURCES;

  usedOn(nodeId: string): Resources {
    if (nodeId === this.lastNode) return this.lastUsed;
    const used = this.used.get(nodeId) ?? this.snapshot.usage.get(nodeId) ?? ZERO_RESOURCES;
    this.lastNode = nodeId;
    this.lastUsed = used;
    return used;
  }

  private setUsed(nodeId: string, used: Resources): void {
    this.used.set(nodeId, used);
    this.lastNode = nodeId;
    this.lastUsed = used;
  }

  devicesUsedOn(nodeId: string): ReadonlySet<string> {
    return this.devices.get(nodeId) ?? this.snapshot.devices.get(nodeId) ?? NO_DEVICES;
  }

  private ownDevices(nodeId: string): Set<string> {
    let set = this.devices.get(nodeId);
    if (!set) {
      set = new Set(this.snapshot.devices.get(nodeId) ?? []);
      this.devices.set(nodeId, set);
    }
    return set;
  }

  jobCountOn(nodeId: string): number {
    return this.jobOn.get(nodeId) ?? 0;
  }

  taskCountOn(task: string, nodeId: string): number {
    return this.taskOn.get(task)?.get(nodeId) ?? 0;
  }

  take(a: Pick<Allocation, "task" | "resources" | "devices">, nodeId: string): void {
    this.setUsed(nodeId, addResources(this.usedOn(nodeId), a.resources));
    if (a.devices.length > 0) {
      const set = this.ownDevices(nodeId);
      for (const d of a.devices) set.add(d);
    }
    this.count(a.task, nodeId, 1);
  }

  /** Frees what an allocation held; `ofThisJob` also forgets it in the job's counts. */
  release(
    a: Pick<Allocation, "task" | "resources" | "devices">,
    nodeId: string,
    ofThisJob: boolean,
  ): void {
    this.setUsed(nodeId, subtractResources(this.usedOn(nodeId), a.resources));
    if (a.devices.length > 0) {
      const set = this.ownDevices(nodeId);
      for (const d of a.devices) set.delete(d);
    }
    if (ofThisJob) this.count(a.task, nodeId, -1);
  }
}

import {
  type Allocation,
  addResources,
  type Node,
  type Resources,
  subtractResources,
  ZERO_RESOURCES,
} from "../../src/model/index.js";
import type { Plan } from "../../src/scheduler/plan.js";
import { holdsResources, type Snapshot } from "../../src/scheduler/snapshot.js";

/**
 * The cluster state the bench schedules against, kept up to date plan by plan (as the server's
 * in-memory state is) instead of rebuilding a snapshot from every allocation per evaluation.
 * It is a `Snapshot`: the scheduler reads the same maps.
 */
export class LiveSnapshot implements Snapshot {
  readonly usage = new Map<string, Resources>();
  readonly devices = new Map<string, Set<string>>();
  readonly allocsOn = new Map<string, Allocation[]>();
  /** Live allocations by id (the in-memory allocation list). */
  readonly allocs = new Map<string, Allocation>();
  private readonly byJob = new Map<string, Map<string, Allocation>>();

  constructor(readonly nodes: readonly Node[]) {}

  /** Applies a plan: placed allocations run and hold resources; stopped and evicted ones free them. */
  apply(plan: Plan): number {
    for (const a of plan.stop) this.remove(a.id);
    for (const a of plan.preempt) this.remove(a.id);
    for (const a of plan.update) {
      const old = this.allocs.get(a.id);
      if (old) this.allocs.set(a.id, { ...old, jobVersion: a.jobVersion, priority: a.priority });
    }
    let placed = 0;
    for (const a of plan.place) {
      if (a.nodeId === null) continue;
      this.add({ ...a, status: "running" });
      placed++;
    }
    return placed;
  }

  private add(a: Allocation): void {
    const nodeId = a.nodeId as string;
    if (!holdsResources(a)) return;
    this.remove(a.id);
    this.allocs.set(a.id, a);
    const mine = this.byJob.get(a.jobId) ?? new Map<string, Allocation>();
    mine.set(a.id, a);
    this.byJob.set(a.jobId, mine);
    this.usage.set(nodeId, addResources(this.usage.get(nodeId) ?? ZERO_RESOURCES, a.resources));
    if (a.devices.length > 0) {
      const set = this.devices.get(nodeId) ?? new Set<string>();
      for (const d of a.devices) set.add(d);
      this.devices.set(nodeId, set);
    }
    const list = this.allocsOn.get(nodeId);
    if (list) list.push(a);
    else this.allocsOn.set(nodeId, [a]);
  }

  private remove(id: string): void {
    const a = this.allocs.get(id);
    if (!a || a.nodeId === null) return;
    this.allocs.delete(id);
    this.byJob.get(a.jobId)?.delete(id);
    const nodeId = a.nodeId;
    this.usage.set(
      nodeId,
      subtractResources(this.usage.get(nodeId) ?? ZERO_RESOURCES, a.resources),
    );
    const set = this.devices.get(nodeId);
    for (const d of a.devices) set?.delete(d);
    const list = this.allocsOn.get(nodeId) ?? [];
    const i = list.findIndex((x) => x.id === id);
    if (i >= 0) list.splice(i, 1);
  }

  /** Allocations of one job (the scheduler's `allocs` input). */
  ofJob(jobId: string): Allocation[] {
    return [...(this.byJob.get(jobId)?.values() ?? [])];
  }
}

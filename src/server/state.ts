import type { Allocation, Job, Node } from "../model/index.js";
import type { Store } from "../store/index.js";

function addToIndex(index: Map<string, Set<string>>, key: string | null, id: string): void {
  if (key === null) return;
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(id);
}

function removeFromIndex(index: Map<string, Set<string>>, key: string | null, id: string): void {
  if (key === null) return;
  const set = index.get(key);
  set?.delete(id);
  if (set && set.size === 0) index.delete(key);
}

/**
 * The control plane's in-memory mirror of the store. The store is the source of truth and is
 * written first; this mirror is updated after each successful write, and the scheduler's
 * snapshots are read from it (no store round trip per evaluation).
 */
export class ClusterState {
  readonly nodes = new Map<string, Node>();
  readonly jobs = new Map<string, Job>();
  readonly allocs = new Map<string, Allocation>();
  private readonly jobsByName = new Map<string, string>();
  private readonly nodesByName = new Map<string, string>();
  private readonly allocsByJob = new Map<string, Set<string>>();
  private readonly allocsByNode = new Map<string, Set<string>>();

  static async load(store: Store): Promise<ClusterState> {
    const state = new ClusterState();
    for (const n of await store.listNodes()) state.putNode(n);
    for (const j of await store.listJobs()) state.putJob(j);
    for (const a of await store.listAllocations()) state.putAlloc(a);
    return state;
  }

  putNode(node: Node): void {
    this.nodes.set(node.id, node);
    this.nodesByName.set(node.name, node.id);
  }

  nodeByName(name: string): Node | undefined {
    const id = this.nodesByName.get(name);
    return id === undefined ? undefined : this.nodes.get(id);
  }

  putJob(job: Job): void {
    this.jobs.set(job.id, job);
    this.jobsByName.set(job.name, job.id);
  }

  jobByIdOrName(key: string): Job | undefined {
    const byId = this.jobs.get(key);
    if (byId) return byId;
    const id = this.jobsByName.get(key);
    return id === undefined ? undefined : this.jobs.get(id);
  }

  putAlloc(alloc: Allocation): void {
    const old = this.allocs.get(alloc.id);
    if (old) removeFromIndex(this.allocsByNode, old.nodeId, old.id);
    this.allocs.set(alloc.id, alloc);
    addToIndex(this.allocsByJob, alloc.jobId, alloc.id);
    addToIndex(this.allocsByNode, alloc.nodeId, alloc.id);
  }

  allocsOfJob(jobId: string): Allocation[] {
    return this.collect(this.allocsByJob.get(jobId));
  }

  allocsOnNode(nodeId: string): Allocation[] {
    return this.collect(this.allocsByNode.get(nodeId));
  }

  private collect(ids: Set<string> | undefined): Allocation[] {
    const out: Allocation[] = [];
    for (const id of ids ?? []) {
      const a = this.allocs.get(id);
      if (a) out.push(a);
    }
    return out.sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.index - y.index);
  }
}

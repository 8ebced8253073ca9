import {
  type Allocation,
  addResources,
  type Job,
  type Node,
  type Resources,
  subtractResources,
  ZERO_RESOURCES,
} from "../model/index.js";
import { holdsResources, type Snapshot } from "../scheduler/index.js";
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

/** Told of every change to the mirror, old object first (the event log derives events from it). */
export interface StateObserver {
  node(old: Node | undefined, next: Node): void;
  job(old: Job | undefined, next: Job): void;
  alloc(old: Allocation | undefined, next: Allocation): void;
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
  private readonly nodesBySite = new Map<string, Set<string>>();
  private readonly allocsByJob = new Map<string, Set<string>>();
  private readonly allocsByNode = new Map<string, Set<string>>();
  /** The scheduler's snapshot, kept up to date as allocations change (never rebuilt per evaluation). */
  private readonly usage = new Map<string, Resources>();
  private readonly devices = new Map<string, Set<string>>();
  private readonly heldOn = new Map<string, Allocation[]>();
  /** The node list handed to the scheduler; replaced only when a node changes, so its caches hit. */
  private nodeList: Node[] | null = null;
  /** Last heartbeat per node, kept apart so a heartbeat does not replace the node object. */
  private readonly heartbeats = new Map<string, string>();
  /** Set once loaded, so loading itself reports nothing. */
  observer: StateObserver | null = null;
  /** Called when something a service is made of changes (an allocation with ports, a node's address). */
  onEndpointChange: (() => void) | undefined;

  static async load(store: Store): Promise<ClusterState> {
    const state = new ClusterState();
    for (const n of await store.listNodes()) state.putNode(n);
    for (const j of await store.listJobs()) state.putJob(j);
    for (const a of await store.listAllocations()) state.putAlloc(a);
    return state;
  }

  putNode(node: Node): void {
    const old = this.nodes.get(node.id);
    if (old && old.site !== node.site) removeFromIndex(this.nodesBySite, old.site, old.id);
    addToIndex(this.nodesBySite, node.site, node.id);
    if (
      old &&
      (old.peerAddr !== node.peerAddr || old.status !== node.status || old.site !== node.site)
    )
      this.onEndpointChange?.();
    this.nodes.set(node.id, node);
    this.nodesByName.set(node.name, node.id);
    this.nodeList = null;
    this.observer?.node(old, node);
  }

  nodesInSite(site: string): Node[] {
    const out: Node[] = [];
    for (const id of this.nodesBySite.get(site) ?? []) {
      const n = this.nodes.get(id);
      if (n) out.push(n);
    }
    return out;
  }

  /** Records a heartbeat without touching the node object (or the scheduler's caches). */
  touch(nodeId: string, at: string): void {
    this.heartbeats.set(nodeId, at);
  }

  lastHeartbeat(node: Node): string | null {
    return this.heartbeats.get(node.id) ?? node.lastHeartbeat;
  }

  usedOn(nodeId: string): Resources {
    return this.usage.get(nodeId) ?? ZERO_RESOURCES;
  }

  snapshot(): Snapshot {
    this.nodeList ??= [...this.nodes.values()];
    return {
      nodes: this.nodeList,
      usage: this.usage,
      devices: this.devices,
      allocsOn: this.heldOn,
    };
  }

  private hold(a: Allocation, by: 1 | -1): void {
    const nodeId = a.nodeId as string;
    const used = this.usage.get(nodeId) ?? ZERO_RESOURCES;
    this.usage.set(
      nodeId,
      by > 0 ? addResources(used, a.resources) : subtractResources(used, a.resources),
    );
    const list = this.heldOn.get(nodeId) ?? [];
    if (by > 0) list.push(a);
    else {
      const i = list.findIndex((x) => x.id === a.id);
      if (i >= 0) list.splice(i, 1);
    }
    this.heldOn.set(nodeId, list);
    if (a.devices.length === 0) return;
    const set = this.devices.get(nodeId) ?? new Set<string>();
    for (const d of a.devices) {
      if (by > 0) set.add(d);
      else set.delete(d);
    }
    this.devices.set(nodeId, set);
  }

  nodeByName(name: string): Node | undefined {
    const id = this.nodesByName.get(name);
    return id === undefined ? undefined : this.nodes.get(id);
  }

  putJob(job: Job): void {
    const old = this.observer ? this.jobs.get(job.id) : undefined;
    this.jobs.set(job.id, job);
    this.jobsByName.set(job.name, job.id);
    this.observer?.job(old, job);
  }

  jobByIdOrName(key: string): Job | undefined {
    const byId = this.jobs.get(key);
    if (byId) return byId;
    const id = this.jobsByName.get(key);
    return id === undefined ? undefined : this.jobs.get(id);
  }

  putAlloc(alloc: Allocation): void {
    const old = this.allocs.get(alloc.id);
    if (old && holdsResources(old)) this.hold(old, -1);
    if (holdsResources(alloc)) this.hold(alloc, 1);
    if (old) removeFromIndex(this.allocsByNode, old.nodeId, old.id);
    this.allocs.set(alloc.id, alloc);
    if ((alloc.taskSpec.ports?.length ?? 0) > 0 || (old?.taskSpec.ports?.length ?? 0) > 0)
      this.onEndpointChange?.();
    addToIndex(this.allocsByJob, alloc.jobId, alloc.id);
    addToIndex(this.allocsByNode, alloc.nodeId, alloc.id);
    this.observer?.alloc(old, alloc);
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

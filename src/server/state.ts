import {
  type Allocation,
  byCreation,
  isTerminal,
  type Job,
  type Node,
  type Resources,
  ZERO_RESOURCES,
} from "../model/index.js";
import type { Snapshot } from "../scheduler/index.js";
import type { Store } from "../store/index.js";
import { Holdings, StateOverlay } from "./state-overlay.js";

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

/** Pending, on no node, and wanted: the allocation waits for capacity. */
function waitsForNode(a: Allocation): boolean {
  return a.status === "pending" && a.nodeId === null && a.desiredStatus === "run";
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
  /** Allocations not yet terminal, per node: what its agent is told to run or stop. */
  private readonly liveByNode = new Map<string, Set<string>>();
  /** The scheduler's snapshot, kept up to date as allocations change (never rebuilt per evaluation). */
  private readonly holdings = new Holdings();
  /** The node list handed to the scheduler; replaced only when a node changes, so its caches hit. */
  private nodeList: Node[] | null = null;
  /** Nodes being drained (a periodic step looks at these, not at the whole fleet). */
  private readonly draining = new Set<string>();
  /** Nodes between ready and down (joining, suspect, disconnected): the health monitor's work. */
  private readonly unsettled = new Set<string>();
  /** Allocations waiting for a node (pending, unplaced, wanted): what new capacity may place. */
  private readonly unplaced = new Set<string>();
  /** Allocations per status, kept as they change (the gauges read it instead of walking all). */
  private readonly statusCounts = new Map<string, number>();
  /** Nodes per status and site, kept as they change (the node gauge reads it). */
  private readonly nodeCounts = new Map<string, { status: string; site: string; n: number }>();
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
    if (old?.status !== node.status || old.site !== node.site) {
      if (old) this.countNode(old, -1);
      this.countNode(node, 1);
    }
    this.nodes.set(node.id, node);
    this.nodesByName.set(node.name, node.id);
    this.nodeList = null;
    if (node.status === "ready" || node.status === "down") this.unsettled.delete(node.id);
    else this.unsettled.add(node.id);
    if (node.drain) this.draining.add(node.id);
    else this.draining.delete(node.id);
    this.observer?.node(old, node);
  }

  private countNode(node: Node, by: number): void {
    // A status never holds the separator, so the pair's key is unambiguous.
    const key = `${node.status}\u0000${node.site}`;
    const entry = this.nodeCounts.get(key);
    if (entry) entry.n += by;
    else this.nodeCounts.set(key, { status: node.status, site: node.site, n: by });
  }

  /** How many nodes are in each status and site (pairs no node has left count 0). */
  nodeCountsByStatusAndSite(): Iterable<{ status: string; site: string; n: number }> {
    return this.nodeCounts.values();
  }

  /** Nodes neither ready nor down (a copy: the caller may change them while walking it). */
  unsettledNodes(): Node[] {
    return this.nodesOf(this.unsettled);
  }

  /** Nodes with a drain under way (a copy: the caller may change them while walking it). */
  drainingNodes(): Node[] {
    return this.nodesOf(this.draining);
  }

  private nodesOf(ids: Iterable<string>): Node[] {
    const out: Node[] = [];
    for (const id of ids) {
      const n = this.nodes.get(id);
      if (n) out.push(n);
    }
    return out;
  }

  nodesInSite(site: string): Node[] {
    return this.nodesOf(this.nodesBySite.get(site) ?? []);
  }

  /** Records a heartbeat without touching the node object (or the scheduler's caches). */
  touch(nodeId: string, at: string): void {
    this.heartbeats.set(nodeId, at);
  }

  lastHeartbeat(node: Node): string | null {
    return this.heartbeats.get(node.id) ?? node.lastHeartbeat;
  }

  usedOn(nodeId: string): Resources {
    return this.holdings.usage.get(nodeId) ?? ZERO_RESOURCES;
  }

  snapshot(): Snapshot {
    this.nodeList ??= [...this.nodes.values()];
    return { nodes: this.nodeList, ...this.holdings.view() };
  }

  /** A scratch layer over this state for plans that are decided but not yet committed. */
  overlay(): StateOverlay {
    return new StateOverlay(this, this.holdings);
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
    this.holdings.update(old, alloc);
    // Indexes change only where the allocation moved (most updates are status reports).
    const sameNode = old !== undefined && old.nodeId === alloc.nodeId;
    const wasLive = old !== undefined && !isTerminal(old.status);
    const live = !isTerminal(alloc.status);
    if (old && !sameNode) removeFromIndex(this.allocsByNode, old.nodeId, old.id);
    if (old && wasLive && (!live || !sameNode))
      removeFromIndex(this.liveByNode, old.nodeId, old.id);
    this.allocs.set(alloc.id, alloc);
    if (waitsForNode(alloc)) this.unplaced.add(alloc.id);
    else this.unplaced.delete(alloc.id);
    if (old?.status !== alloc.status) {
      if (old) this.statusCounts.set(old.status, (this.statusCounts.get(old.status) ?? 1) - 1);
      this.statusCounts.set(alloc.status, (this.statusCounts.get(alloc.status) ?? 0) + 1);
    }
    if ((alloc.taskSpec.ports?.length ?? 0) > 0 || (old?.taskSpec.ports?.length ?? 0) > 0)
      this.onEndpointChange?.();
    if (old?.jobId !== alloc.jobId) addToIndex(this.allocsByJob, alloc.jobId, alloc.id);
    if (!sameNode) addToIndex(this.allocsByNode, alloc.nodeId, alloc.id);
    if (live && (!wasLive || !sameNode)) addToIndex(this.liveByNode, alloc.nodeId, alloc.id);
    this.observer?.alloc(old, alloc);
  }

  /** Jobs with an allocation waiting for a node (without walking the allocations' history). */
  jobsWaitingForNodes(): Set<string> {
    const jobs = new Set<string>();
    for (const id of this.unplaced) {
      const a = this.allocs.get(id);
      if (a) jobs.add(a.jobId);
    }
    return jobs;
  }

  /** How many allocations are in each status (statuses none has left out). */
  allocCountsByStatus(): ReadonlyMap<string, number> {
    return this.statusCounts;
  }

  /** The job's allocations, oldest first; `ordered: false` skips the sort (for counting them). */
  allocsOfJob(jobId: string, ordered = true): Allocation[] {
    return this.collect(this.allocsByJob.get(jobId), ordered);
  }

  allocsOnNode(nodeId: string): Allocation[] {
    return this.collect(this.allocsByNode.get(nodeId));
  }

  /** The node's allocations that are not terminal (without walking its history). */
  liveAllocsOnNode(nodeId: string): Allocation[] {
    return this.collect(this.liveByNode.get(nodeId));
  }

  private collect(ids: Set<string> | undefined, ordered = true): Allocation[] {
    const out: Allocation[] = [];
    for (const id of ids ?? []) {
      const a = this.allocs.get(id);
      if (a) out.push(a);
    }
    return ordered ? out.sort(byCreation) : out;
  }
}

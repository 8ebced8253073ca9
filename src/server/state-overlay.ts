import {
  type Allocation,
  addResources,
  byCreation,
  type Node,
  type Resources,
  subtractResources,
  ZERO_RESOURCES,
} from "../model/index.js";
import { holdsResources, type Snapshot } from "../scheduler/index.js";

/** A map that can be written; both `Map` and `OverlayMap` are. */
interface WritableMap<K, V> extends ReadonlyMap<K, V> {
  set(key: K, value: V): unknown;
}

/** A map that reads through to a base map and keeps its own writes (the base never changes). */
export class OverlayMap<K, V> implements WritableMap<K, V> {
  private readonly own = new Map<K, V>();

  constructor(private readonly base: ReadonlyMap<K, V>) {}

  get(key: K): V | undefined {
    if (this.own.size === 0) return this.base.get(key);
    // Values are never `undefined`, so one lookup tells whether the layer has the key.
    const own = this.own.get(key);
    return own !== undefined ? own : this.base.get(key);
  }

  has(key: K): boolean {
    return this.own.has(key) || this.base.has(key);
  }

  set(key: K, value: V): this {
    this.own.set(key, value);
    return this;
  }

  get size(): number {
    let extra = 0;
    for (const key of this.own.keys()) if (!this.base.has(key)) extra++;
    return this.base.size + extra;
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) if (!this.own.has(key)) yield [key, value];
    yield* this.own.entries();
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [key, value] of this.entries()) fn(value, key, this);
  }
}

/**
 * What allocations hold per node: resources, GPU devices and the allocations themselves — the
 * scheduler's live view of usage. A layer over a base (`new Holdings(base)`) copies a node's list
 * or device set before changing it, so the base is never touched. The base must not change while
 * a layer lives (a layer holds one batch of plans until they commit): usage is copied when the
 * layer is made, lists and devices are read through.
 */
export class Holdings {
  readonly usage: WritableMap<string, Resources>;
  readonly devices: WritableMap<string, ReadonlySet<string>>;
  readonly heldOn: WritableMap<string, readonly Allocation[]>;
  /** For a layer: nodes whose list (and device set) it has copied and may change in place. */
  private readonly ownLists: Set<string> | null;
  private readonly ownDevices: Set<string> | null;

  constructor(base?: Holdings) {
    // Usage is read for every candidate of every placement: a layer copies it (one lookup per
    // read instead of two; a few thousand entries, once per batch) rather than reading through.
    this.usage = base ? new Map(base.usage) : new Map();
    this.devices = base ? new OverlayMap(base.devices) : new Map();
    this.heldOn = base ? new OverlayMap(base.heldOn) : new Map();
    this.ownLists = base ? new Set() : null;
    this.ownDevices = base ? new Set() : null;
  }

  view(): Pick<Snapshot, "usage" | "devices" | "allocsOn"> {
    return { usage: this.usage, devices: this.devices, allocsOn: this.heldOn };
  }

  /** Adds (`1`) or removes (`-1`) what a placed allocation holds on its node. */
  hold(a: Allocation, by: 1 | -1): void {
    const nodeId = a.nodeId as string;
    const used = this.usage.get(nodeId) ?? ZERO_RESOURCES;
    this.usage.set(
      nodeId,
      by > 0 ? addResources(used, a.resources) : subtractResources(used, a.resources),
    );
    const list = this.writableList(nodeId);
    if (by > 0) list.push(a);
    else {
      const i = list.findIndex((x) => x.id === a.id);
      if (i >= 0) list.splice(i, 1);
    }
    if (a.devices.length === 0) return;
    const set = this.writableDevices(nodeId);
    for (const d of a.devices) {
      if (by > 0) set.add(d);
      else set.delete(d);
    }
  }

  /**
   * Brings the holdings from `old` (the allocation's previous version, if any) to `next`. A new
   * version that holds the same on the same node — a status report, a version bump — only takes
   * the old one's place in the node's list: usage and devices stay as they are.
   */
  update(old: Allocation | undefined, next: Allocation): void {
    const oldHolds = old !== undefined && holdsResources(old);
    const holds = holdsResources(next);
    if (oldHolds && holds && sameHold(old, next)) {
      const list = this.writableList(next.nodeId as string);
      const i = list.findIndex((x) => x.id === old.id);
      if (i >= 0) {
        list[i] = next;
        return;
      }
    }
    if (oldHolds) this.hold(old, -1);
    if (holds) this.hold(next, 1);
  }

  private writableList(nodeId: string): Allocation[] {
    const current = this.heldOn.get(nodeId) as Allocation[] | undefined;
    if (current && (this.ownLists === null || this.ownLists.has(nodeId))) return current;
    const list = [...(current ?? [])];
    this.heldOn.set(nodeId, list);
    this.ownLists?.add(nodeId);
    return list;
  }

  private writableDevices(nodeId: string): Set<string> {
    const current = this.devices.get(nodeId) as Set<string> | undefined;
    if (current && (this.ownDevices === null || this.ownDevices.has(nodeId))) return current;
    const set = new Set(current ?? []);
    this.devices.set(nodeId, set);
    this.ownDevices?.add(nodeId);
    return set;
  }
}

/** Two versions of an allocation hold the same: same node, same resources, same devices. */
function sameHold(a: Allocation, b: Allocation): boolean {
  if (a.nodeId !== b.nodeId) return false;
  const r = a.resources;
  const q = b.resources;
  if (r !== q && (r.cpu !== q.cpu || r.memory !== q.memory || r.disk !== q.disk)) return false;
  if (a.devices === b.devices) return true;
  return a.devices.length === b.devices.length && a.devices.every((d, i) => b.devices[i] === d);
}

/** What the plan check reads: nodes, allocations and the resources in use per node. */
export interface PlanCheckView {
  readonly nodes: ReadonlyMap<string, Node>;
  readonly allocs: ReadonlyMap<string, Allocation>;
  usedOn(nodeId: string): Resources;
}

/** The parts of the committed state an overlay reads. */
export interface OverlayBase extends PlanCheckView {
  snapshot(): Snapshot;
  allocsOfJob(jobId: string): Allocation[];
}

/**
 * Plans decided in one batch but not yet committed, layered over the committed state: the next
 * evaluation of the batch is scheduled and checked against committed state plus the plans
 * before it, so a batch commits in one transaction without ever placing two plans into the same
 * free room. The committed state itself is not touched; the overlay is dropped after the commit.
 */
export class StateOverlay implements PlanCheckView {
  readonly allocs: OverlayMap<string, Allocation>;
  private readonly holdings: Holdings;
  /** Allocations written to the overlay, per job. */
  private readonly byJob = new Map<string, Map<string, Allocation>>();

  constructor(
    private readonly base: OverlayBase,
    baseHoldings: Holdings,
  ) {
    this.allocs = new OverlayMap(base.allocs);
    this.holdings = new Holdings(baseHoldings);
  }

  get nodes(): ReadonlyMap<string, Node> {
    return this.base.nodes;
  }

  usedOn(nodeId: string): Resources {
    return this.holdings.usage.get(nodeId) ?? ZERO_RESOURCES;
  }

  snapshot(): Snapshot {
    return { nodes: this.base.snapshot().nodes, ...this.holdings.view() };
  }

  /** The job's allocations as committed, with this overlay's changes. */
  allocsOfJob(jobId: string): Allocation[] {
    const mine = this.byJob.get(jobId);
    const committed = this.base.allocsOfJob(jobId);
    if (!mine) return committed;
    const merged = new Map(committed.map((a) => [a.id, a]));
    for (const [id, a] of mine) merged.set(id, a);
    return [...merged.values()].sort(byCreation);
  }

  /** Records a plan's allocations as if committed. */
  apply(allocs: readonly Allocation[]): void {
    for (const a of allocs) {
      this.holdings.update(this.allocs.get(a.id), a);
      this.allocs.set(a.id, a);
      let mine = this.byJob.get(a.jobId);
      if (!mine) {
        mine = new Map();
        this.byJob.set(a.jobId, mine);
      }
      mine.set(a.id, a);
    }
  }
}

import { maxMinFairShare } from "../topology/index.js";
import type { SimCluster } from "./cluster.js";

/** Schedules `fn` at simulated time `time` (the engine's event queue). */
export type Timer = (time: number, fn: () => void) => void;

/** A transfer between sites in its bandwidth phase. */
interface Flow {
  id: number;
  path: string[];
  /** Keys of the links it crosses. */
  links: string[];
  /** Narrowest link of its path (its rate when alone). */
  bottleneckMbps: number;
  /** Site indexes along the path (a partitioned one stalls the flow). */
  sites: number[];
  remaining: number;
  /** Bytes per second now (0 while stalled). */
  rate: number;
  lastT: number;
  version: number;
  /** A completion event for the current version is in the queue. */
  pending: boolean;
  done: () => void;
}

/**
 * Data transfers. Within a site: latency + bytes / bandwidth (a switched LAN: transfers do not
 * slow each other). Between sites: the route's latency, then the bytes cross every link of the
 * lowest-latency route, sharing each link max-min fairly with the other transfers on it
 * (`maxMinFairShare` of src/topology), re-shared whenever a transfer starts or ends. A transfer
 * over a partitioned site's links stalls until the partition heals. Links are full duplex.
 */
export class Network {
  private readonly active = new Map<number, Flow>();
  /** Active flows per link: only flows that share links (transitively) re-share on a change. */
  private readonly onLink = new Map<string, Set<Flow>>();
  private readonly linkKeys = new Map<number, string[]>();
  private nextId = 0;
  /** Bytes sent (each transfer once, whatever its hops). */
  bytes = 0;

  constructor(
    private readonly cluster: SimCluster,
    private readonly timer: Timer,
  ) {}

  /**
   * Sends `bytes` from a place in site `from` (node `fromNode`, or -1 for a request's origin)
   * to node `toNode` in site `to`; calls `done` on arrival. Same node: instant.
   */
  send(
    now: number,
    from: number,
    fromNode: number,
    to: number,
    toNode: number,
    bytes: number,
    done: () => void,
  ): void {
    if (fromNode >= 0 && fromNode === toNode) {
      done();
      return;
    }
    this.bytes += bytes;
    const { intra } = this.cluster;
    if (from === to) {
      this.timer(now + intra.latencyMs / 1000 + (bytes * 8) / (intra.bandwidthMbps * 1e6), done);
      return;
    }
    const route = this.cluster.routes[from]?.[to];
    if (!route) throw new Error(`no route between sites ${from} and ${to}`);
    const flow: Flow = {
      id: this.nextId++,
      path: route.path,
      links: this.keysOf(from, to, route.path),
      bottleneckMbps: route.bandwidthMbps,
      sites: route.path.map((s) => this.cluster.siteIndex.get(s) ?? -1),
      remaining: bytes,
      rate: 0,
      lastT: now,
      version: 0,
      pending: false,
      done,
    };
    this.timer(now + route.latencyMs / 1000, () => this.join(flow, now + route.latencyMs / 1000));
  }

  /** True when sites `a` and `b` are connected at all. */
  reachable(a: number, b: number): boolean {
    return a === b || this.cluster.routes[a]?.[b] !== undefined;
  }

  private keysOf(from: number, to: number, path: string[]): string[] {
    const key = from * this.cluster.sites.length + to;
    let keys = this.linkKeys.get(key);
    if (!keys) {
      keys = [];
      for (let i = 1; i < path.length; i++) keys.push(`${path[i - 1]}\u0000${path[i]}`);
      this.linkKeys.set(key, keys);
    }
    return keys;
  }

  private join(flow: Flow, now: number): void {
    flow.lastT = now;
    this.active.set(flow.id, flow);
    // A stalled flow uses no bandwidth: it stays out of the link index until its link heals.
    if (this.stalled(flow)) return;
    const alone = this.index(flow);
    if (alone) {
      // Nobody shares its links: the whole bottleneck bandwidth, no re-sharing needed.
      flow.rate = (flow.bottleneckMbps * 1e6) / 8;
      this.schedule(flow, now);
      return;
    }
    this.reshare(now, this.component([flow]));
  }

  /** Adds a flow to the link index; true when it is alone on all its links. */
  private index(flow: Flow): boolean {
    let alone = true;
    for (const k of flow.links) {
      let set = this.onLink.get(k);
      if (!set) {
        set = new Set();
        this.onLink.set(k, set);
      }
      if (set.size > 0) alone = false;
      set.add(flow);
    }
    return alone;
  }

  /**
   * A site was cut off or healed: flows over its links stall (rate 0, out of the link index) or
   * resume, and every moving flow is re-shared.
   */
  partitionChanged(now: number): void {
    this.onLink.clear();
    const moving: Flow[] = [];
    for (const f of this.active.values()) {
      f.remaining = Math.max(0, f.remaining - f.rate * (now - f.lastT));
      f.lastT = now;
      if (this.stalled(f)) {
        f.rate = 0;
        f.version++;
        f.pending = false;
      } else {
        this.index(f);
        moving.push(f);
      }
    }
    for (const f of moving) f.rate = -1; // force a new completion event for each
    this.reshare(now, moving);
  }

  /** The flows connected to `seeds` through shared links (max-min shares split along these). */
  private component(seeds: Flow[]): Flow[] {
    const seen = new Set<Flow>(seeds);
    const links = new Set<string>();
    const out: Flow[] = [];
    const stack = [...seeds];
    while (stack.length > 0) {
      const f = stack.pop() as Flow;
      if (this.active.has(f.id)) out.push(f);
      for (const k of f.links) {
        if (links.has(k)) continue;
        links.add(k);
        for (const g of this.onLink.get(k) ?? []) {
          if (seen.has(g)) continue;
          seen.add(g);
          stack.push(g);
        }
      }
    }
    return out;
  }

  private stalled(flow: Flow): boolean {
    return flow.sites.some((s) => this.cluster.sites[s]?.partitioned === true);
  }

  /**
   * Re-shares bandwidth among the active flows; only flows whose rate changed get a new
   * completion event (the others keep theirs).
   */
  reshare(now: number, flows: readonly Flow[]): void {
    if (flows.length === 0) return;
    // Flows on the same route get the same share: one entry per route, counted.
    const groups = new Map<readonly string[], Flow[]>();
    for (const f of flows) {
      if (f.rate > 0) f.remaining = Math.max(0, f.remaining - f.rate * (now - f.lastT));
      f.lastT = now;
      const g = groups.get(f.links);
      if (g) g.push(f);
      else groups.set(f.links, [f]);
    }
    const entries = [...groups.values()];
    const shares = maxMinFairShare(
      this.cluster.graph,
      entries.map((g, i) => ({ id: String(i), path: (g[0] as Flow).path, count: g.length })),
    );
    entries.forEach((group, i) => {
      const rate = ((shares.get(String(i)) ?? 0) * 1e6) / 8;
      // Equal rates: the flow with the least left finishes first, and its finish re-shares the
      // rest, so only it needs a completion event.
      let first = group[0] as Flow;
      for (const f of group) {
        if (f.rate !== rate) {
          f.rate = rate;
          f.version++;
          f.pending = false;
        }
        if (f.remaining < first.remaining || (f.remaining === first.remaining && f.id < first.id))
          first = f;
      }
      if (!first.pending) this.schedule(first, now);
    });
  }

  /** Schedules the flow's completion at its current rate. */
  private schedule(flow: Flow, now: number): void {
    const version = ++flow.version;
    flow.pending = true;
    const at = flow.remaining <= 1e-9 ? now : now + flow.remaining / flow.rate;
    this.timer(at, () => this.finish(flow, version, at));
  }

  private finish(flow: Flow, version: number, now: number): void {
    if (flow.version !== version || !this.active.has(flow.id)) return;
    this.active.delete(flow.id);
    for (const k of flow.links) this.onLink.get(k)?.delete(flow);
    flow.remaining = 0;
    let shared = false;
    for (const k of flow.links) if ((this.onLink.get(k)?.size ?? 0) > 0) shared = true;
    const affected = shared ? this.component([flow]) : [];
    flow.done();
    if (affected.length > 0) this.reshare(now, affected);
  }

  get activeFlows(): number {
    return this.active.size;
  }
}

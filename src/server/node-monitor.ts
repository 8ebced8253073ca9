import type { Logger } from "pino";
import {
  type Allocation,
  type Clock,
  type EvalTrigger,
  isTerminal,
  type Job,
  type Node,
  type NodeStatus,
  newId,
  type PeerReport,
  type PeerTarget,
  type ServerMessage,
} from "../model/index.js";
import { HealthTracker } from "./health/health-tracker.js";

/** What the monitor needs from the control plane (all state changes go through `exclusive`). */
export interface MonitorHost {
  clock: Clock;
  logger: Logger;
  nodes(): Iterable<Node>;
  /** Nodes neither ready nor down, if the host keeps them apart (else `nodes` is walked). */
  unsettledNodes?(): Iterable<Node>;
  /** The nodes of one site (an index, so per-node work stays independent of fleet size). */
  nodesInSite(site: string): Iterable<Node>;
  node(nodeId: string): Node | undefined;
  connected(nodeId: string): boolean;
  /** Drops the node's session (it reconnects and says hello when the link works again). */
  dropSession(nodeId: string): void;
  send(nodeId: string, msg: ServerMessage): void;
  setNodeStatus(node: Node, status: NodeStatus, reason: string | null): Promise<void>;
  allocsOn(nodeId: string): Allocation[];
  putAllocs(allocs: Allocation[]): Promise<void>;
  job(jobId: string): Job | undefined;
  enqueue(jobId: string, trigger: EvalTrigger): void;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  changed(): void;
}

export interface MonitorOptions {
  heartbeatIntervalMs: number;
  heartbeatGraceMs: number;
  phiThreshold: number;
  witnessTimeoutMs: number;
  /** Extra time per known node the fleet gets to reconnect after a server start (default 10 ms). */
  restartGracePerNodeMs?: number;
}

/** Upper bound of the reconnect grace after a server start, whatever the fleet size. */
export const MAX_RESTART_GRACE_MS = 300_000;

/**
 * Node health: `ready` → `suspect` (session closed, or phi of the heartbeat silence too high) →
 * the site's witnesses are asked to probe it → `disconnected` (a peer reaches it: alive, cut off;
 * its allocations become `unknown` and are left alone for the job's `disconnect.lostAfter`) or
 * `down` (no peer reaches it, or no witness and silent for the grace period: its allocations are
 * `lost` and replaced at once). A session that comes back makes it `ready` again.
 */
export class NodeMonitor {
  readonly health: HealthTracker;
  private readonly disconnectedAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  /** Nodes the store says are up that have not said hello to this server since it started. */
  private readonly awaiting = new Set<string>();
  private restartGraceUntil = 0;
  /** When ready nodes were last checked for silence (see `readyCheckEveryMs`). */
  private readyCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly host: MonitorHost,
    private readonly opts: MonitorOptions,
  ) {
    this.health = new HealthTracker({
      phiThreshold: opts.phiThreshold,
      graceMs: opts.heartbeatGraceMs,
      witnessTimeoutMs: opts.witnessTimeoutMs,
      heartbeatIntervalMs: opts.heartbeatIntervalMs,
    });
  }

  /**
   * Starts watching. A (re)started server has no heartbeat history: every node it knows from the
   * store gets a reconnect grace — the heartbeat grace plus a little per node, capped at 5 min —
   * before silence counts against it, so a fleet reconnecting through the admission limit is not
   * declared down wholesale (like Nomad's failover heartbeat TTL).
   */
  start(everyMs = 200): void {
    const now = this.host.clock.now();
    let count = 0;
    for (const n of this.host.nodes()) {
      this.health.seen(n.id, now);
      if (n.status === "ready" || n.status === "suspect" || n.status === "disconnected") {
        this.awaiting.add(n.id);
        count++;
      }
    }
    this.restartGraceUntil = now + this.restartGraceMs(count);
    this.timer = setInterval(() => void this.tick(), everyMs);
  }

  /** The reconnect grace a server start gives a fleet of `nodes`. */
  restartGraceMs(nodes: number): number {
    const perNode = this.opts.restartGracePerNodeMs ?? 10;
    return Math.min(MAX_RESTART_GRACE_MS, this.opts.heartbeatGraceMs + perNode * nodes);
  }

  /** True while `nodeId` has not reconnected since the server started and the grace runs. */
  private inRestartGrace(nodeId: string, now: number): boolean {
    if (this.awaiting.size === 0) return false;
    if (now >= this.restartGraceUntil) {
      this.awaiting.clear();
      return false;
    }
    return this.awaiting.has(nodeId);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  seen(nodeId: string): void {
    this.health.seen(nodeId, this.host.clock.now());
    this.disconnectedAt.delete(nodeId);
    this.awaiting.delete(nodeId);
  }

  heartbeat(nodeId: string, peers: Record<string, PeerReport> | undefined): void {
    const now = this.host.clock.now();
    this.health.seen(nodeId, now);
    if (peers) this.health.witness(nodeId, peers, now);
  }

  probeResult(witnessId: string, target: string, report: PeerReport): void {
    this.health.witness(witnessId, { [target]: report }, this.host.clock.now());
  }

  /** Ready nodes of the same site with a live session, other than `node`. */
  witnesses(node: Node): string[] {
    const out: string[] = [];
    for (const n of this.host.nodesInSite(node.site)) {
      if (n.id !== node.id && n.status === "ready" && this.host.connected(n.id)) out.push(n.id);
    }
    return out;
  }

  /**
   * Tells connected nodes of `site` which peers to probe: every member, or only `onlyTo` (a node
   * that just said hello while the site's probe targets did not change).
   */
  pushPeers(site: string, onlyTo?: string): void {
    const members = [...this.host.nodesInSite(site)].filter((n) => n.status !== "down");
    const targets: PeerTarget[] = members
      .filter((p) => p.peerAddr)
      .map((p) => ({ nodeId: p.id, name: p.name, addr: p.peerAddr as string }));
    for (const n of onlyTo ? members.filter((m) => m.id === onlyTo) : members) {
      if (!this.host.connected(n.id)) continue;
      this.host.send(n.id, { type: "peers", peers: targets.filter((t) => t.nodeId !== n.id) });
    }
  }

  /** The session of a ready node closed: suspect it now (no waiting for missed heartbeats). */
  sessionLost(nodeId: string): void {
    void this.host
      .exclusive(() => this.suspect(nodeId, "session closed"))
      .catch((err: unknown) => this.host.logger.error({ err }, "suspecting node failed"));
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.host.exclusive(() => this.check());
    } catch (err) {
      this.host.logger.error({ err }, "node health check failed");
    } finally {
      this.ticking = false;
    }
  }

  /**
   * How often ready nodes are checked for silence: a tenth of the heartbeat interval, between the
   * tick (200 ms) and 1 s. Silence builds up over heartbeat intervals, so a finer look finds
   * nothing sooner; on a large fleet it is most of the tick's work (nodes not ready — suspect,
   * disconnected, just joined — are looked at every tick).
   */
  private readyCheckEveryMs(): number {
    return Math.min(1000, Math.max(200, this.opts.heartbeatIntervalMs / 10));
  }

  private async check(): Promise<void> {
    const now = this.host.clock.now();
    const checkReady = now - this.readyCheckedAt >= this.readyCheckEveryMs();
    if (checkReady) this.readyCheckedAt = now;
    // Between looks at ready nodes only the unsettled ones have anything to do.
    const nodes = checkReady
      ? this.host.nodes()
      : (this.host.unsettledNodes?.() ?? this.host.nodes());
    for (const node of [...nodes]) {
      if (node.status === "ready" && !checkReady) continue;
      if (this.inRestartGrace(node.id, now)) continue;
      if (node.status === "ready" && this.health.shouldSuspect(node.id, now)) {
        const silent = this.health.silenceMs(node.id, now);
        await this.suspect(
          node.id,
          `no heartbeat for ${(silent / 1000).toFixed(1)}s (phi ${this.health.phi(node.id, now).toFixed(1)})`,
        );
      } else if (
        node.status === "initializing" &&
        this.health.silenceMs(node.id, now) > this.health.opts.graceMs
      ) {
        await this.markDown(node, "never connected after joining");
      } else if (node.status === "suspect") {
        await this.decide(node, now);
      } else if (node.status === "disconnected") {
        await this.watchDisconnected(node, now);
      }
    }
  }

  private async suspect(nodeId: string, reason: string): Promise<void> {
    const node = this.host.node(nodeId);
    if (!node || (node.status !== "ready" && node.status !== "initializing")) return;
    if (this.host.connected(nodeId) && reason === "session closed") return;
    // A session that went silent is dropped: when the link heals the agent reconnects and its
    // hello reports the truth about its allocations.
    if (this.host.connected(nodeId)) this.host.dropSession(nodeId);
    const now = this.host.clock.now();
    this.health.markSuspect(nodeId, now);
    await this.host.setNodeStatus(node, "suspect", reason);
    this.host.logger.warn({ node: node.name, reason }, "node suspect; asking witnesses");
    this.askWitnesses(node);
    await this.decide({ ...node, status: "suspect" }, now);
  }

  private askWitnesses(node: Node): void {
    if (!node.peerAddr) return;
    for (const w of this.witnesses(node)) {
      this.host.send(w, {
        type: "probe",
        requestId: newId(),
        nodeId: node.id,
        addr: node.peerAddr,
      });
    }
  }

  private async decide(node: Node, now: number): Promise<void> {
    const witnesses = node.peerAddr ? this.witnesses(node) : [];
    const verdict = this.health.verdict(node.id, witnesses, now);
    if (verdict === "disconnected") await this.markDisconnected(node);
    else if (verdict === "down") {
      const why =
        witnesses.length > 0
          ? `no peer of site ${node.site} reaches it`
          : `silent for ${(this.health.silenceMs(node.id, now) / 1000).toFixed(1)}s and no witness in site ${node.site}`;
      await this.markDown(node, why);
    }
  }

  private async markDisconnected(node: Node): Promise<void> {
    const now = this.host.clock.now();
    this.disconnectedAt.set(node.id, now);
    await this.host.setNodeStatus(
      node,
      "disconnected",
      "cut off from the control plane; a site peer still reaches it",
    );
    const iso = new Date(now).toISOString();
    const unknown = this.host
      .allocsOn(node.id)
      .filter((a) => !isTerminal(a.status) && a.status !== "unknown")
      .map((a) => ({
        ...a,
        status: "unknown" as const,
        reasons: [...a.reasons, `node ${node.name} disconnected`],
        updatedAt: iso,
      }));
    if (unknown.length > 0) await this.host.putAllocs(unknown);
    this.host.logger.warn(
      { node: node.name, allocations: unknown.length },
      "node disconnected; its work is left alone",
    );
    this.host.changed();
  }

  /** A disconnected node: down once no witness reaches it; its work replaced after `lostAfter`. */
  private async watchDisconnected(node: Node, now: number): Promise<void> {
    const witnesses = node.peerAddr ? this.witnesses(node) : [];
    if (!this.health.stillReachable(node.id, witnesses, now)) {
      await this.markDown(node, `no peer of site ${node.site} reaches it any more`);
      return;
    }
    const since = this.disconnectedAt.get(node.id) ?? now;
    const expired: Allocation[] = [];
    for (const a of this.host.allocsOn(node.id)) {
      if (a.status !== "unknown") continue;
      const policy = this.host.job(a.jobId)?.spec.disconnect;
      if (!policy?.replace || now - since < policy.lostAfter) continue;
      expired.push({
        ...a,
        status: "lost",
        reasons: [...a.reasons, `node ${node.name} disconnected longer than lostAfter`],
        updatedAt: new Date(now).toISOString(),
      });
    }
    if (expired.length === 0) return;
    await this.host.putAllocs(expired);
    for (const jobId of new Set(expired.map((a) => a.jobId))) this.host.enqueue(jobId, "node-lost");
    this.host.changed();
  }

  async markDown(node: Node, reason: string): Promise<void> {
    const current = this.host.node(node.id);
    if (!current || current.status === "down") return;
    const iso = new Date(this.host.clock.now()).toISOString();
    await this.host.setNodeStatus(current, "down", reason);
    this.disconnectedAt.delete(node.id);
    this.host.logger.warn({ node: node.name, reason }, "node down");
    const lost = this.host
      .allocsOn(node.id)
      .filter((a) => !isTerminal(a.status))
      .map((a) => ({
        ...a,
        status: "lost" as const,
        reasons: [...a.reasons, `node ${node.name} down: ${reason}`],
        updatedAt: iso,
      }));
    if (lost.length > 0) await this.host.putAllocs(lost);
    for (const jobId of new Set(lost.map((a) => a.jobId))) this.host.enqueue(jobId, "node-lost");
    this.pushPeers(node.site);
    this.host.changed();
  }
}

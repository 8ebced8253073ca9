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
}

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

  constructor(
    private readonly host: MonitorHost,
    opts: MonitorOptions,
  ) {
    this.health = new HealthTracker({
      phiThreshold: opts.phiThreshold,
      graceMs: opts.heartbeatGraceMs,
      witnessTimeoutMs: opts.witnessTimeoutMs,
      heartbeatIntervalMs: opts.heartbeatIntervalMs,
    });
  }

  start(everyMs = 200): void {
    const now = this.host.clock.now();
    for (const n of this.host.nodes()) this.health.seen(n.id, now);
    this.timer = setInterval(() => void this.tick(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  seen(nodeId: string): void {
    this.health.seen(nodeId, this.host.clock.now());
    this.disconnectedAt.delete(nodeId);
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

  private async check(): Promise<void> {
    const now = this.host.clock.now();
    for (const node of [...this.host.nodes()]) {
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

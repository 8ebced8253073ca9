import type { PeerReport } from "../../model/index.js";
import { DEFAULT_PHI, PhiAccrual } from "./phi-accrual.js";

export interface HealthOptions {
  /** phi above which a silent node becomes suspect. */
  phiThreshold: number;
  /** Silence after which a node with no witness answer is down. */
  graceMs: number;
  /** How long to wait for witnesses to answer a probe request. */
  witnessTimeoutMs: number;
  heartbeatIntervalMs: number;
}

interface Report {
  ok: boolean;
  at: number;
}

export type Verdict = "disconnected" | "down" | "wait";

/** phi of a silence as long as the expected interval: -log10(1/2). */
const PHI_AT_MEAN = Math.log10(2);

/**
 * Node liveness as the control plane knows it, in memory (heartbeats never touch the store):
 * a phi-accrual detector per node, and what each node's site peers (witnesses) last saw of it.
 * Pure: the caller passes the time.
 */
export class HealthTracker {
  private readonly detectors = new Map<string, PhiAccrual>();
  private readonly lastSeen = new Map<string, number>();
  /** target → witness → latest report. */
  private readonly reports = new Map<string, Map<string, Report>>();
  private readonly suspectSince = new Map<string, number>();

  constructor(readonly opts: HealthOptions) {}

  private detector(nodeId: string): PhiAccrual {
    let d = this.detectors.get(nodeId);
    if (!d) {
      d = new PhiAccrual(DEFAULT_PHI, this.opts.heartbeatIntervalMs);
      this.detectors.set(nodeId, d);
    }
    return d;
  }

  /** A sign of life: session opened, hello or heartbeat. */
  seen(nodeId: string, now: number): void {
    this.lastSeen.set(nodeId, now);
    this.detector(nodeId).heartbeat(now);
    this.suspectSince.delete(nodeId);
  }

  /** What `witnessId` reported about its peers (from a heartbeat or a probe answer). */
  witness(witnessId: string, peers: Record<string, PeerReport>, now: number): void {
    for (const [target, r] of Object.entries(peers)) {
      let byWitness = this.reports.get(target);
      if (!byWitness) {
        byWitness = new Map();
        this.reports.set(target, byWitness);
      }
      byWitness.set(witnessId, { ok: r.ok, at: now });
    }
  }

  silenceMs(nodeId: string, now: number): number {
    return now - (this.lastSeen.get(nodeId) ?? now);
  }

  phi(nodeId: string, now: number): number {
    return this.detectors.get(nodeId)?.phi(now) ?? 0;
  }

  /** True when a node that looked alive should now be suspected. */
  shouldSuspect(nodeId: string, now: number): boolean {
    const silence = this.silenceMs(nodeId, now);
    if (silence > this.opts.graceMs) return true;
    // Checked for every node several times a second: a silence no longer than the expected
    // interval has phi ≤ log10(2), far below any sensible threshold — skip the arithmetic.
    const d = this.detectors.get(nodeId);
    if (!d || (this.opts.phiThreshold > PHI_AT_MEAN && silence <= d.expectedIntervalMs()))
      return false;
    return d.phi(now) > this.opts.phiThreshold;
  }

  markSuspect(nodeId: string, now: number): void {
    if (!this.suspectSince.has(nodeId)) this.suspectSince.set(nodeId, now);
  }

  /** Reports by the given witnesses about `nodeId` made at or after `since`. */
  private freshReports(nodeId: string, witnesses: readonly string[], since: number): Report[] {
    const byWitness = this.reports.get(nodeId);
    return witnesses
      .map((w) => byWitness?.get(w))
      .filter((r): r is Report => r !== undefined && r.at >= since);
  }

  /**
   * Verdict on a suspect node: a witness reaches it → `disconnected`; every witness that answered
   * (all of them, or those that answered within the timeout) failed → `down`; no witness → `down`
   * once silent for the grace period.
   */
  verdict(nodeId: string, witnesses: readonly string[], now: number): Verdict {
    const since = this.suspectSince.get(nodeId) ?? now;
    const fresh = this.freshReports(nodeId, witnesses, since);
    if (fresh.some((r) => r.ok)) return "disconnected";
    if (witnesses.length > 0) {
      if (fresh.length === witnesses.length) return "down";
      if (now - since <= this.opts.witnessTimeoutMs) return "wait";
      // Those that answered in time all failed; if none answered, judge as without witnesses.
      if (fresh.length > 0) return "down";
    }
    return this.silenceMs(nodeId, now) > this.opts.graceMs ? "down" : "wait";
  }

  /** A disconnected node whose every witness now fails to reach it (recent reports) is down. */
  stillReachable(nodeId: string, witnesses: readonly string[], now: number): boolean {
    if (witnesses.length === 0) return true;
    const recent = this.freshReports(
      nodeId,
      witnesses,
      now - 3 * this.opts.heartbeatIntervalMs - 1000,
    );
    return recent.length < witnesses.length || recent.some((r) => r.ok);
  }

  forget(nodeId: string): void {
    this.detectors.delete(nodeId);
    this.lastSeen.delete(nodeId);
    this.reports.delete(nodeId);
    this.suspectSince.delete(nodeId);
  }
}

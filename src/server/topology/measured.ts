import type { PeerReport } from "../../model/index.js";

/** Exponentially weighted moving average: new samples count 20 %. */
function smooth(prev: number | undefined, sample: number): number {
  return prev === undefined ? sample : 0.8 * prev + 0.2 * sample;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * Round-trip times the agents measure, smoothed: each node to the control plane (WebSocket
 * ping/pong) and to each of its site peers (the witness probes). In memory only; they are
 * re-learned within seconds after a restart.
 */
export class MeasuredRtts {
  private readonly toServer = new Map<string, number>();
  private readonly between = new Map<string, Map<string, number>>();

  /** Records one heartbeat's figures; true when a pair of nodes was measured for the first time. */
  report(
    nodeId: string,
    peers: Record<string, PeerReport> | undefined,
    serverRttMs: number | undefined,
  ): boolean {
    let learned = false;
    if (serverRttMs !== undefined)
      this.toServer.set(nodeId, smooth(this.toServer.get(nodeId), serverRttMs));
    for (const [peer, r] of Object.entries(peers ?? {})) {
      if (!r.ok || r.rttMs === null) continue;
      let row = this.between.get(nodeId);
      if (!row) {
        row = new Map();
        this.between.set(nodeId, row);
      }
      if (!row.has(peer)) learned = true;
      row.set(peer, smooth(row.get(peer), r.rttMs));
    }
    return learned;
  }

  serverRtt(nodeId: string): number | null {
    const v = this.toServer.get(nodeId);
    return v === undefined ? null : round(v);
  }

  /** Measured RTT between two nodes (either direction), if any. */
  rttBetween(a: string, b: string): number | undefined {
    const ab = this.between.get(a)?.get(b);
    const ba = this.between.get(b)?.get(a);
    if (ab === undefined) return ba;
    return ba === undefined ? ab : Math.min(ab, ba);
  }

  /** Measured node-to-node RTTs (each direction as measured by its prober). */
  peerLinks(): Array<{ from: string; to: string; rttMs: number }> {
    const out: Array<{ from: string; to: string; rttMs: number }> = [];
    for (const [from, row] of this.between)
      for (const [to, rtt] of row) out.push({ from, to, rttMs: round(rtt) });
    return out;
  }

  forget(nodeId: string): void {
    this.toServer.delete(nodeId);
    this.between.delete(nodeId);
    for (const row of this.between.values()) row.delete(nodeId);
  }
}

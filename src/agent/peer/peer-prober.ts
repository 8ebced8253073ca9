import type { PeerReport, PeerTarget } from "../../model/index.js";
import { probePeer } from "./probe.js";

/**
 * Probes the node's site peers every `intervalMs` and keeps the latest result per peer; the
 * results ride along with heartbeats, so the control plane knows who can see whom.
 */
export class PeerProber {
  private peers: PeerTarget[] = [];
  private readonly results = new Map<string, PeerReport>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private started = false;

  constructor(
    private readonly intervalMs = 1000,
    private readonly timeoutMs = 800,
  ) {}

  setPeers(peers: PeerTarget[]): void {
    this.peers = peers;
    const keep = new Set(peers.map((p) => p.nodeId));
    for (const id of this.results.keys()) if (!keep.has(id)) this.results.delete(id);
    this.arm();
  }

  start(): void {
    this.started = true;
    this.arm();
  }

  /**
   * The timer runs only while there is someone to probe: a node alone in its site must not wake
   * every second for nothing (on a small device, or a VM, each wake-up costs real CPU).
   */
  private arm(): void {
    const wanted = this.started && this.peers.length > 0;
    if (wanted && !this.timer) {
      this.timer = setInterval(() => void this.round(), this.intervalMs);
      this.timer.unref();
    } else if (!wanted && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Whether the probe timer is running (for tests). */
  get active(): boolean {
    return this.timer !== null;
  }

  private async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await Promise.all(
        this.peers.map(async (p) =>
          this.results.set(p.nodeId, await probePeer(p.addr, p.nodeId, this.timeoutMs)),
        ),
      );
    } finally {
      this.running = false;
    }
  }

  /** Probe one peer right now (the server asked). */
  probeNow(nodeId: string, addr: string): Promise<PeerReport> {
    return probePeer(addr, nodeId, this.timeoutMs);
  }

  report(): Record<string, PeerReport> {
    return Object.fromEntries(this.results);
  }

  stop(): void {
    this.started = false;
    this.arm();
  }
}

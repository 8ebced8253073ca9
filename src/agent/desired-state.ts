import type { AgentAlloc, ServerMessage, SyncPoint } from "../model/index.js";

type AllocsMessage = Extract<ServerMessage, { type: "allocs" }>;

/**
 * The desired allocations as the server last sent them, rebuilt from numbered messages: a full
 * set replaces everything; a delta applies only on top of the message just before it. Applying
 * the same message twice changes nothing (a resend is harmless).
 */
export class DesiredState {
  private readonly allocs = new Map<string, AgentAlloc>();
  private point: SyncPoint | undefined;

  constructor(initial: readonly AgentAlloc[] = [], at?: SyncPoint) {
    for (const a of initial) this.allocs.set(a.id, a);
    this.point = at;
  }

  get at(): SyncPoint | undefined {
    return this.point;
  }

  list(): AgentAlloc[] {
    return [...this.allocs.values()];
  }

  /** `applied`, `duplicate` (already had it) or `resync` (a message is missing: ask for all). */
  apply(msg: AllocsMessage): "applied" | "duplicate" | "resync" {
    const at = this.point;
    if (!msg.full) {
      if (at?.epoch === msg.epoch && msg.seq <= at.seq) return "duplicate";
      if (at?.epoch !== msg.epoch || msg.seq !== at.seq + 1) return "resync";
    } else {
      this.allocs.clear();
    }
    for (const a of msg.allocs) this.allocs.set(a.id, a);
    for (const id of msg.remove) this.allocs.delete(id);
    this.point = { epoch: msg.epoch, seq: msg.seq };
    return "applied";
  }
}

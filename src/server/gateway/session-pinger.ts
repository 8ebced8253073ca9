/** A session the server pings (it offered `server-ping`). */
export interface PingedSession {
  /** Sends one WebSocket ping; false when the session is not open. */
  ping(): boolean;
}

/** The pinger splits its interval into slots of about this long. */
const SLOT_MS = 100;
/** …and into at most this many. */
const MAX_SLOTS = 50;

/**
 * Pings every session that asked for it once per heartbeat interval, with one timer for all of
 * them. Sessions are dealt round-robin into slots spread over the interval, so 10,000 agents'
 * heartbeats arrive as a steady stream, not as one burst each interval. After the event loop was
 * held up, the slots that fell due meanwhile are pinged at once (each at most once per tick).
 */
export class SessionPinger {
  private readonly slots: Set<PingedSession>[];
  private readonly slotOf = new Map<PingedSession, number>();
  private readonly slotMs: number;
  private dealt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** When the timer started, and how many slots have been pinged since. */
  private startedAt = 0;
  private pinged = 0;

  constructor(
    intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    const count = Math.min(MAX_SLOTS, Math.max(1, Math.round(intervalMs / SLOT_MS)));
    this.slots = Array.from({ length: count }, () => new Set());
    this.slotMs = intervalMs / count;
  }

  get size(): number {
    return this.slotOf.size;
  }

  add(session: PingedSession): void {
    if (this.slotOf.has(session)) return;
    const slot = this.dealt++ % this.slots.length;
    this.slots[slot]?.add(session);
    this.slotOf.set(session, slot);
    if (!this.timer) {
      this.startedAt = this.now();
      this.pinged = 0;
      this.timer = setInterval(() => this.tick(), this.slotMs);
      this.timer.unref();
    }
  }

  remove(session: PingedSession): void {
    const slot = this.slotOf.get(session);
    if (slot === undefined) return;
    this.slots[slot]?.delete(session);
    this.slotOf.delete(session);
    if (this.slotOf.size === 0) this.stop();
  }

  /** Pings the slots that fell due since the last tick. */
  tick(): void {
    const due = Math.floor((this.now() - this.startedAt) / this.slotMs);
    const count = Math.min(this.slots.length, due - this.pinged);
    for (let i = 0; i < count; i++) {
      const slot = this.slots[(this.pinged + i) % this.slots.length];
      if (slot) for (const s of slot) s.ping();
    }
    if (due > this.pinged) this.pinged = due;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

import type { Logger } from "pino";
import {
  type BrinkEvent,
  type Clock,
  type EventFilter,
  eventMatches,
  IsoTime,
  type NewEvent,
} from "../model/index.js";
import type { EventQuery, Store } from "../store/index.js";
import type { ServerMetrics } from "./metrics.js";

export interface EventLogOptions {
  /** Keep the newest this many events (0 = no count limit). */
  keep: number;
  /** Drop events older than this many ms (0 = no age limit). */
  maxAgeMs: number;
  /** Events are written to the store in one transaction every this many ms. */
  flushMs?: number;
  /** Retention runs this often (and after `keep / 10` new events). */
  pruneEveryMs?: number;
}

/** A live listener (an SSE stream). `end` is called when the log closes. */
export interface EventSubscriber {
  filter: EventFilter;
  send(event: BrinkEvent, json: string): void;
  end(): void;
}

/** Events per write transaction (small enough that a write never holds the store for long). */
const WRITE_CHUNK = 1000;

/**
 * Events not yet in the store beyond this are dropped, oldest first: only when the store keeps
 * failing (or one burst emits more than this within 50 ms), so memory stays bounded.
 */
const MAX_UNWRITTEN = 500_000;

/**
 * The control plane's event log. `emit` numbers an event, hands it to live subscribers at once
 * and queues it; the queue is written to the store in one transaction every `flushMs` (so the hot
 * path never waits on the store), and retention prunes old events in batches now and then.
 * Reads merge what the store has with what is still queued, so nothing emitted is ever missing.
 */
export class EventLog {
  private nextId = 1;
  /** Emitted, not yet committed (including the batch being written), oldest first. */
  private unwritten: BrinkEvent[] = [];
  private writingCount = 0;
  private readonly subscribers = new Set<EventSubscriber>();
  private flushTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private sincePrune = 0;
  /** Writes and pruning run one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly iso: IsoTime;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: ServerMetrics,
    private readonly options: EventLogOptions,
  ) {
    this.iso = new IsoTime(clock);
  }

  /** Continues numbering after the newest stored event and starts retention. */
  async start(): Promise<void> {
    this.nextId = (await this.store.lastEventId()) + 1;
    const every = this.options.pruneEveryMs ?? 60_000;
    this.pruneTimer = setInterval(() => void this.enqueue(() => this.prune()), every);
    this.pruneTimer.unref();
    await this.enqueue(() => this.prune());
  }

  /** The id the next event gets, minus one: the newest event emitted. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** Numbers, timestamps and publishes an event. Never waits on the store. */
  emit(e: NewEvent): BrinkEvent {
    const event: BrinkEvent = { id: this.nextId++, time: this.now(), ...e };
    this.unwritten.push(event);
    if (this.unwritten.length > MAX_UNWRITTEN) this.dropOldestUnwritten();
    this.metrics.events.inc({ type: event.type });
    if (this.subscribers.size > 0) {
      const json = JSON.stringify(event);
      for (const s of this.subscribers) if (eventMatches(event, s.filter)) s.send(event, json);
    }
    this.scheduleFlush();
    return event;
  }

  subscribe(s: EventSubscriber): () => void {
    if (this.closed) {
      s.end();
      return () => undefined;
    }
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * Stored and queued events matching the query, oldest first. Queued events always have higher
   * ids than stored ones (batches commit in order), so a sorted merge is exact.
   */
  async list(q: EventQuery): Promise<BrinkEvent[]> {
    const queued = this.unwritten.filter(
      (e) => eventMatches(e, q) && (q.before === undefined || e.id < q.before),
    );
    const stored = await this.store.listEvents(q);
    const byId = new Map<number, BrinkEvent>();
    for (const e of stored) byId.set(e.id, e);
    for (const e of queued) byId.set(e.id, e);
    const all = [...byId.values()].sort((a, b) => a.id - b.id);
    if (q.limit === undefined || all.length <= q.limit) return all;
    return q.newest ? all.slice(all.length - q.limit) : all.slice(0, q.limit);
  }

  /** Writes everything queued now (also done on close). */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    return this.enqueue(() => this.write());
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const s of this.subscribers) s.end();
    this.subscribers.clear();
    await this.flush();
  }

  private now(): string {
    return this.iso.now();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.enqueue(() => this.write());
    }, this.options.flushMs ?? 50);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work).catch((err: unknown) => {
      this.logger.error({ err }, "event log: writing or pruning failed");
    });
    this.chain = run;
    return run;
  }

  /**
   * Writes the queue in transactions of at most `WRITE_CHUNK` events, yielding to the event loop
   * between them: SQLite writes block the thread, and a burst of 10,000 placements must not stall
   * heartbeats and API requests for the whole burst.
   */
  private async write(): Promise<void> {
    let written = 0;
    while (this.unwritten.length > 0) {
      if (written > 0) await new Promise((resolve) => setImmediate(resolve));
      const batch = this.unwritten.slice(0, WRITE_CHUNK);
      this.writingCount = batch.length;
      try {
        await this.store.appendEvents(batch);
        // Only now leave the queue: a read between emit and commit still finds them.
        this.unwritten.splice(0, Math.min(this.writingCount, this.unwritten.length));
      } catch (err) {
        // Kept queued, written with the next batch.
        this.logger.error({ err, events: batch.length }, "event log: write failed; will retry");
        this.scheduleFlush();
        break;
      } finally {
        this.writingCount = 0;
      }
      written += batch.length;
    }
    this.sincePrune += written;
    if (this.options.keep > 0 && this.sincePrune >= Math.max(1000, this.options.keep / 10)) {
      await this.prune();
    }
  }

  private dropOldestUnwritten(): void {
    // Never drop what a write in progress is committing (its splice counts on it).
    const drop = this.unwritten.length - MAX_UNWRITTEN;
    if (drop > 0 && this.writingCount === 0) this.unwritten.splice(0, drop);
  }

  private async prune(): Promise<void> {
    this.sincePrune = 0;
    const { keep, maxAgeMs } = this.options;
    const retention = {
      ...(keep > 0 ? { keep } : {}),
      ...(maxAgeMs > 0 ? { before: new Date(this.clock.now() - maxAgeMs).toISOString() } : {}),
    };
    if (Object.keys(retention).length === 0) return;
    const removed = await this.store.pruneEvents(retention);
    if (removed > 0) this.logger.debug({ removed }, "event log: pruned");
  }
}

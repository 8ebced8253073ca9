import type { Topic } from "./event.js";

/**
 * Coalesces "this list is stale" signals into refetches: the first signal schedules a run after
 * `delayMs`, later ones join it; one run at a time (so an older answer never overwrites a newer
 * one), and what went stale during a run is fetched right after it. A steady flow of events
 * cannot starve it (the timer is not pushed back).
 */
export class RefetchQueue {
  private dirty = new Set<Topic>();
  private waiters: Array<(ok: boolean) => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private stopped = false;

  constructor(
    private readonly run: (topics: ReadonlySet<Topic>) => Promise<void>,
    private readonly delayMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Marks topics stale; resolves once a run that includes them ended (false: it failed). */
  mark(topics: Iterable<Topic>, opts: { now?: boolean } = {}): Promise<boolean> {
    for (const t of topics) this.dirty.add(t);
    const done = new Promise<boolean>((resolve) => this.waiters.push(resolve));
    this.schedule(opts.now ? 0 : this.delayMs);
    return done;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.timer || this.running || this.stopped) return;
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const topics = this.dirty;
    const waiters = this.waiters;
    this.dirty = new Set();
    this.waiters = [];
    this.running = true;
    let ok = true;
    try {
      await this.run(topics);
    } catch (err) {
      ok = false;
      if (!this.stopped) this.onError(err);
    }
    this.running = false;
    for (const w of waiters) w(ok);
    if (this.dirty.size > 0) this.schedule(this.delayMs);
  }
}

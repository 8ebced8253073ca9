import type { Health } from "../../model/index.js";
import { type CheckResult, type CheckTarget, runCheck } from "./run-check.js";

export interface HealthCheckerOptions {
  target: CheckTarget;
  /** Called when the verdict changes (the first verdict too). */
  onChange(health: Health, detail: string | undefined): void;
  /** Injectable for tests. */
  run?: (t: CheckTarget) => Promise<CheckResult>;
}

/**
 * Checks one running allocation every `interval`: the first passing check (or a failure after
 * one interval of grace for the task to start listening) decides `healthy` or `unhealthy`, and every change of verdict is reported at once (one failed check is enough to
 * take an endpoint out of its service; one passing check brings it back).
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private health: Health = "unknown";
  private startedAt = 0;

  constructor(private readonly opts: HealthCheckerOptions) {}

  get current(): Health {
    return this.health;
  }

  start(): void {
    this.stopped = false;
    this.startedAt = Date.now();
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    const result = await (this.opts.run ?? runCheck)(this.opts.target).catch(
      (err: unknown): CheckResult => ({ ok: false, detail: String(err) }),
    );
    if (this.stopped) return;
    const { interval } = this.opts.target.check;
    // A task that just started may not listen yet: until one interval has passed, failures are
    // retried quickly instead of being reported.
    if (!result.ok && this.health === "unknown" && Date.now() - this.startedAt < interval) {
      this.timer = setTimeout(() => void this.tick(), Math.min(interval, 200));
      this.timer.unref();
      return;
    }
    const next: Health = result.ok ? "healthy" : "unhealthy";
    if (next !== this.health) {
      this.health = next;
      this.opts.onChange(next, result.detail);
    }
    this.timer = setTimeout(() => void this.tick(), interval);
    this.timer.unref();
  }
}

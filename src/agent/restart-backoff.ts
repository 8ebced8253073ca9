/** Cap of the exponential restart delay when the policy gives none. */
export const DEFAULT_MAX_DELAY_MS = 5 * 60_000;
/** A run at least this long (or 10× the base delay, if shorter, but never under 10 s) resets the backoff. */
export const STABLE_RUN_MAX_MS = 5 * 60_000;
export const STABLE_RUN_MIN_MS = 10_000;

export interface CrashLoopPolicy {
  /** This many failures ... */
  failures: number;
  /** ... within this window (ms) is a crash loop. */
  windowMs: number;
}

export const DEFAULT_CRASH_LOOP: CrashLoopPolicy = { failures: 5, windowMs: 60_000 };

export interface BackoffPolicy {
  /** Base delay before a restart, in ms. */
  delay: number;
  /** Cap of the doubled delay; never below `delay`. Default DEFAULT_MAX_DELAY_MS. */
  maxDelay?: number | undefined;
}

/** What one failure means for the next restart. */
export interface FailureStep {
  /** Pause before the next restart. */
  delayMs: number;
  /** The run before this failure was long enough to count as healthy: counters were reset. */
  stable: boolean;
  /** Set while failures come faster than the crash-loop policy allows. */
  crashLoop: string | undefined;
}

/** How long a run must last to count as healthy for this base delay. */
export function stableRunMs(delay: number): number {
  return Math.min(STABLE_RUN_MAX_MS, Math.max(STABLE_RUN_MIN_MS, 10 * delay));
}

/** `delay` doubled per consecutive failure after the first, capped at the policy's maximum. */
export function backoffDelayMs(policy: BackoffPolicy, consecutiveFailures: number): number {
  const cap = Math.max(policy.delay, policy.maxDelay ?? DEFAULT_MAX_DELAY_MS);
  const doublings = Math.min(Math.max(consecutiveFailures - 1, 0), 40);
  return Math.min(cap, policy.delay * 2 ** doublings);
}

export function crashLoopReason(policy: CrashLoopPolicy): string {
  return `crash loop: ${policy.failures} failures in ${Math.round(policy.windowMs / 1000)}s`;
}

/**
 * Restart pacing of one task: exponential backoff over consecutive failures, reset by a healthy
 * run, and crash-loop detection over a sliding window. Pure: the caller passes the times.
 */
export class RestartBackoff {
  private streak = 0;
  private readonly failures: number[] = [];

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly crashLoop: CrashLoopPolicy = DEFAULT_CRASH_LOOP,
  ) {}

  /** Records a failure at `now` of a run that lasted `runMs`. */
  failure(now: number, runMs: number): FailureStep {
    const stable = runMs >= stableRunMs(this.policy.delay);
    if (stable) {
      this.streak = 0;
      this.failures.length = 0;
    }
    this.streak++;
    this.failures.push(now);
    while (this.failures.length > 0 && (this.failures[0] ?? now) <= now - this.crashLoop.windowMs)
      this.failures.shift();
    const looping = this.failures.length >= this.crashLoop.failures;
    return {
      delayMs: backoffDelayMs(this.policy, this.streak),
      stable,
      crashLoop: looping ? crashLoopReason(this.crashLoop) : undefined,
    };
  }
}

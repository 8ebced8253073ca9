/**
 * The phi-accrual failure detector (Hayashibara et al. 2004, as in Akka and Cassandra): instead
 * of a fixed timeout it says how suspicious the current silence is given the heartbeat history.
 * phi = -log10(P(a heartbeat arrives later than now)), with inter-arrival times modelled as a
 * normal distribution over a sliding window. A slow but steady link has a large mean, so its
 * silences are not suspicious; phi 8 means a one-in-10^8 chance the node is still fine.
 */
export interface PhiOptions {
  /** Inter-arrival samples kept. */
  windowSize: number;
  /** Floor of the standard deviation (ms): keeps a very regular link from looking dead on one late beat. */
  minStdDevMs: number;
  /** Extra pause tolerated on top of the mean (ms), e.g. for GC or scheduling hiccups. */
  acceptablePauseMs: number;
}

export const DEFAULT_PHI: PhiOptions = {
  windowSize: 100,
  minStdDevMs: 200,
  acceptablePauseMs: 500,
};

export class PhiAccrual {
  private readonly intervals: number[] = [];
  private sum = 0;
  private sumSquares = 0;
  private last: number | undefined;

  constructor(
    private readonly opts: PhiOptions = DEFAULT_PHI,
    firstExpectedIntervalMs = 1000,
  ) {
    // Seed with the expected interval so the first beats are judged sensibly.
    this.add(firstExpectedIntervalMs);
  }

  private add(interval: number): void {
    this.intervals.push(interval);
    this.sum += interval;
    this.sumSquares += interval * interval;
    if (this.intervals.length > this.opts.windowSize) {
      const old = this.intervals.shift() as number;
      this.sum -= old;
      this.sumSquares -= old * old;
    }
  }

  heartbeat(nowMs: number): void {
    if (this.last !== undefined) this.add(Math.max(0, nowMs - this.last));
    this.last = nowMs;
  }

  get lastHeartbeat(): number | undefined {
    return this.last;
  }

  /** The mean interval plus the tolerated pause: up to here phi stays at most log10(2). */
  expectedIntervalMs(): number {
    return this.mean() + this.opts.acceptablePauseMs;
  }

  mean(): number {
    return this.sum / this.intervals.length;
  }

  stdDev(): number {
    const n = this.intervals.length;
    const variance = Math.max(0, this.sumSquares / n - (this.sum / n) ** 2);
    return Math.max(this.opts.minStdDevMs, Math.sqrt(variance));
  }

  /** Suspicion level now; 0 right after a heartbeat, growing with silence. */
  phi(nowMs: number): number {
    if (this.last === undefined) return 0;
    const elapsed = nowMs - this.last;
    const mean = this.mean() + this.opts.acceptablePauseMs;
    const y = (elapsed - mean) / this.stdDev();
    // Logistic approximation of the normal CDF's tail (as in Akka).
    const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
    const p = elapsed > mean ? e / (1 + e) : 1 - 1 / (1 + e);
    return -Math.log10(Math.max(p, 1e-300));
  }
}

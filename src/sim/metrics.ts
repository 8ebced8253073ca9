/** A growable list of numbers (latencies of a million tasks without a million boxed numbers). */
export class Samples {
  private data = new Float64Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** Mean of a sorted array (0 when empty). */
export function mean(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return xs.length === 0 ? 0 : s / xs.length;
}

/** The q-quantile (0..1) of a sorted array by the nearest-rank method (0 when empty). */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/** Points (latency, fraction ≤ it) of the empirical CDF, at most `points` of them. */
export function cdf(sorted: Float64Array, points = 200): [number, number][] {
  const out: [number, number][] = [];
  if (sorted.length === 0) return out;
  for (let i = 1; i <= points; i++) {
    const q = i / points;
    out.push([quantile(sorted, q), q]);
  }
  return out;
}

/** Rounds for output: 6 significant decimals keeps JSON short and runs comparable. */
export function round6(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x;
}

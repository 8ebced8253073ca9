/**
 * A segment tree over the nodes (in cluster order, so a site is a contiguous range): per range
 * the lowest load (busy slots / slots; Infinity for a node that takes no work) and how many nodes
 * have a free slot. Answers "least loaded node in a range", "any free slot anywhere?" and "the
 * k-th node with a free slot" in O(log n), which keeps the baseline policies and the queue fast
 * at 10,000 nodes.
 */
export class LoadIndex {
  private readonly size: number;
  private readonly min: Float64Array;
  private readonly arg: Int32Array;
  private readonly free: Int32Array;

  /**
   * `trackLoad` false: only free-slot counts are kept (enough for the scheduler pipeline, random
   * and round robin); an update then climbs the tree only when a node gains or loses its last
   * free slot.
   */
  constructor(
    readonly n: number,
    private readonly trackLoad = true,
  ) {
    let size = 1;
    while (size < Math.max(1, n)) size *= 2;
    this.size = size;
    this.min = new Float64Array(2 * size).fill(Number.POSITIVE_INFINITY);
    this.arg = new Int32Array(2 * size).fill(-1);
    this.free = new Int32Array(2 * size);
    for (let i = 0; i < size; i++) this.arg[size + i] = i < n ? i : -1;
  }

  /** Sets a node's load (0..1; ≥ 1 or Infinity: no free slot). */
  set(node: number, load: number): void {
    let i = this.size + node;
    this.min[i] = load;
    const free = load < 1 ? 1 : 0;
    if (!this.trackLoad) {
      if (this.free[i] === free) return;
      this.free[i] = free;
      for (i >>= 1; i >= 1; i >>= 1)
        this.free[i] = (this.free[2 * i] as number) + (this.free[2 * i + 1] as number);
      return;
    }
    this.free[i] = free;
    for (i >>= 1; i >= 1; i >>= 1) {
      const l = 2 * i;
      const r = l + 1;
      const ml = this.min[l] as number;
      const mr = this.min[r] as number;
      // Ties go to the lower index, so results do not depend on update order.
      if (ml <= mr) {
        this.min[i] = ml;
        this.arg[i] = this.arg[l] as number;
      } else {
        this.min[i] = mr;
        this.arg[i] = this.arg[r] as number;
      }
      this.free[i] = (this.free[l] as number) + (this.free[r] as number);
    }
  }

  load(node: number): number {
    return this.min[this.size + node] as number;
  }

  /** Nodes with a free slot, in all. */
  get freeCount(): number {
    return this.free[1] as number;
  }

  /** The least loaded node in [lo, hi) with a free slot, or -1. */
  leastLoaded(lo = 0, hi = this.n): number {
    let best = -1;
    let bestLoad = 1;
    const visit = (i: number, a: number, b: number): void => {
      if (b <= lo || a >= hi || (this.min[i] as number) >= bestLoad) return;
      if (lo <= a && b <= hi) {
        const m = this.min[i] as number;
        if (m < bestLoad || (m === bestLoad && (this.arg[i] as number) < best)) {
          bestLoad = m;
          best = this.arg[i] as number;
        }
        return;
      }
      const mid = (a + b) >> 1;
      visit(2 * i, a, mid);
      visit(2 * i + 1, mid, b);
    };
    visit(1, 0, this.size);
    return best;
  }

  /** The k-th (0-based, in node order) node with a free slot. */
  kthFree(k: number): number {
    let i = 1;
    if (k < 0 || k >= (this.free[1] as number)) return -1;
    while (i < this.size) {
      const left = this.free[2 * i] as number;
      if (k < left) i = 2 * i;
      else {
        k -= left;
        i = 2 * i + 1;
      }
    }
    return i - this.size;
  }

  /** How many nodes before `node` (in node order) have a free slot. */
  freeBefore(node: number): number {
    let count = 0;
    let i = this.size + Math.min(node, this.size);
    if (node >= this.size) return this.free[1] as number;
    // Walk up: every left sibling of the path is wholly before `node`.
    while (i > 1) {
      if (i & 1) count += this.free[i - 1] as number;
      i >>= 1;
    }
    return count;
  }

  /** Every node with a free slot, in node order (use when few are free). */
  freeNodes(limit: number): number[] {
    const out: number[] = [];
    const visit = (i: number): void => {
      if (out.length >= limit || (this.free[i] as number) === 0) return;
      if (i >= this.size) {
        out.push(i - this.size);
        return;
      }
      visit(2 * i);
      visit(2 * i + 1);
    };
    visit(1);
    return out;
  }
}

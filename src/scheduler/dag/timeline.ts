/**
 * The busy intervals of one slot (one processor), kept sorted by start. Intervals never overlap,
 * so their finishes are sorted too.
 */
export class SlotTimeline {
  private readonly starts: number[] = [];
  private readonly finishes: number[] = [];

  get length(): number {
    return this.starts.length;
  }

  /** When the slot's last task finishes (0 when idle). */
  get end(): number {
    return this.finishes.at(-1) ?? 0;
  }

  /**
   * The earliest start ≥ `ready` for a task of `duration` seconds: in the first idle gap it fits
   * (insertion-based policy), or after the last task when `insertion` is off.
   */
  earliestStart(ready: number, duration: number, insertion: boolean): number {
    if (!insertion || this.starts.length === 0) return Math.max(ready, this.end);
    let i = this.firstFinishAfter(ready);
    let prevEnd = i > 0 ? (this.finishes[i - 1] as number) : 0;
    for (; i < this.starts.length; i++) {
      const start = Math.max(ready, prevEnd);
      if (start + duration <= (this.starts[i] as number)) return start;
      prevEnd = this.finishes[i] as number;
    }
    return Math.max(ready, prevEnd);
  }

  /** Index of the first interval finishing after `time` (binary search). */
  private firstFinishAfter(time: number): number {
    let lo = 0;
    let hi = this.finishes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.finishes[mid] as number) <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Books [start, finish); the caller found the gap with `earliestStart`. Sorted by start, then
   * finish, so an empty interval sits before a task starting at the same time.
   */
  add(start: number, finish: number): void {
    let i = this.starts.length;
    while (i > 0) {
      const s = this.starts[i - 1] as number;
      if (s < start || (s === start && (this.finishes[i - 1] as number) <= finish)) break;
      i--;
    }
    this.starts.splice(i, 0, start);
    this.finishes.splice(i, 0, finish);
  }

  /** Frees a booking made with `add` (used to undo tentative placements). */
  remove(start: number, finish: number): void {
    for (let i = this.starts.length - 1; i >= 0; i--) {
      if (this.starts[i] === start && this.finishes[i] === finish) {
        this.starts.splice(i, 1);
        this.finishes.splice(i, 1);
        return;
      }
    }
  }
}

import type { DagGraph } from "./graph.js";

/** Priorities this close (relative) are equal: sums of the same costs in another order differ. */
const TIE = 1e-9;

/** True when task `a` goes before task `b`: higher priority, then earlier in topological order. */
type Before = (a: number, b: number) => boolean;

/** A binary heap of ready tasks. */
class ReadyHeap {
  private readonly items: number[] = [];
  constructor(private readonly before: Before) {}

  get size(): number {
    return this.items.length;
  }

  push(t: number): void {
    const a = this.items;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.before(a[i] as number, a[up] as number)) break;
      [a[i], a[up]] = [a[up] as number, a[i] as number];
      i = up;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0] as number;
    const last = a.pop() as number;
    if (a.length === 0) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.before(a[l] as number, a[m] as number)) m = l;
      if (r < a.length && this.before(a[r] as number, a[m] as number)) m = r;
      if (m === i) return top;
      [a[i], a[m]] = [a[m] as number, a[i] as number];
      i = m;
    }
  }
}

/**
 * A list-scheduling order: repeatedly take the ready task (all parents taken) with the highest
 * `priority`; ties (up to rounding) go to the task earlier in the graph's topological order. When priorities
 * never increase along edges (upward ranks) this is simply "sort by priority, descending".
 */
export function priorityOrder(graph: DagGraph, priority: ArrayLike<number>): number[] {
  const before: Before = (a, b) => {
    const pa = priority[a] ?? 0;
    const pb = priority[b] ?? 0;
    if (Math.abs(pa - pb) > TIE * Math.max(1, Math.abs(pa), Math.abs(pb))) return pa > pb;
    return (graph.position[a] ?? 0) < (graph.position[b] ?? 0);
  };
  const waiting = graph.preds.map((p) => p.length);
  const heap = new ReadyHeap(before);
  for (let t = 0; t < graph.n; t++) if (waiting[t] === 0) heap.push(t);
  const order: number[] = [];
  while (heap.size > 0) {
    const t = heap.pop();
    order.push(t);
    for (const arc of graph.succs[t] ?? []) {
      waiting[arc.task] = (waiting[arc.task] ?? 0) - 1;
      if (waiting[arc.task] === 0) heap.push(arc.task);
    }
  }
  return order;
}

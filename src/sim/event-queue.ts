/**
 * The simulator's future event list: a binary min-heap on (time, insertion order), so events at
 * the same time come out in the order they were scheduled (deterministic runs). Events are
 * small objects; cancelled ones are skipped by their owner (a version number), not removed.
 */
export interface SimEvent {
  time: number;
  /** Insertion order: breaks ties between equal times. */
  seq: number;
  kind: number;
  /** What the event is about (a task, a node, a flow...); the engine knows by `kind`. */
  ref: unknown;
  /** The owner's version when scheduled: a stale event is ignored. */
  version: number;
}

export class EventQueue {
  private heap: SimEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, kind: number, ref: unknown, version = 0): void {
    const e: SimEvent = { time, seq: this.seq++, kind, ref, version };
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as SimEvent;
      if (!before(e, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r] as SimEvent, h[l] as SimEvent) ? r : l;
      const child = h[c] as SimEvent;
      if (!before(child, last)) break;
      h[i] = child;
      i = c;
    }
    h[i] = last;
    return top;
  }

  peekTime(): number {
    return this.heap[0]?.time ?? Number.POSITIVE_INFINITY;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

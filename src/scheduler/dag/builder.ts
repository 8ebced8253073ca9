import type { DagGraph } from "./graph.js";
import { edgeTransfer, type Placement, type Schedule } from "./problem.js";
import { SlotTimeline } from "./timeline.js";

/** A slot on a node and the time window a task would occupy there. */
export interface SlotChoice {
  readonly node: number;
  readonly slot: number;
  readonly start: number;
  readonly finish: number;
}

/**
 * A schedule under construction: list schedulers place tasks one at a time, parents first.
 * Queries (`dataReady`, `bestOn`) look only at what is placed so far.
 */
export class ScheduleBuilder {
  private readonly placed: (Placement | undefined)[];
  private readonly timelines: SlotTimeline[][];

  constructor(
    readonly graph: DagGraph,
    readonly insertion = true,
  ) {
    this.placed = new Array<Placement | undefined>(graph.n).fill(undefined);
    this.timelines = graph.problem.nodes.map((node) =>
      Array.from({ length: node.slots }, () => new SlotTimeline()),
    );
  }

  placement(task: number): Placement | undefined {
    return this.placed[task];
  }

  /** When all of `task`'s placed parents' data can be on `node` (unplaced parents are ignored). */
  dataReady(task: number, node: number): number {
    let ready = 0;
    for (const arc of this.graph.preds[task] ?? []) {
      const p = this.placed[arc.task];
      if (!p) continue;
      const at = p.finish + edgeTransfer(this.graph.problem, arc, p.node, node);
      if (at > ready) ready = at;
    }
    return ready;
  }

  /** The slot of `node` where `task` finishes first (the lowest slot on ties). */
  bestOn(task: number, node: number): SlotChoice {
    const ready = this.dataReady(task, node);
    const duration = this.graph.problem.cost[task]?.[node] ?? 0;
    const slots = this.timelines[node] ?? [];
    let best: SlotChoice = { node, slot: 0, start: Infinity, finish: Infinity };
    for (let s = 0; s < slots.length; s++) {
      const start = (slots[s] as SlotTimeline).earliestStart(ready, duration, this.insertion);
      if (start < best.start) best = { node, slot: s, start, finish: start + duration };
    }
    return best;
  }

  /** The node (and slot) where `task` finishes first: HEFT's processor selection. */
  earliestFinish(task: number): SlotChoice {
    let best = this.bestOn(task, 0);
    for (let n = 1; n < this.timelines.length; n++) {
      const c = this.bestOn(task, n);
      if (c.finish < best.finish) best = c;
    }
    return best;
  }

  place(task: number, choice: SlotChoice): void {
    this.timelines[choice.node]?.[choice.slot]?.add(choice.start, choice.finish);
    this.placed[task] = { task, ...choice };
  }

  /** Undoes `place` (for lookahead's tentative placements). */
  unplace(task: number): void {
    const p = this.placed[task];
    if (!p) return;
    this.timelines[p.node]?.[p.slot]?.remove(p.start, p.finish);
    this.placed[task] = undefined;
  }

  /** The finished schedule; throws if a task was left out (a bug in the list scheduler). */
  build(): Schedule {
    let makespan = 0;
    const placements = this.placed.map((p, t) => {
      if (!p) throw new Error(`bug: task ${t} was never placed`);
      if (p.finish > makespan) makespan = p.finish;
      return p;
    });
    return { placements, makespan };
  }
}

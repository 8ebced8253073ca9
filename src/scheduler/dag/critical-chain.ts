import type { DagGraph } from "./graph.js";
import { edgeTransfer, type Schedule } from "./problem.js";

/** For each task, the task placed just before it on the same slot (-1 if none). */
function slotPredecessors(schedule: Schedule): Int32Array {
  const bySlot = new Map<string, number[]>();
  for (const p of schedule.placements) {
    const key = `${p.node}/${p.slot}`;
    const list = bySlot.get(key) ?? [];
    list.push(p.task);
    bySlot.set(key, list);
  }
  const prev = new Int32Array(schedule.placements.length).fill(-1);
  for (const list of bySlot.values()) {
    list.sort(
      (a, b) => (schedule.placements[a]?.start ?? 0) - (schedule.placements[b]?.start ?? 0),
    );
    for (let i = 1; i < list.length; i++) prev[list[i] as number] = list[i - 1] as number;
  }
  return prev;
}

/** The task whose finish (or data arrival) fixed `t`'s start, or -1 when nothing did. */
function binding(graph: DagGraph, schedule: Schedule, prevOnSlot: Int32Array, t: number): number {
  const p = schedule.placements[t];
  if (!p || p.start <= 0) return -1;
  const near = (x: number) => Math.abs(x - p.start) <= 1e-9 * Math.max(1, p.start);
  for (const arc of graph.preds[t] ?? []) {
    const q = schedule.placements[arc.task];
    if (q && near(q.finish + edgeTransfer(graph.problem, arc, q.node, p.node))) return arc.task;
  }
  const prev = prevOnSlot[t] ?? -1;
  return prev >= 0 && near(schedule.placements[prev]?.finish ?? -1) ? prev : -1;
}

/**
 * The chain of tasks that fixes the makespan: from the last task to finish, walk back through
 * whichever parent's data or slot neighbour made each task start when it did. Moving any of
 * these tasks (or reordering them) is what can shorten the schedule.
 */
export function criticalChain(graph: DagGraph, schedule: Schedule): number[] {
  if (schedule.placements.length === 0) return [];
  let t = schedule.placements.reduce((a, p) => (p.finish > a.finish ? p : a)).task;
  const prevOnSlot = slotPredecessors(schedule);
  const chain = [t];
  for (;;) {
    t = binding(graph, schedule, prevOnSlot, t);
    if (t < 0 || chain.length > graph.n) return chain;
    chain.push(t);
  }
}

import { ScheduleBuilder, type SlotChoice } from "./builder.js";
import type { DagGraph } from "./graph.js";
import type { Schedule } from "./problem.js";

/** A schedule with the list order that produced it (so a search can re-decode and vary it). */
export interface Candidate {
  readonly name: string;
  readonly order: readonly number[];
  readonly schedule: Schedule;
}

/** Picks where a task goes, given what is placed so far. */
export type Selector = (builder: ScheduleBuilder, task: number) => SlotChoice;

/** HEFT's selection: the node and slot with the earliest finish time. */
export const earliestFinish: Selector = (b, t) => b.earliestFinish(t);

/**
 * List scheduling: place the tasks in `order` (parents first), each where `select` says.
 * Every heuristic of this module is this loop with a different order and selector.
 */
export function listSchedule(
  graph: DagGraph,
  order: readonly number[],
  select: Selector,
  insertion = true,
): Schedule {
  const builder = new ScheduleBuilder(graph, insertion);
  for (const t of order) builder.place(t, select(builder, t));
  return builder.build();
}

/** A fixed assignment (node per task) decoded into times: each task on its node's best slot. */
export function decode(
  graph: DagGraph,
  order: readonly number[],
  assign: ArrayLike<number>,
): Schedule {
  return listSchedule(graph, order, (b, t) => b.bestOn(t, assign[t] ?? 0));
}

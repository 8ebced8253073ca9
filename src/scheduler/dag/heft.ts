import type { DagGraph } from "./graph.js";
import { type Candidate, earliestFinish, listSchedule } from "./list-schedule.js";
import { priorityOrder } from "./priority-order.js";
import type { Schedule } from "./problem.js";
import { taskWeights, upwardRank } from "./rank.js";

/** HEFT's task order: decreasing upward rank (mean computation and communication costs). */
export function heftOrder(graph: DagGraph): number[] {
  return priorityOrder(graph, upwardRank(graph, taskWeights(graph, "mean")));
}

/** HEFT's schedule with its order. */
export function heftCandidate(graph: DagGraph): Candidate {
  const order = heftOrder(graph);
  return { name: "heft", order, schedule: listSchedule(graph, order, earliestFinish, true) };
}

/**
 * HEFT (Topcuoglu, Hariri and Wu, 2002): tasks by decreasing upward rank, each on the processor
 * (node slot) where it finishes earliest, idle gaps filled by the insertion-based policy.
 */
export function heft(graph: DagGraph): Schedule {
  return heftCandidate(graph).schedule;
}

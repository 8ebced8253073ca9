import type { SlotChoice } from "./builder.js";
import type { DagGraph } from "./graph.js";
import { type Candidate, listSchedule, type Selector } from "./list-schedule.js";
import { octRank, optimisticCostTable } from "./oct.js";
import { priorityOrder } from "./priority-order.js";
import type { Schedule } from "./problem.js";

/** PEFT's selection: the node minimizing EFT + OCT (the earliest finish of the whole tail). */
export function optimisticSelector(oct: readonly Float64Array[]): Selector {
  return (b, t) => {
    const row = oct[t] as Float64Array;
    let best: SlotChoice | undefined;
    let bestValue = Infinity;
    for (let n = 0; n < row.length; n++) {
      const c = b.bestOn(t, n);
      const value = c.finish + (row[n] ?? 0);
      if (value < bestValue) {
        best = c;
        bestValue = value;
      }
    }
    return best ?? b.bestOn(t, 0);
  };
}

/** PEFT's task order: ready tasks by decreasing rank_oct. */
export function peftOrder(graph: DagGraph, oct = optimisticCostTable(graph)): number[] {
  return priorityOrder(graph, octRank(graph, oct));
}

/** PEFT's schedule with its order. */
export function peftCandidate(graph: DagGraph): Candidate {
  const oct = optimisticCostTable(graph);
  const order = peftOrder(graph, oct);
  return { name: "peft", order, schedule: listSchedule(graph, order, optimisticSelector(oct)) };
}

/**
 * PEFT (Arabnejad and Barbosa, 2014): ready tasks by decreasing rank_oct, each on the node
 * minimizing EFT + OCT, with the insertion-based policy.
 */
export function peft(graph: DagGraph): Schedule {
  return peftCandidate(graph).schedule;
}

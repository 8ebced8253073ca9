import type { SlotChoice } from "./builder.js";
import type { DagGraph } from "./graph.js";
import type { Selector } from "./list-schedule.js";

/**
 * One-level lookahead (after Bittencourt, Sakellariou and Madeira, 2010): try the task on each
 * node, and keep the node where the latest of its children's earliest finish times (each child
 * on its own best node, given what is placed) is smallest. Ties go to the earlier finish.
 */
export function lookaheadSelector(graph: DagGraph): Selector {
  return (b, t) => {
    let best: SlotChoice | undefined;
    let bestValue = Infinity;
    for (let n = 0; n < graph.problem.nodes.length; n++) {
      const c = b.bestOn(t, n);
      b.place(t, c);
      let value = c.finish;
      for (const arc of graph.succs[t] ?? []) {
        value = Math.max(value, b.earliestFinish(arc.task).finish);
      }
      b.unplace(t);
      if (value < bestValue || (value === bestValue && best && c.finish < best.finish)) {
        best = c;
        bestValue = value;
      }
    }
    return best ?? b.bestOn(t, 0);
  };
}

import type { DagGraph } from "./graph.js";
import { taskWeights, upwardRank } from "./rank.js";

/**
 * A makespan no schedule can beat, for any cost matrix: the critical path with every task at its
 * cheapest node and no transfers, and the cheapest total work spread over all processors.
 * (For speed-based clusters, `workflowLowerBound` is tighter.)
 */
export function lowerBound(graph: DagGraph): number {
  const cheapest = taskWeights(graph, "min");
  const path = upwardRank(graph, cheapest, 0).reduce((m, r) => Math.max(m, r), 0);
  const work = cheapest.reduce((s, w) => s + w, 0) / graph.processors;
  return Math.max(path, work);
}

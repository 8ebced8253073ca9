import type { DagGraph } from "./graph.js";

/**
 * PEFT's Optimistic Cost Table. `oct[t][n]` is, with `t` on node `n`, the longest of the
 * shortest paths from `t`'s children to an exit, each child on its best node:
 *   OCT(t, n) = max over children s of  min over nodes w of
 *               OCT(s, w) + cost(s, w) + (w ≠ n ? c̄(t, s) : 0).
 * Nodes stand for their slots (identical processors, no communication between them).
 */
export function optimisticCostTable(graph: DagGraph): Float64Array[] {
  const { cost, nodes } = graph.problem;
  const m = nodes.length;
  const oct = Array.from({ length: graph.n }, () => new Float64Array(m));
  for (let i = graph.topo.length - 1; i >= 0; i--) {
    const t = graph.topo[i] as number;
    const row = oct[t] as Float64Array;
    for (const arc of graph.succs[t] ?? []) {
      const child = oct[arc.task] as Float64Array;
      const childCost = cost[arc.task] ?? [];
      let anywhere = Infinity;
      for (let w = 0; w < m; w++) {
        anywhere = Math.min(anywhere, (child[w] ?? 0) + (childCost[w] ?? 0));
      }
      for (let n = 0; n < m; n++) {
        const here = (child[n] ?? 0) + (childCost[n] ?? 0);
        const best = Math.min(here, anywhere + arc.comm);
        if (best > (row[n] ?? 0)) row[n] = best;
      }
    }
  }
  return oct;
}

/** rank_oct(t): the mean of `t`'s OCT row over processors (a node counts once per slot). */
export function octRank(graph: DagGraph, oct: readonly Float64Array[]): Float64Array {
  const { nodes } = graph.problem;
  return Float64Array.from(oct, (row) => {
    let sum = 0;
    nodes.forEach((node, n) => {
      sum += (row[n] ?? 0) * node.slots;
    });
    return sum / graph.processors;
  });
}

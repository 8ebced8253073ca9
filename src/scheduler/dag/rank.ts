import type { DagGraph } from "./graph.js";

/** How a task's costs on the nodes fold into one number for ranking. */
export type CostFold = "mean" | "min" | "max";

/**
 * One computation weight per task: the mean over processors (a node counts once per slot, as
 * HEFT's w̄), or the best or worst node's cost.
 */
export function taskWeights(graph: DagGraph, fold: CostFold = "mean"): Float64Array {
  const { cost, nodes } = graph.problem;
  const w = new Float64Array(graph.n);
  for (let t = 0; t < graph.n; t++) {
    const row = cost[t] ?? [];
    if (fold === "min") w[t] = Math.min(...row);
    else if (fold === "max") w[t] = Math.max(...row);
    else {
      let sum = 0;
      nodes.forEach((node, n) => {
        sum += (row[n] ?? 0) * node.slots;
      });
      w[t] = sum / graph.processors;
    }
  }
  return w;
}

/**
 * HEFT's upward rank: rank_u(t) = w(t) + max over children s of (c̄(t,s)·commScale + rank_u(s)),
 * the length of the longest path from `t` to an exit. `commScale` 1 is the classic mean
 * communication cost; less models the chance that parent and child share a node.
 */
export function upwardRank(graph: DagGraph, weights: Float64Array, commScale = 1): Float64Array {
  const rank = new Float64Array(graph.n);
  for (let i = graph.topo.length - 1; i >= 0; i--) {
    const t = graph.topo[i] as number;
    let tail = 0;
    for (const arc of graph.succs[t] ?? []) {
      const v = arc.comm * commScale + (rank[arc.task] ?? 0);
      if (v > tail) tail = v;
    }
    rank[t] = (weights[t] ?? 0) + tail;
  }
  return rank;
}

/** Downward rank: the longest path from an entry to `t`, excluding `t` itself. */
export function downwardRank(graph: DagGraph, weights: Float64Array, commScale = 1): Float64Array {
  const rank = new Float64Array(graph.n);
  for (const t of graph.topo) {
    let head = 0;
    for (const arc of graph.preds[t] ?? []) {
      const v = (rank[arc.task] ?? 0) + (weights[arc.task] ?? 0) + arc.comm * commScale;
      if (v > head) head = v;
    }
    rank[t] = head;
  }
  return rank;
}

/** Element-wise sum, e.g. rank_u + rank_d (CPOP's priority: the path length through a task). */
export function sumRanks(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + (b[i] ?? 0));
}

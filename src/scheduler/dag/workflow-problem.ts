import type { Cluster } from "./cluster.js";
import type { DagProblem } from "./problem.js";
import type { Workflow } from "./wfformat.js";

/** Seconds to move `bytes` between two nodes: latency, then bytes at the bandwidth (MB = 10^6 B). */
export function transferSeconds(cluster: Cluster, bytes: number): number {
  const { latencyMs, bandwidthMBps } = cluster.network;
  return latencyMs / 1000 + bytes / (bandwidthMBps * 1e6);
}

/**
 * The cost model of a workflow on a cluster: a task runs runtime / speed seconds on a node; an
 * edge costs latency + bytes / bandwidth when parent and child are on different nodes.
 */
export function workflowProblem(workflow: Workflow, cluster: Cluster): DagProblem {
  return {
    tasks: workflow.tasks.map((t) => t.id),
    nodes: cluster.nodes.map((n) => ({ name: n.name, slots: n.slots })),
    cost: workflow.tasks.map((t) => cluster.nodes.map((n) => t.runtime / n.speed)),
    edges: workflow.edges.map((e) => ({
      from: e.from,
      to: e.to,
      comm: transferSeconds(cluster, e.bytes),
    })),
  };
}

/** Longest runtime-weighted path through the workflow (no transfers). */
function longestPath(workflow: Workflow): number {
  const n = workflow.tasks.length;
  const succ: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Array<number>(n).fill(0);
  for (const e of workflow.edges) {
    succ[e.from]?.push(e.to);
    indeg[e.to] = (indeg[e.to] ?? 0) + 1;
  }
  const head = new Array<number>(n).fill(0);
  const queue = indeg.flatMap((d, t) => (d === 0 ? [t] : []));
  let longest = 0;
  for (let i = 0; i < queue.length; i++) {
    const t = queue[i] as number;
    const end = (head[t] ?? 0) + (workflow.tasks[t]?.runtime ?? 0);
    longest = Math.max(longest, end);
    for (const s of succ[t] ?? []) {
      head[s] = Math.max(head[s] ?? 0, end);
      indeg[s] = (indeg[s] ?? 0) - 1;
      if (indeg[s] === 0) queue.push(s);
    }
  }
  return longest;
}

/**
 * max(critical path with every task at the fastest node's speed and no transfers,
 *     total runtime / Σ speed × slots): no schedule on this cluster can be shorter.
 */
export function workflowLowerBound(workflow: Workflow, cluster: Cluster): number {
  const fastest = Math.max(...cluster.nodes.map((n) => n.speed));
  const capacity = cluster.nodes.reduce((s, n) => s + n.speed * n.slots, 0);
  const work = workflow.tasks.reduce((s, t) => s + t.runtime, 0);
  return Math.max(longestPath(workflow) / fastest, work / capacity);
}

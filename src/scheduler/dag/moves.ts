import type { Random } from "../random.js";
import type { DagGraph } from "./graph.js";

/** A point of the search space: a list order (parents first) and a node per task. */
export interface SearchPoint {
  readonly order: readonly number[];
  readonly assign: Int32Array;
}

export function pick<T>(items: readonly T[], random: Random): T | undefined {
  return items[Math.floor(random() * items.length)];
}

/** `task` on `node`. */
export function reassign(point: SearchPoint, task: number, node: number): SearchPoint {
  const assign = point.assign.slice();
  assign[task] = node;
  return { order: point.order, assign };
}

/** `task` on another node, drawn at random. */
export function reassignRandom(point: SearchPoint, task: number, nodes: number, random: Random) {
  const now = point.assign[task] ?? 0;
  const node = (now + 1 + Math.floor(random() * (nodes - 1))) % nodes;
  return reassign(point, task, node);
}

/** `task` on the node of one of its parents or children on another node (saves a transfer). */
export function colocate(graph: DagGraph, point: SearchPoint, task: number, random: Random) {
  const here = point.assign[task];
  const others = [...(graph.preds[task] ?? []), ...(graph.succs[task] ?? [])]
    .map((arc) => point.assign[arc.task] ?? 0)
    .filter((n) => n !== here);
  const node = pick(others, random);
  return node === undefined ? point : reassign(point, task, node);
}

/** Two tasks trade nodes. */
export function swap(point: SearchPoint, a: number, b: number): SearchPoint {
  const assign = point.assign.slice();
  assign[a] = point.assign[b] ?? 0;
  assign[b] = point.assign[a] ?? 0;
  return { order: point.order, assign };
}

/**
 * `task` to another place in the list, drawn between its last parent and its first child (so the
 * order stays topological). Earlier = it claims idle gaps before its peers.
 */
export function shift(graph: DagGraph, point: SearchPoint, task: number, random: Random) {
  const pos = new Int32Array(point.order.length);
  point.order.forEach((t, i) => {
    pos[t] = i;
  });
  let lo = 0;
  for (const arc of graph.preds[task] ?? []) lo = Math.max(lo, (pos[arc.task] ?? 0) + 1);
  let hi = point.order.length - 1;
  for (const arc of graph.succs[task] ?? []) hi = Math.min(hi, (pos[arc.task] ?? 0) - 1);
  const at = pos[task] ?? 0;
  if (hi <= lo) return point;
  const to = lo + Math.floor(random() * (hi - lo + 1));
  if (to === at) return point;
  const order = point.order.slice();
  order.splice(at, 1);
  order.splice(to, 0, task);
  return { order, assign: point.assign };
}

import type { DagProblem, InputIssue } from "./problem.js";

/** One end of an edge as seen from the other end. */
export interface Arc {
  readonly task: number;
  readonly comm: number;
  /** Bytes carried (network-aware problems); see `edgeTransfer`. */
  readonly bytes?: number;
}

/** A checked problem with its adjacency and one topological order, built once per plan. */
export interface DagGraph {
  readonly problem: DagProblem;
  readonly n: number;
  readonly preds: readonly (readonly Arc[])[];
  readonly succs: readonly (readonly Arc[])[];
  /** A topological order (parents before children). */
  readonly topo: readonly number[];
  /** `position[t]`: index of `t` in `topo`. */
  readonly position: readonly number[];
  /** Processors in all: Σ slots. */
  readonly processors: number;
}

/** Thrown when a caller hands the planner a malformed problem (a bug in the caller). */
export class DagProblemError extends Error {
  constructor(readonly issues: readonly InputIssue[]) {
    super(`invalid DAG problem: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    this.name = "DagProblemError";
  }
}

/** Kahn's algorithm; the tasks left over (on or behind a cycle) come back in `rest`. */
function kahn(
  n: number,
  succ: readonly (readonly number[])[],
): { order: number[]; rest: number[] } {
  const indeg = new Array<number>(n).fill(0);
  for (const list of succ) for (const s of list) indeg[s] = (indeg[s] ?? 0) + 1;
  const order: number[] = [];
  for (let t = 0; t < n; t++) if (indeg[t] === 0) order.push(t);
  for (let i = 0; i < order.length; i++) {
    for (const s of succ[order[i] as number] ?? []) {
      indeg[s] = (indeg[s] ?? 0) - 1;
      if (indeg[s] === 0) order.push(s);
    }
  }
  const done = new Set(order);
  const rest: number[] = [];
  for (let t = 0; t < n; t++) if (!done.has(t)) rest.push(t);
  return { order, rest };
}

/** Walks successors among `rest` until a task repeats: that stretch is a cycle. */
function cycleIn(rest: readonly number[], succ: readonly (readonly number[])[]): number[] {
  const left = new Set(rest);
  const seen = new Map<number, number>();
  const path: number[] = [];
  let t = rest[0] as number;
  while (!seen.has(t)) {
    seen.set(t, path.length);
    path.push(t);
    t = (succ[t] ?? []).find((s) => left.has(s)) as number;
  }
  return [...path.slice(seen.get(t)), t];
}

/**
 * A topological order of `n` tasks linked by `edges`, or one cycle (as a closed walk
 * `[a, b, ..., a]`) when there is none.
 */
export function topoOrder(
  n: number,
  edges: readonly { from: number; to: number }[],
): { order: number[] } | { cycle: number[] } {
  const succ: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) succ[e.from]?.push(e.to);
  const { order, rest } = kahn(n, succ);
  return rest.length === 0 ? { order } : { cycle: cycleIn(rest, succ) };
}

function shapeIssues(p: DagProblem): InputIssue[] {
  const issues: InputIssue[] = [];
  const n = p.tasks.length;
  const m = p.nodes.length;
  if (m === 0) issues.push({ path: "nodes", message: "at least one node is needed" });
  p.nodes.forEach((node, i) => {
    if (!Number.isInteger(node.slots) || node.slots < 1)
      issues.push({ path: `nodes[${i}].slots`, message: "must be an integer ≥ 1" });
  });
  if (p.cost.length !== n) issues.push({ path: "cost", message: `needs ${n} rows (one per task)` });
  p.cost.forEach((row, t) => {
    if (row.length !== m || row.some((c) => !Number.isFinite(c) || c < 0))
      issues.push({ path: `cost[${t}]`, message: `needs ${m} finite costs ≥ 0 (one per node)` });
  });
  p.edges.forEach((e, i) => {
    const inRange = (x: number) => Number.isInteger(x) && x >= 0 && x < n;
    if (!inRange(e.from) || !inRange(e.to) || e.from === e.to)
      issues.push({ path: `edges[${i}]`, message: "must link two different existing tasks" });
    if (!Number.isFinite(e.comm) || e.comm < 0)
      issues.push({ path: `edges[${i}].comm`, message: "must be a finite number ≥ 0" });
    if (e.bytes !== undefined && (!Number.isFinite(e.bytes) || e.bytes < 0))
      issues.push({ path: `edges[${i}].bytes`, message: "must be a finite number ≥ 0" });
  });
  const net = p.network;
  if (net) {
    if (net.group.length !== m)
      issues.push({ path: "network.group", message: `needs ${m} entries (one per node)` });
    const groups = Math.max(0, ...net.group) + 1;
    for (const [key, matrix] of [
      ["latencySec", net.latencySec],
      ["bytesPerSec", net.bytesPerSec],
    ] as const) {
      if (
        matrix.length < groups ||
        matrix.some((row) => row.length < groups || row.some((x) => Number.isNaN(x) || x < 0))
      )
        issues.push({ path: `network.${key}`, message: `needs ${groups}×${groups} numbers ≥ 0` });
    }
  }
  return issues;
}

/** Adjacency lists; a repeated edge is kept once, with the larger communication cost and bytes. */
function adjacency(p: DagProblem): { preds: Arc[][]; succs: Arc[][] } {
  const n = p.tasks.length;
  const comm = new Map<number, { comm: number; bytes: number | undefined }>();
  for (const e of p.edges) {
    const key = e.from * n + e.to;
    const prev = comm.get(key);
    const bytes =
      e.bytes === undefined && prev?.bytes === undefined
        ? undefined
        : Math.max(e.bytes ?? 0, prev?.bytes ?? 0);
    comm.set(key, { comm: Math.max(prev?.comm ?? 0, e.comm), bytes });
  }
  const preds: Arc[][] = Array.from({ length: n }, () => []);
  const succs: Arc[][] = Array.from({ length: n }, () => []);
  for (const [key, c] of comm) {
    const from = Math.floor(key / n);
    const to = key % n;
    const extra = c.bytes === undefined ? {} : { bytes: c.bytes };
    preds[to]?.push({ task: from, comm: c.comm, ...extra });
    succs[from]?.push({ task: to, comm: c.comm, ...extra });
  }
  return { preds, succs };
}

/** Checks a problem and builds its graph; throws `DagProblemError` on a malformed or cyclic one. */
export function buildGraph(problem: DagProblem): DagGraph {
  const issues = shapeIssues(problem);
  if (issues.length > 0) throw new DagProblemError(issues);
  const n = problem.tasks.length;
  const sorted = topoOrder(n, problem.edges);
  if ("cycle" in sorted) {
    const names = sorted.cycle.map((t) => problem.tasks[t]).join(" → ");
    throw new DagProblemError([{ path: "edges", message: `cycle ${names}` }]);
  }
  const position = new Array<number>(n).fill(0);
  sorted.order.forEach((t, i) => {
    position[t] = i;
  });
  const processors = problem.nodes.reduce((sum, node) => sum + node.slots, 0);
  return { problem, n, ...adjacency(problem), topo: sorted.order, position, processors };
}

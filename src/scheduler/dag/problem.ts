/**
 * The general cost model of the workflow planner. Everything is by index: task `t` is
 * `tasks[t]`, node `n` is `nodes[n]`. A node with `slots` k behaves as k identical processors;
 * communication is paid only between tasks on different nodes.
 */
export interface DagNode {
  readonly name: string;
  /** How many tasks may run on the node at once (≥ 1). */
  readonly slots: number;
}

/** A precedence edge: `to` may start after `from` finishes, plus `comm` seconds across nodes. */
export interface DagEdge {
  readonly from: number;
  readonly to: number;
  /**
   * Seconds to move the data when the two tasks run on different nodes (0 on the same node).
   * With a `network` and `bytes`, the transfer between the two nodes' groups is used instead and
   * `comm` is only the nominal (mean) figure the priority rankings use.
   */
  readonly comm: number;
  /** Bytes the edge carries; with the problem's `network` they decide the transfer time. */
  readonly bytes?: number;
}

/**
 * A non-uniform network: nodes fall in groups (sites), and moving data between two nodes takes
 * `latencySec[g][h] + bytes / bytesPerSec[g][h]` for their groups `g`, `h` (`[g][g]` is between
 * two different nodes of one group).
 */
export interface DagNetwork {
  /** `group[n]`: the group of node `n`. */
  readonly group: readonly number[];
  readonly latencySec: readonly (readonly number[])[];
  readonly bytesPerSec: readonly (readonly number[])[];
}

export interface DagProblem {
  /** Task ids (as the caller knows them), by index. */
  readonly tasks: readonly string[];
  readonly nodes: readonly DagNode[];
  /** `cost[t][n]`: seconds task `t` runs on node `n`. */
  readonly cost: readonly (readonly number[])[];
  readonly edges: readonly DagEdge[];
  /** Absent: every edge costs its `comm` across any two nodes (one uniform network). */
  readonly network?: DagNetwork;
}

/** Where and when one task runs. `slot` is which of the node's slots it occupies. */
export interface Placement {
  readonly task: number;
  readonly node: number;
  readonly slot: number;
  readonly start: number;
  readonly finish: number;
}

/** A complete schedule: `placements[t]` is task `t`'s placement. */
export interface Schedule {
  readonly placements: readonly Placement[];
  readonly makespan: number;
}

/** One problem in an input file or structure, with where it is. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** What a parser returns: a value (and warnings about what it tolerated) or the issues found. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly issues: readonly InputIssue[] };

/** Seconds `edge` takes from node `from` to node `to` (0 on the same node). */
export function edgeTransfer(
  problem: DagProblem,
  edge: { readonly comm: number; readonly bytes?: number | undefined },
  from: number,
  to: number,
): number {
  if (from === to) return 0;
  const net = problem.network;
  if (!net || edge.bytes === undefined) return edge.comm;
  const g = net.group[from] ?? 0;
  const h = net.group[to] ?? 0;
  const bw = net.bytesPerSec[g]?.[h] ?? Number.POSITIVE_INFINITY;
  return (net.latencySec[g]?.[h] ?? 0) + (bw > 0 ? edge.bytes / bw : Number.POSITIVE_INFINITY);
}

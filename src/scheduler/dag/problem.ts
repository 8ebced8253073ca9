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
  /** Seconds to move the data when the two tasks run on different nodes (0 on the same node). */
  readonly comm: number;
}

export interface DagProblem {
  /** Task ids (as the caller knows them), by index. */
  readonly tasks: readonly string[];
  readonly nodes: readonly DagNode[];
  /** `cost[t][n]`: seconds task `t` runs on node `n`. */
  readonly cost: readonly (readonly number[])[];
  readonly edges: readonly DagEdge[];
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

import type { Cluster } from "./cluster.js";
import type { BrinkDetails, DagPlan } from "./plan.js";
import type { DagProblem } from "./problem.js";
import type { Workflow } from "./wfformat.js";

/** One task of the plan contract (seconds from the workflow's start). */
export interface ReportTask {
  readonly id: string;
  readonly node: string;
  readonly slot: number;
  readonly start: number;
  readonly finish: number;
}

/**
 * The JSON contract of `brink workflow plan --json`: `algorithm`, `makespan`, `lowerBound` and
 * `tasks[] {id, node, start, finish}` are the stable core; the rest is informative.
 */
export interface PlanReport {
  readonly algorithm: string;
  readonly makespan: number;
  readonly lowerBound: number;
  /** makespan / lowerBound (1 = provably optimal). */
  readonly ratio: number;
  readonly heftMakespan?: number;
  readonly peftMakespan?: number;
  readonly valid: boolean;
  readonly violations?: readonly string[];
  readonly workflow: { readonly name: string; readonly tasks: number; readonly edges: number };
  readonly cluster: { readonly nodes: number; readonly slots: number };
  readonly brink?: BrinkDetails;
  readonly tasks: readonly ReportTask[];
}

/** The plan in the contract's terms: task ids and node names instead of indices. */
export function planReport(
  problem: DagProblem,
  workflow: Workflow,
  cluster: Cluster,
  plan: DagPlan,
  lowerBound: number,
): PlanReport {
  const { makespan, placements } = plan.schedule;
  return {
    algorithm: plan.algorithm,
    makespan,
    lowerBound,
    ratio: lowerBound > 0 ? makespan / lowerBound : 1,
    ...(plan.heftMakespan === undefined ? {} : { heftMakespan: plan.heftMakespan }),
    ...(plan.peftMakespan === undefined ? {} : { peftMakespan: plan.peftMakespan }),
    valid: plan.validation.ok,
    ...(plan.validation.ok ? {} : { violations: plan.validation.violations }),
    workflow: { name: workflow.name, tasks: workflow.tasks.length, edges: workflow.edges.length },
    cluster: {
      nodes: cluster.nodes.length,
      slots: cluster.nodes.reduce((s, n) => s + n.slots, 0),
    },
    ...(plan.brink ? { brink: plan.brink } : {}),
    tasks: placements.map((p) => ({
      id: problem.tasks[p.task] ?? String(p.task),
      node: problem.nodes[p.node]?.name ?? String(p.node),
      slot: p.slot,
      start: p.start,
      finish: p.finish,
    })),
  };
}

import type { Clock } from "../../model/clock.js";
import type { Random } from "../random.js";
import { type Algorithm, DEFAULT_BUDGET_MS } from "./algorithms.js";
import { brink } from "./brink.js";
import { buildGraph } from "./graph.js";
import { heft } from "./heft.js";
import type { SearchStats } from "./local-search.js";
import { peft } from "./peft.js";
import type { DagProblem, Schedule } from "./problem.js";
import { type ValidationReport, validateSchedule } from "./validate.js";

export { ALGORITHMS, type Algorithm, DEFAULT_BUDGET_MS } from "./algorithms.js";

export interface PlanOptions {
  readonly algorithm: Algorithm;
  /** brink only: how long it may search, in `clock` milliseconds (default 2000). */
  readonly budgetMs?: number;
  /** Injected time: the CLI passes the real clock, tests a fake one. */
  readonly clock: Clock;
  /** Injected seeded randomness. */
  readonly random: Random;
}

/** How brink got its schedule. */
export interface BrinkDetails {
  readonly startedFrom: string;
  readonly candidates: readonly { name: string; makespan: number }[];
  readonly search: SearchStats;
}

export interface DagPlan {
  readonly algorithm: Algorithm;
  readonly schedule: Schedule;
  /** brink reports the HEFT and PEFT makespans it had to beat. */
  readonly heftMakespan?: number;
  readonly peftMakespan?: number;
  readonly brink?: BrinkDetails;
  /** The always-on self-check of the schedule against the model. */
  readonly validation: ValidationReport;
}

function run(problem: DagProblem, options: PlanOptions): Omit<DagPlan, "validation"> {
  const graph = buildGraph(problem);
  if (options.algorithm === "heft") return { algorithm: "heft", schedule: heft(graph) };
  if (options.algorithm === "peft") return { algorithm: "peft", schedule: peft(graph) };
  const out = brink(graph, {
    budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS,
    clock: options.clock,
    random: options.random,
  });
  return {
    algorithm: "brink",
    schedule: out.best.schedule,
    heftMakespan: out.heft.schedule.makespan,
    peftMakespan: out.peft.schedule.makespan,
    brink: { startedFrom: out.startedFrom, candidates: out.candidates, search: out.search },
  };
}

/**
 * Plans a DAG problem with one algorithm and checks the result. Throws `DagProblemError` for a
 * malformed or cyclic problem; an invalid schedule (a planner bug) shows in `validation`.
 */
export function planDag(problem: DagProblem, options: PlanOptions): DagPlan {
  const plan = run(problem, options);
  const validation = validateSchedule(problem, plan.schedule.placements, plan.schedule.makespan);
  return { ...plan, validation };
}

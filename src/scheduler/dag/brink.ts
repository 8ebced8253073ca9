import type { Clock } from "../../model/clock.js";
import type { Random } from "../random.js";
import type { DagGraph } from "./graph.js";
import type { Candidate } from "./list-schedule.js";
import { localSearch, type SearchStats } from "./local-search.js";
import { optimisticCostTable } from "./oct.js";
import { noisyCandidate, portfolio } from "./portfolio.js";

export interface BrinkOptions {
  /** Wall-clock budget for the whole planner, in the clock's unit (milliseconds). */
  readonly budgetMs: number;
  readonly clock: Clock;
  readonly random: Random;
}

export interface BrinkOutcome {
  readonly best: Candidate;
  readonly heft: Candidate;
  readonly peft: Candidate;
  /** Every list schedule tried before the search, with its makespan. */
  readonly candidates: readonly { name: string; makespan: number }[];
  /** Which list schedule the search started from. */
  readonly startedFrom: string;
  readonly search: SearchStats;
}

/**
 * brink's planner: HEFT and PEFT always, then the rest of the portfolio while the budget lasts,
 * then local search from the best. Nothing replaces the incumbent unless strictly shorter, so
 * the result is never worse than HEFT or PEFT.
 */
export function brink(graph: DagGraph, options: BrinkOptions): BrinkOutcome {
  const { clock, random } = options;
  const deadline = clock.now() + options.budgetMs;
  const tried: Candidate[] = [];
  for (const build of portfolio(graph)) {
    if (tried.length >= 2 && clock.now() >= deadline) break;
    tried.push(build());
  }
  const [heft, peft] = tried as [Candidate, Candidate];
  const start = tried.reduce((a, c) => (c.schedule.makespan < a.schedule.makespan ? c : a));
  let oct: Float64Array[] | undefined;
  const octTable = () => {
    oct ??= optimisticCostTable(graph);
    return oct;
  };
  const restart = () => noisyCandidate(graph, random, octTable);
  const { best, stats } = localSearch(graph, start, { deadline, clock, random, restart });
  return {
    best,
    heft,
    peft,
    candidates: tried.map((c) => ({ name: c.name, makespan: c.schedule.makespan })),
    startedFrom: start.name,
    search: stats,
  };
}

import type { Random } from "../random.js";
import type { DagGraph } from "./graph.js";
import { heftCandidate } from "./heft.js";
import { type Candidate, earliestFinish, listSchedule, type Selector } from "./list-schedule.js";
import { lookaheadSelector } from "./lookahead.js";
import { optimisticCostTable } from "./oct.js";
import { optimisticSelector, peftCandidate, peftOrder } from "./peft.js";
import { priorityOrder } from "./priority-order.js";
import { downwardRank, sumRanks, taskWeights, upwardRank } from "./rank.js";

/** A value computed on first use, then kept. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

function make(graph: DagGraph, name: string, order: number[], select: Selector): Candidate {
  return { name, order, schedule: listSchedule(graph, order, select) };
}

/** Chance that two processors drawn at random sit on different nodes (so data must move). */
function crossNodeShare(graph: DagGraph): number {
  const p = graph.processors;
  return 1 - graph.problem.nodes.reduce((s, node) => s + node.slots * node.slots, 0) / (p * p);
}

/**
 * The list schedulers brink starts from, cheapest and most trusted first: HEFT and PEFT, their
 * orders and selections crossed, other rankings (CPOP's path length through a task, optimistic
 * costs, communication discounted by the chance of sharing a node), one-level lookahead, and
 * everything on one node (which wins when transfers dwarf computation).
 */
export function portfolio(graph: DagGraph): (() => Candidate)[] {
  const oct = lazy(() => optimisticCostTable(graph));
  const mean = lazy(() => taskWeights(graph, "mean"));
  const heftRank = lazy(() => upwardRank(graph, mean()));
  const heftOrder = lazy(() => priorityOrder(graph, heftRank()));
  const rankBy = (w: Float64Array, scale = 1) => priorityOrder(graph, upwardRank(graph, w, scale));
  return [
    () => heftCandidate(graph),
    () => peftCandidate(graph),
    () => make(graph, "heft-order+oct", heftOrder(), optimisticSelector(oct())),
    () => make(graph, "peft-order+eft", peftOrder(graph, oct()), earliestFinish),
    () => {
      const path = sumRanks(heftRank(), downwardRank(graph, mean()));
      return make(graph, "cpop-order+eft", priorityOrder(graph, path), earliestFinish);
    },
    () => make(graph, "min-cost-rank+eft", rankBy(taskWeights(graph, "min")), earliestFinish),
    () => make(graph, "shared-rank+eft", rankBy(mean(), crossNodeShare(graph)), earliestFinish),
    () => make(graph, "heft-lookahead", heftOrder(), lookaheadSelector(graph)),
    ...graph.problem.nodes.map((node, n) => () => {
      return make(graph, `one-node:${node.name}`, heftOrder(), (b, t) => b.bestOn(t, n));
    }),
  ];
}

/**
 * A randomized list schedule for restarts: upward ranks (mean or optimistic costs) each scaled
 * by up to ±25%, placed by EFT or by EFT + OCT.
 */
export function noisyCandidate(
  graph: DagGraph,
  random: Random,
  oct: () => Float64Array[],
): Candidate {
  const weights = taskWeights(graph, random() < 0.5 ? "mean" : "min");
  const rank = upwardRank(graph, weights, random()).map((r) => r * (0.75 + 0.5 * random()));
  const select = random() < 0.5 ? earliestFinish : optimisticSelector(oct());
  return make(graph, "randomized", priorityOrder(graph, rank), select);
}

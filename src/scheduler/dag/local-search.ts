import type { Clock } from "../../model/clock.js";
import type { Random } from "../random.js";
import { criticalChain } from "./critical-chain.js";
import type { DagGraph } from "./graph.js";
import { type Candidate, decode } from "./list-schedule.js";
import {
  colocate,
  pick,
  reassign,
  reassignRandom,
  type SearchPoint,
  shift,
  swap,
} from "./moves.js";
import type { Schedule } from "./problem.js";

export interface SearchOptions {
  /** Stop when `clock.now()` reaches this. */
  readonly deadline: number;
  readonly clock: Clock;
  readonly random: Random;
  /** A fresh start when the search stalls (e.g. a randomized list schedule). */
  readonly restart: () => Candidate;
}

export interface SearchStats {
  iterations: number;
  improvements: number;
  restarts: number;
}

interface State extends SearchPoint {
  readonly schedule: Schedule;
  readonly chain: readonly number[];
}

function stateOf(graph: DagGraph, point: SearchPoint, schedule: Schedule): State {
  return { ...point, schedule, chain: criticalChain(graph, schedule) };
}

function pointOf(c: Candidate): SearchPoint {
  return { order: c.order, assign: Int32Array.from(c.schedule.placements, (p) => p.node) };
}

/**
 * One neighbour of `s`, mostly around its critical chain: move a critical task to another node
 * or next to a parent or child, give it a higher or lower place in the list, trade nodes with
 * another task; sometimes move any task.
 */
function neighbour(graph: DagGraph, s: State, random: Random): SearchPoint {
  const nodes = graph.problem.nodes.length;
  const t = pick(s.chain, random) ?? 0;
  const r = random();
  if (nodes < 2 || r < 0.2) return shift(graph, s, t, random);
  if (r < 0.5) return reassignRandom(s, t, nodes, random);
  if (r < 0.7) return colocate(graph, s, t, random);
  if (r < 0.85) return reassignRandom(s, Math.floor(random() * graph.n), nodes, random);
  const other = Math.floor(random() * graph.n);
  return s.assign[other] === s.assign[t]
    ? reassignRandom(s, other, nodes, random)
    : swap(s, t, other);
}

/** Shakes `s` off a plateau: a few critical tasks to random nodes. */
function kick(graph: DagGraph, s: State, random: Random): SearchPoint {
  let point: SearchPoint = s;
  const nodes = graph.problem.nodes.length;
  for (let k = 0; k < 3 && nodes > 1; k++) {
    point = reassign(point, pick(s.chain, random) ?? 0, Math.floor(random() * nodes));
  }
  return point;
}

/**
 * Local search from `start` until the deadline: accept a neighbour when its makespan is no
 * worse (sideways moves cross plateaus); after a long stall, restart from a kicked copy of the
 * best or from a fresh randomized list schedule. Returns the best schedule seen, `start` itself
 * unless something strictly better was found.
 */
export function localSearch(
  graph: DagGraph,
  start: Candidate,
  options: SearchOptions,
): { best: Candidate; stats: SearchStats } {
  const { clock, random, deadline } = options;
  const stats: SearchStats = { iterations: 0, improvements: 0, restarts: 0 };
  let best = start;
  let bestState = stateOf(graph, pointOf(start), start.schedule);
  let cur = bestState;
  let stall = 0;
  const patience = Math.max(200, 2 * graph.n);
  while (graph.n > 1 && clock.now() < deadline) {
    stats.iterations++;
    const next = neighbour(graph, cur, random);
    const schedule = decode(graph, next.order, next.assign);
    stall = schedule.makespan < cur.schedule.makespan ? 0 : stall + 1;
    if (schedule.makespan <= cur.schedule.makespan) cur = stateOf(graph, next, schedule);
    if (schedule.makespan < best.schedule.makespan) {
      best = { name: "local-search", order: next.order, schedule };
      bestState = cur;
      stats.improvements++;
    }
    if (stall > patience) {
      stats.restarts++;
      stall = 0;
      const fresh = stats.restarts % 2 === 0 ? options.restart() : undefined;
      if (fresh && fresh.schedule.makespan < best.schedule.makespan) {
        best = fresh;
        stats.improvements++;
      }
      const point = fresh ? pointOf(fresh) : kick(graph, bestState, random);
      const s = fresh ? fresh.schedule : decode(graph, point.order, point.assign);
      cur = stateOf(graph, point, s);
    }
  }
  return { best, stats };
}

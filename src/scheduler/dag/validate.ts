import { type DagProblem, edgeTransfer } from "./problem.js";

/** A task's node and times, as any planner (or any file) states them. */
export interface TimedTask {
  readonly task: number;
  readonly node: number;
  readonly start: number;
  readonly finish: number;
}

export interface ValidationReport {
  readonly ok: boolean;
  /** One line per broken rule, naming the task(s) and the numbers. */
  readonly violations: readonly string[];
}

/** Absolute tolerance for a time of magnitude `x`: floating point, not slack in the model. */
function tol(x: number, tolerance: number): number {
  return tolerance * Math.max(1, Math.abs(x));
}

/** Each task exactly once, on an existing node, for exactly its cost, not before time 0. */
function checkTasks(p: DagProblem, tasks: readonly TimedTask[], eps: number, out: string[]): void {
  const seen = new Array<number>(p.tasks.length).fill(0);
  for (const x of tasks) {
    const id = p.tasks[x.task];
    if (id === undefined) {
      out.push(`unknown task index ${x.task}`);
      continue;
    }
    seen[x.task] = (seen[x.task] ?? 0) + 1;
    const cost = p.cost[x.task]?.[x.node];
    if (cost === undefined) out.push(`task ${id}: unknown node index ${x.node}`);
    else if (Math.abs(x.finish - x.start - cost) > tol(cost, eps))
      out.push(
        `task ${id}: runs ${x.finish - x.start}s on ${p.nodes[x.node]?.name}, expected ${cost}s`,
      );
    if (!(x.start >= -eps)) out.push(`task ${id}: starts before 0 (${x.start})`);
  }
  seen.forEach((count, t) => {
    if (count !== 1) out.push(`task ${p.tasks[t]}: scheduled ${count} times, expected once`);
  });
}

/** A child starts after each parent finishes, plus the transfer when they are on different nodes. */
function checkPrecedence(
  p: DagProblem,
  byTask: Map<number, TimedTask>,
  eps: number,
  out: string[],
) {
  for (const e of p.edges) {
    const a = byTask.get(e.from);
    const b = byTask.get(e.to);
    if (!a || !b) continue;
    const ready = a.finish + edgeTransfer(p, e, a.node, b.node);
    if (b.start < ready - tol(ready, eps))
      out.push(
        `edge ${p.tasks[e.from]} → ${p.tasks[e.to]}: child starts at ${b.start}, data ready at ${ready}`,
      );
  }
}

/** At no instant does a node run more tasks than its slots (intervals are half-open). */
function checkCapacity(p: DagProblem, tasks: readonly TimedTask[], eps: number, out: string[]) {
  p.nodes.forEach((node, n) => {
    const events: [number, number][] = [];
    for (const x of tasks) {
      if (x.node !== n || x.finish - x.start <= tol(x.finish, eps)) continue;
      events.push([x.start, 1], [x.finish - tol(x.finish, eps), -1]);
    }
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let running = 0;
    for (const [time, delta] of events) {
      running += delta;
      if (running > node.slots) {
        out.push(`node ${node.name}: ${running} tasks at t=${time}, only ${node.slots} slot(s)`);
        return;
      }
    }
  });
}

/**
 * Checks a schedule against the model, independently of how it was made: every task once, for
 * its cost on its node, after its parents (and their transfers), within every node's slots, and
 * `makespan` = the latest finish. `tolerance` is relative (floating point only).
 */
export function validateSchedule(
  problem: DagProblem,
  tasks: readonly TimedTask[],
  makespan: number,
  tolerance = 1e-9,
): ValidationReport {
  const out: string[] = [];
  checkTasks(problem, tasks, tolerance, out);
  checkPrecedence(problem, new Map(tasks.map((x) => [x.task, x])), tolerance, out);
  checkCapacity(problem, tasks, tolerance, out);
  const latest = tasks.reduce((m, x) => Math.max(m, x.finish), 0);
  if (Math.abs(latest - makespan) > tol(latest, tolerance))
    out.push(`makespan ${makespan} differs from the latest finish ${latest}`);
  return { ok: out.length === 0, violations: out };
}

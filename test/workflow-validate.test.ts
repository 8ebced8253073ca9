import { describe, expect, it } from "vitest";
import { topcuogluProblem } from "../src/scheduler/dag/fixtures.test-util.js";
import {
  buildGraph,
  checkPlanJson,
  DagProblemError,
  heft,
  type TimedTask,
  validateSchedule,
} from "../src/scheduler/dag/index.js";

const problem = topcuogluProblem();
const good = heft(buildGraph(problem));

function broken(change: (tasks: TimedTask[]) => void): string[] {
  const tasks = good.placements.map((p) => ({ ...p }));
  change(tasks);
  return [...validateSchedule(problem, tasks, good.makespan).violations];
}

describe("validateSchedule", () => {
  it("accepts HEFT's schedule", () => {
    expect(validateSchedule(problem, good.placements, good.makespan).ok).toBe(true);
  });

  it("catches a missing or doubled task", () => {
    expect(broken((t) => t.pop())).toContain("task t10: scheduled 0 times, expected once");
    expect(broken((t) => t.push({ ...(t[0] as TimedTask) })).join()).toMatch(/t1: scheduled 2/);
  });

  it("catches a wrong duration", () => {
    expect(broken((t) => (t[9] = { ...(t[9] as TimedTask), finish: 79 })).join()).toMatch(
      /t10: runs 6s on P2, expected 7s/,
    );
  });

  it("catches a child starting before its data arrives", () => {
    // t2 on P1 starts at 27 = t1's finish (9) + 18 across processors; 26 is too early.
    const out = broken((t) => (t[1] = { ...(t[1] as TimedTask), start: 26, finish: 39 }));
    expect(out.join()).toMatch(/edge t1 → t2: child starts at 26, data ready at 27/);
  });

  it("catches two tasks at once on a one-slot node", () => {
    // t5 on P3 [28, 38] moved to overlap t3 on P3 [9, 28].
    const out = broken((t) => (t[4] = { ...(t[4] as TimedTask), start: 20, finish: 30 }));
    expect(out.join()).toMatch(/node P3: 2 tasks at t=20, only 1 slot/);
  });

  it("catches a makespan that is not the latest finish", () => {
    expect(validateSchedule(problem, good.placements, 81).violations).toEqual([
      "makespan 81 differs from the latest finish 80",
    ]);
  });

  it("lets back-to-back tasks share a slot, and slots > 1 run tasks together", () => {
    const two = { ...problem, nodes: problem.nodes.map((n) => ({ ...n, slots: 2 })) };
    const tasks: TimedTask[] = good.placements.map((p) => ({ ...p }));
    tasks[4] = { ...(tasks[4] as TimedTask), start: 20, finish: 30 };
    expect(validateSchedule(two, tasks, 80).violations.join()).not.toMatch(/node P3/);
  });
});

describe("checkPlanJson", () => {
  it("checks a plan by task ids and node names", () => {
    const tasks = good.placements.map((p) => ({
      id: problem.tasks[p.task],
      node: problem.nodes[p.node]?.name,
      start: p.start,
      finish: p.finish,
    }));
    expect(checkPlanJson(problem, { makespan: 80, tasks })).toMatchObject({
      ok: true,
      value: { ok: true },
    });
    const wrong = [...tasks.slice(1), { ...tasks[0], node: "P9" }];
    const report = checkPlanJson(problem, { makespan: 80, tasks: wrong });
    expect(report.ok && report.value.violations).toContain(
      "task t1: node P9 is not in the cluster",
    );
    expect(checkPlanJson(problem, { tasks: 1 }).ok).toBe(false);
  });
});

describe("buildGraph", () => {
  it("rejects a cyclic or malformed problem", () => {
    const cyclic = { ...problem, edges: [...problem.edges, { from: 9, to: 0, comm: 1 }] };
    expect(() => buildGraph(cyclic)).toThrow(DagProblemError);
    expect(() => buildGraph(cyclic)).toThrow(/cycle t\d+ → .*/);
    expect(() => buildGraph({ ...problem, cost: [[1]] })).toThrow(/cost/);
  });
});

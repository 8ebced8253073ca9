import { describe, expect, it } from "vitest";
import { steppingClock, topcuogluProblem } from "../src/scheduler/dag/fixtures.test-util.js";
import {
  buildGraph,
  heft,
  heftOrder,
  lowerBound,
  peft,
  planDag,
  taskWeights,
  upwardRank,
  validateSchedule,
} from "../src/scheduler/dag/index.js";
import { seededRandom } from "../src/scheduler/random.js";

describe("the Topcuoglu et al. (2002) example", () => {
  const problem = topcuogluProblem();
  const graph = buildGraph(problem);

  it("has the paper's upward ranks and task order", () => {
    const rank = upwardRank(graph, taskWeights(graph, "mean"));
    const expected = [108, 77, 80, 80, 69, 63.333, 42.667, 35.667, 44.333, 14.667];
    expected.forEach((r, t) => {
      expect(rank[t]).toBeCloseTo(r, 2);
    });
    expect(heftOrder(graph).map((t) => problem.tasks[t])).toEqual([
      "t1",
      "t3",
      "t4",
      "t2",
      "t5",
      "t6",
      "t9",
      "t7",
      "t8",
      "t10",
    ]);
  });

  it("HEFT (insertion-based) gives makespan 80, a valid schedule", () => {
    const s = heft(graph);
    expect(s.makespan).toBe(80);
    expect(validateSchedule(problem, s.placements, s.makespan)).toEqual({
      ok: true,
      violations: [],
    });
    // The paper's Fig. 3: t1 on P3 [0, 9], the exit task t10 on P2 [73, 80].
    expect(s.placements[0]).toMatchObject({ node: 2, start: 0, finish: 9 });
    expect(s.placements[9]).toMatchObject({ node: 1, start: 73, finish: 80 });
  });

  it("PEFT is valid, and brink is at least as good as both", () => {
    const p = peft(graph);
    expect(validateSchedule(problem, p.placements, p.makespan).ok).toBe(true);
    const b = planDag(problem, {
      algorithm: "brink",
      budgetMs: 300,
      clock: steppingClock(),
      random: seededRandom(7),
    });
    expect(b.validation.ok).toBe(true);
    expect(b.heftMakespan).toBe(80);
    expect(b.peftMakespan).toBe(p.makespan);
    expect(b.schedule.makespan).toBeLessThanOrEqual(Math.min(80, p.makespan));
    expect(b.schedule.makespan).toBeGreaterThanOrEqual(lowerBound(graph));
  });

  it("brink is deterministic for a seed and a clock", () => {
    const run = () =>
      planDag(problem, {
        algorithm: "brink",
        budgetMs: 200,
        clock: steppingClock(),
        random: seededRandom(42),
      }).schedule;
    expect(run()).toEqual(run());
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { steppingClock } from "../src/scheduler/dag/fixtures.test-util.js";
import {
  ALGORITHMS,
  buildGraph,
  type DagProblem,
  lowerBound,
  planDag,
} from "../src/scheduler/dag/index.js";
import { seededRandom } from "../src/scheduler/random.js";

/** Random DAGs: edges only from lower to higher index, so always acyclic. */
const problems: fc.Arbitrary<DagProblem> = fc
  .record({ n: fc.integer({ min: 1, max: 14 }), nodes: fc.integer({ min: 1, max: 4 }) })
  .chain(({ n, nodes }) =>
    fc.record({
      slots: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: nodes, maxLength: nodes }),
      cost: fc.array(
        fc.array(
          fc.oneof(
            fc.constant(0),
            fc.integer({ min: 1, max: 30 }),
            fc.double({ min: 0.1, max: 9, noNaN: true }),
          ),
          {
            minLength: nodes,
            maxLength: nodes,
          },
        ),
        { minLength: n, maxLength: n },
      ),
      edges: fc.array(
        fc.record({
          a: fc.nat({ max: n - 1 }),
          b: fc.nat({ max: n - 1 }),
          comm: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 40, noNaN: true })),
        }),
        { maxLength: 3 * n },
      ),
    }),
  )
  .map(({ slots, cost, edges }) => ({
    tasks: cost.map((_, t) => `t${t}`),
    nodes: slots.map((s, i) => ({ name: `n${i}`, slots: s })),
    cost,
    edges: edges
      .filter((e) => e.a !== e.b)
      .map((e) => ({ from: Math.min(e.a, e.b), to: Math.max(e.a, e.b), comm: e.comm })),
  }));

describe("planner properties on random DAGs and cost matrices", () => {
  it("heft, peft and brink always produce valid schedules; brink ≤ min(heft, peft)", () => {
    fc.assert(
      fc.property(problems, fc.nat(), (problem, seed) => {
        const plans = ALGORITHMS.map((algorithm) =>
          planDag(problem, {
            algorithm,
            budgetMs: 40,
            clock: steppingClock(),
            random: seededRandom(seed),
          }),
        );
        const bound = lowerBound(buildGraph(problem));
        for (const plan of plans) {
          expect(plan.validation.violations).toEqual([]);
          expect(plan.schedule.makespan).toBeGreaterThanOrEqual(bound - 1e-9);
        }
        const [heft, peft, brink] = plans.map((p) => p.schedule.makespan) as number[];
        expect(brink).toBeLessThanOrEqual(Math.min(heft!, peft!));
      }),
      { numRuns: 150, seed: 20260101 },
    );
  });
});

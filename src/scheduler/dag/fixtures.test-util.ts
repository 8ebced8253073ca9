import type { Clock } from "../../model/clock.js";
import type { DagProblem } from "./problem.js";

/**
 * The 10-task, 3-processor example of Topcuoglu, Hariri and Wu (2002), Fig. 2: HEFT's schedule
 * on it has makespan 80.
 */
export function topcuogluProblem(): DagProblem {
  const cost = [
    [14, 16, 9],
    [13, 19, 18],
    [11, 13, 19],
    [13, 8, 17],
    [12, 13, 10],
    [13, 16, 9],
    [7, 15, 11],
    [5, 11, 14],
    [18, 12, 20],
    [21, 7, 16],
  ];
  const edges: [number, number, number][] = [
    [1, 2, 18],
    [1, 3, 12],
    [1, 4, 9],
    [1, 5, 11],
    [1, 6, 14],
    [2, 8, 19],
    [2, 9, 16],
    [3, 7, 23],
    [4, 8, 27],
    [4, 9, 23],
    [5, 9, 13],
    [6, 8, 15],
    [7, 10, 17],
    [8, 10, 11],
    [9, 10, 13],
  ];
  return {
    tasks: cost.map((_, i) => `t${i + 1}`),
    nodes: ["P1", "P2", "P3"].map((name) => ({ name, slots: 1 })),
    cost,
    edges: edges.map(([from, to, comm]) => ({ from: from - 1, to: to - 1, comm })),
  };
}

/** A clock that advances 1 ms each time it is read: searches run a fixed number of steps. */
export function steppingClock(): Clock {
  let t = 0;
  return { now: () => t++ };
}

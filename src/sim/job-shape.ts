import type { JobShape } from "./pipeline.js";
import { isTaskWorkload, type Scenario } from "./scenario.js";

/** What a workload asks of the scheduler (its job spec): resources, latency bound, affinity. */
export function shapeOf(w: Scenario["workloads"][number]): JobShape {
  if (!isTaskWorkload(w))
    return {
      name: w.name,
      need: { cpu: w.workflow.cpu, memory: w.workflow.memory, disk: 0 },
      latency: [],
      affinities: [],
    };
  const target =
    w.origin.startsWith("site:") || w.origin.startsWith("node:") ? w.origin : undefined;
  const deadline = w.task.deadlineMs;
  return {
    name: w.name,
    need: { cpu: w.task.cpu, memory: w.task.memory, disk: 0 },
    // The job spec an operator writes for a deadline: at most half of it for the round trip to
    // the origin (the rest is for the data, queueing and the work itself).
    latency: target && deadline !== undefined ? [{ to: target, maxMs: deadline / 2 }] : [],
    affinities: [],
  };
}

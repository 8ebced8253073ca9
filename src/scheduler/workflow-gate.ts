import type { Allocation, TaskSpec } from "../model/index.js";

export type Gate = { state: "ready" } | { state: "waiting" | "blocked"; reason: string };

/**
 * A workflow task may start once every instance of each task in its `after` list completed.
 * A parent that failed for good blocks it (and so its descendants).
 */
export function workflowGate(
  task: TaskSpec,
  tasks: readonly TaskSpec[],
  allocs: readonly Allocation[],
): Gate {
  if (task.after.length === 0) return { state: "ready" };
  const waitingFor: string[] = [];
  for (const parentName of task.after) {
    const parent = tasks.find((t) => t.name === parentName);
    if (!parent) continue;
    const mine = allocs.filter((a) => a.task === parentName && a.desiredStatus === "run");
    if (mine.some((a) => a.status === "failed")) {
      return { state: "blocked", reason: `not run: task "${parentName}" failed` };
    }
    const complete = new Set(mine.filter((a) => a.status === "complete").map((a) => a.index));
    if (complete.size < parent.count) waitingFor.push(parentName);
  }
  return waitingFor.length === 0
    ? { state: "ready" }
    : { state: "waiting", reason: `waiting for ${waitingFor.join(", ")}` };
}

import type { Job, Resources, TaskSpec } from "../model/index.js";

export function taskResources(task: TaskSpec): Resources {
  return { cpu: task.resources.cpu, memory: task.resources.memory, disk: task.resources.disk ?? 0 };
}

/** Two task specs are the same when their canonical JSON is equal (then an update is in place). */
export function sameTask(a: TaskSpec, b: TaskSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `distinctHosts` of the task, else of the job. */
export function distinctHostsOf(job: Job, task: TaskSpec): "job" | "task" | "none" {
  if (job.spec.distinctHosts) return "job";
  return task.distinctHosts ? "task" : "none";
}

/** Label keys the task spreads over (job and task spread blocks). */
export function spreadKeys(job: Job, task: TaskSpec): string[] {
  return [...new Set([...job.spec.spread, ...task.spread].map((s) => s.key))];
}

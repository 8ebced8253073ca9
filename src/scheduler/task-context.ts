import type { Job, Resources, TaskSpec } from "../model/index.js";

export function taskResources(task: TaskSpec): Resources {
  return { cpu: task.resources.cpu, memory: task.resources.memory, disk: task.resources.disk ?? 0 };
}

/**
 * Two task specs run the same program when they are equal apart from `count` (scaling keeps the
 * running instances; any other change replaces them).
 */
export function sameTask(a: TaskSpec, b: TaskSpec): boolean {
  return JSON.stringify({ ...a, count: 0 }) === JSON.stringify({ ...b, count: 0 });
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

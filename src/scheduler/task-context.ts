import type { JobSpec, Resources, TaskSpec } from "../model/index.js";
import type { PlacementState } from "./placement-state.js";
import type { PlacementContext } from "./plugin.js";

export function taskResources(task: TaskSpec): Resources {
  return { cpu: task.resources.cpu, memory: task.resources.memory, disk: task.resources.disk ?? 0 };
}

export function taskContext(
  spec: JobSpec,
  task: TaskSpec,
  state: PlacementState,
): PlacementContext {
  return {
    need: taskResources(task),
    driver: task.driver,
    constraints: [...spec.constraints, ...task.constraints],
    used: (nodeId) => state.usedOn(nodeId),
  };
}

/** Two task specs are the same when their canonical JSON is equal (then an update is in place). */
export function sameTask(a: TaskSpec, b: TaskSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export { FilterTally } from "./explain.js";
export { type Plan, planAllocations, planIsEmpty } from "./plan.js";
export type { FeasibilityPlugin, PlacementContext, ScorePlugin } from "./plugin.js";
export { seededRandom, seedFrom, shuffled } from "./random.js";
export { FEASIBILITY, RANKERS } from "./registry.js";
export { type ScheduleInput, scheduleJob } from "./schedule.js";
export { nodeClass, selectNode } from "./select.js";
export { buildSnapshot, freeOn, holdsResources, type Snapshot, usageByNode } from "./snapshot.js";
export { sameTask, taskResources } from "./task-context.js";

import type { Allocation, JobStatus } from "../model/index.js";

/** What one evaluation decided for one job. Applied atomically by the server's plan applier. */
export interface Plan {
  jobId: string;
  evalId: string;
  /** New allocations, and unplaced ones now placed (or with new reasons). */
  place: Allocation[];
  /** Allocations kept as they are but moved to the job's new version (task unchanged). */
  update: Allocation[];
  /** Allocations of this job to stop (desiredStatus `stop`; status `stopped` when not on a node). */
  stop: Allocation[];
  /** Lower-priority allocations of other jobs evicted to make room (they are rescheduled). */
  preempt: Allocation[];
  /** Per task: why some of its instances could not be placed. */
  unplaced: Record<string, string[]>;
  /** Workflow tasks not started yet, and what they wait for. */
  waiting: Record<string, string>;
  jobStatus: JobStatus;
  /** When (epoch ms) the job should be evaluated again, e.g. a reschedule delay ends. */
  followUpAt?: number;
}

export function planIsEmpty(plan: Plan): boolean {
  return (
    plan.place.length === 0 &&
    plan.update.length === 0 &&
    plan.stop.length === 0 &&
    plan.preempt.length === 0
  );
}

/** Every allocation the plan writes. */
export function planAllocations(plan: Plan): Allocation[] {
  return [...plan.place, ...plan.update, ...plan.stop, ...plan.preempt];
}

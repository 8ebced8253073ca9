import type { JobType, TaskSpec } from "./job-spec.js";
import type { Resources } from "./resources.js";
import type { AllocPort, Health } from "./service.js";

/**
 * Status of one allocation. `pending` = not running yet (unplaced when `nodeId` is null);
 * `lost` = its node went down; `stopped` = stopped on purpose (job stopped or updated);
 * `unknown` = its node is disconnected: probably still running, left alone for a while.
 */
export const ALLOC_STATUSES = [
  "pending",
  "running",
  "complete",
  "failed",
  "lost",
  "stopped",
  "unknown",
] as const;
export type AllocStatus = (typeof ALLOC_STATUSES)[number];

/** What the control plane wants for an allocation; the agent converges to it. */
export type DesiredStatus = "run" | "stop";

export const TERMINAL_ALLOC_STATUSES: ReadonlySet<AllocStatus> = new Set([
  "complete",
  "failed",
  "lost",
  "stopped",
]);

export function isTerminal(status: AllocStatus): boolean {
  return TERMINAL_ALLOC_STATUSES.has(status);
}

export interface Allocation {
  id: string;
  jobId: string;
  jobVersion: number;
  task: string;
  jobType: JobType;
  /** The task as it was when placed: the agent runs exactly this. */
  taskSpec: TaskSpec;
  /** Instance number of the task, 0..count-1 (for system jobs: per node). */
  index: number;
  /** Null while the allocation waits for a node that fits. */
  nodeId: string | null;
  status: AllocStatus;
  desiredStatus: DesiredStatus;
  resources: Resources;
  /** GPU devices reserved for it (uuid, or `gpu<index>` when the node reports no uuid). */
  devices: string[];
  /** The job's priority when placed (preemption never evicts equal or higher priority). */
  priority: number;
  exitCode: number | null;
  signal: string | null;
  /** Why it is pending (per filter), failed, stopped or lost; newest last. */
  reasons: string[];
  restarts: number;
  /** Score breakdown of the winning node, by plugin. */
  score: Record<string, number> | null;
  /** Rescheduling: the allocation this one replaces after it failed, and the attempt number. */
  previousAllocId?: string;
  /** When this instance was rescheduled (ISO), oldest first; the policy counts those within its interval. */
  rescheduleTimes?: string[];
  /** Nodes earlier attempts of this instance failed on (avoided when placing it again). */
  failedOn?: string[];
  /** Host ports the agent assigned (tasks with `ports`), as it last reported them. */
  ports?: AllocPort[];
  /** What its health check last said (tasks with a `check`). */
  health?: Health;
  createdAt: string;
  updatedAt: string;
}

/**
 * Oldest first (creation time, then instance number): the order allocations are listed in.
 * ISO timestamps of one format compare as plain strings; `localeCompare` would ask the
 * collator, many times slower, for the same order on these hot paths.
 */
export function byCreation(x: Allocation, y: Allocation): number {
  if (x.createdAt !== y.createdAt) return x.createdAt < y.createdAt ? -1 : 1;
  return x.index - y.index;
}

/** A status report from an agent about one allocation it runs. */
export interface AllocReport {
  allocId: string;
  status: Exclude<AllocStatus, "lost" | "unknown">;
  exitCode?: number | null;
  signal?: string | null;
  reason?: string;
  restarts?: number;
  /** Host ports assigned to it (tasks with `ports`). */
  ports?: AllocPort[];
  /** Its health check's verdict (tasks with a `check`). */
  health?: Health;
}

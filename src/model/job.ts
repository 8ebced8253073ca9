import type { JobSpec, JobType } from "./job-spec.js";

/** `dead` = stopped by a user. */
export const JOB_STATUSES = ["pending", "running", "complete", "failed", "dead"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  /** Stable across versions of the same name. */
  id: string;
  name: string;
  version: number;
  type: JobType;
  priority: number;
  status: JobStatus;
  /** True once a user stopped the job; a new submit of the same name starts it again. */
  stopped: boolean;
  spec: JobSpec;
  createdAt: string;
  updatedAt: string;
}

/** Reasons an evaluation was raised. */
export type EvalTrigger =
  | "job-register"
  | "job-deregister"
  | "node-update"
  | "alloc-update"
  | "capacity-change"
  | "reschedule"
  | "node-lost";

export interface Evaluation {
  id: string;
  jobId: string;
  trigger: EvalTrigger;
  status: "pending" | "complete" | "failed";
  createdAt: string;
  updatedAt: string;
  /** Tasks that could not be placed, with the reasons per filter. */
  unplaced?: Record<string, string[]>;
}

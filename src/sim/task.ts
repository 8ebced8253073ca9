/** A logical task: one request of a workload, or one task of a workflow instance. */
export interface SimTask {
  id: number;
  /** Workload index. */
  wl: number;
  arrival: number;
  /** Seconds of work at speed 1. */
  work: number;
  cpu: number;
  memory: number;
  inBytes: number;
  outBytes: number;
  /** Absolute deadline (seconds), Infinity when none. */
  deadline: number;
  failureProb: number;
  originSite: number;
  /** Origin node index, -1 for a site origin. */
  originNode: number;
  /** `site:<name>` / `node:<name>` target for latency checks, or undefined. */
  originTarget: string | undefined;
  done: boolean;
  /** Finished one way or the other (completed, or failed for good). */
  settled: boolean;
  /** Live instances (attempts); more than one only while a replacement races a cut-off original. */
  live: Instance[];
  /** Reschedules used (failure reschedules; lost work is replaced without counting against it). */
  reschedules: number;
  /** Nodes attempts failed or were lost on (the avoid-failed ranker reads them). */
  failedOn: readonly string[];
  /** Workflow membership. */
  wf: WorkflowRun | undefined;
  /** Index of the task within its workflow. */
  wfIndex: number;
}

/** One attempt of a task on one node. */
export interface Instance {
  task: SimTask;
  /** Node index, -1 while queued. */
  node: number;
  state: "queued" | "input" | "ready" | "run" | "output" | "over";
  /** Bumped whenever the instance is cancelled: events carrying an old version are ignored. */
  version: number;
  restarts: number;
  /** When the work it replaces was lost or failed (for the recovery time), else undefined. */
  lostAt: number | undefined;
  queuedAt: number;
  /** Input transfers still to arrive. */
  pendingInputs: number;
  /** Planned node (brink policy, workflows), -1 when placed dynamically. */
  pinned: number;
  /** Holds a slot (and its resources) on `node`. */
  holding: boolean;
}

/** One instance of a workflow workload. */
export interface WorkflowRun {
  id: number;
  wl: number;
  arrival: number;
  tasks: SimTask[];
  parents: number[][];
  children: number[][];
  /** Bytes on edge parent → child, keyed `parent*n + child`. */
  bytes: Map<number, number>;
  /** Node each task ran on (for its children's inputs), -1 before. */
  ranOn: Int32Array;
  finishedAt: Float64Array;
  remainingParents: Int32Array;
  /** Planned slot predecessor (brink policy), -1 when first or unplanned. */
  slotPrev: Int32Array;
  /** Planned tasks waiting for their slot predecessor: predecessor → successor. */
  slotNext: Int32Array;
  remaining: number;
  finishedTime: number;
}

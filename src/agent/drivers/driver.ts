/**
 * The contract between the agent and a way of running tasks (`exec` = a child process).
 * A driver starts one allocation's task and hands back a handle to wait for or stop it.
 */

/** How a task ended. */
export interface ExitResult {
  exitCode: number | null;
  /** Name of the signal that ended the task, e.g. "SIGTERM". */
  signal: string | null;
  /** Set when the driver killed the task, e.g. "oom". */
  reason?: string;
}

export interface StartRequest {
  allocId: string;
  /** Per-allocation working directory (created by the driver if missing); stdout.log and stderr.log are appended there. */
  dir: string;
  /** Driver-specific; the driver validates it and rejects with a clear Error when it is wrong. */
  config: Record<string, unknown>;
  /** Merged over a minimal environment (PATH, HOME=dir, BRINK_ALLOC_ID, BRINK_ALLOC_DIR). */
  env: Record<string, string>;
  /** Memory limit in MiB. */
  memoryMiB: number;
}

/**
 * Identifies a task's process across agent restarts; the agent persists it per allocation
 * (`allocs/<id>/task.json`) and hands it back to `Driver.adopt` when it starts again.
 */
export interface TaskRecord {
  pid: number;
  /** Start time in clock ticks after boot (/proc/<pid>/stat field 22): a reused pid differs. */
  startTime: number;
  /** /proc/sys/kernel/random/boot_id when the task started: after a reboot nothing matches. */
  bootId: string;
}

/** A task to find again after an agent restart. */
export interface AdoptRequest {
  allocId: string;
  dir: string;
  memoryMiB: number;
  record: TaskRecord;
}

/** A running task. `wait` and `stop` never reject. */
export interface TaskHandle {
  readonly pid: number;
  /** What the agent persists to adopt the task later; undefined when it cannot be adopted. */
  readonly record?: TaskRecord | undefined;
  wait(): Promise<ExitResult>;
  /** Asks the task to stop (SIGTERM), kills it after `killTimeoutMs`, resolves with how it ended. */
  stop(killTimeoutMs: number): Promise<ExitResult>;
}

export interface Driver {
  readonly name: string;
  /** Whether this machine can run the driver's tasks (reported in the fingerprint). */
  available(): Promise<boolean>;
  /** Starts a task; rejects with a clear Error when the config is invalid or the task cannot start. */
  start(req: StartRequest): Promise<TaskHandle>;
  /**
   * Takes over a task a previous agent process started and left running: a handle when the
   * recorded process still exists (same pid, start time and boot), undefined when it is gone.
   * The exit code of an adopted task is unknowable; `wait` reports it with a reason.
   */
  adopt?(req: AdoptRequest): Promise<TaskHandle | undefined>;
}

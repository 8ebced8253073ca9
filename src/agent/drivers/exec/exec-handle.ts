import type { ExitResult, TaskHandle, TaskRecord } from "../driver.js";
import type { MemoryGuard } from "./memory-guard.js";
import { signalGroup, waitGroupGone } from "./process-group.js";
import type { ProcessExit, SpawnedTask } from "./spawn-task.js";

/** How long an exit waits for the rest of the killed process group to disappear. */
const GROUP_DRAIN_MS = 2000;

/**
 * When the leader exits, whatever is left of its process group is killed (a task's lifetime is
 * its leader's) and awaited, and the memory guard is released.
 */
async function settle(pid: number, exit: ProcessExit, guard: MemoryGuard): Promise<ExitResult> {
  if (signalGroup(pid, "SIGKILL")) await waitGroupGone(pid, GROUP_DRAIN_MS).catch(() => false);
  const reason = await guard.finish().catch(() => undefined);
  return reason === undefined ? { ...exit } : { ...exit, reason };
}

/** A running exec task: one process group led by `pid`. */
export class ExecHandle implements TaskHandle {
  readonly pid: number;
  readonly record: TaskRecord | undefined;
  private readonly result: Promise<ExitResult>;
  private exited = false;
  private stopping: Promise<ExitResult> | undefined;

  constructor(task: SpawnedTask, guard: MemoryGuard, record?: TaskRecord) {
    this.pid = task.pid;
    this.record = record;
    this.result = task.exit.then((exit) => {
      this.exited = true;
      return settle(task.pid, exit, guard);
    });
  }

  wait(): Promise<ExitResult> {
    return this.result;
  }

  /** SIGTERM to the group, SIGKILL to the group after `killTimeoutMs`. */
  stop(killTimeoutMs: number): Promise<ExitResult> {
    if (this.exited) return this.result;
    this.stopping ??= this.terminate(killTimeoutMs);
    return this.stopping;
  }

  private async terminate(killTimeoutMs: number): Promise<ExitResult> {
    signalGroup(this.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(this.pid, "SIGKILL"), killTimeoutMs);
    try {
      return await this.result;
    } finally {
      clearTimeout(timer);
    }
  }
}

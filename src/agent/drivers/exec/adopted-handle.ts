import type { ExitResult, TaskHandle, TaskRecord } from "../driver.js";
import type { MemoryGuard } from "./memory-guard.js";
import { signalGroup, waitGroupGone } from "./process-group.js";

/** How long an exit waits for the rest of the killed process group to disappear. */
const GROUP_DRAIN_MS = 2000;
/** Poll interval while a stop is in progress (an operator is waiting). */
const STOPPING_POLL_MS = 20;

export const ADOPTED_EXIT_REASON = "exited while adopted (exit code unknown)";

export interface AdoptedHandleOptions {
  /** How often to check that the process still exists. */
  pollMs: number;
  /** Whether the recorded process still runs (same pid, start time, boot). */
  alive(record: TaskRecord): Promise<boolean>;
}

/**
 * A task started by a previous agent process and left running. It is not our child, so its exit
 * is seen by polling /proc and its exit code is unknowable: `wait` reports a failure with
 * ADOPTED_EXIT_REASON, or how we ended it when it was stopped on purpose, or "oom".
 */
export class AdoptedHandle implements TaskHandle {
  readonly pid: number;
  readonly record: TaskRecord;
  private readonly result: Promise<ExitResult>;
  private sent: NodeJS.Signals | null = null;
  private stopping: Promise<ExitResult> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    record: TaskRecord,
    private readonly guard: MemoryGuard,
    private readonly opts: AdoptedHandleOptions,
  ) {
    this.pid = record.pid;
    this.record = record;
    this.result = this.watch();
  }

  wait(): Promise<ExitResult> {
    return this.result;
  }

  /** SIGTERM to the group, SIGKILL to the group after `killTimeoutMs`. */
  stop(killTimeoutMs: number): Promise<ExitResult> {
    this.stopping ??= this.terminate(killTimeoutMs);
    return this.stopping;
  }

  private async terminate(killTimeoutMs: number): Promise<ExitResult> {
    if (await this.opts.alive(this.record)) this.signal("SIGTERM");
    this.wake?.();
    const timer = setTimeout(() => this.signal("SIGKILL"), killTimeoutMs);
    try {
      return await this.result;
    } finally {
      clearTimeout(timer);
    }
  }

  private signal(signal: NodeJS.Signals): void {
    if (signalGroup(this.pid, signal)) this.sent = signal;
  }

  private async watch(): Promise<ExitResult> {
    try {
      while (await this.opts.alive(this.record)) await this.pause();
    } catch {
      // alive() never throws; treat the impossible as gone
    }
    // The leader is gone: the rest of its group goes with it, as for a task we started.
    if (signalGroup(this.pid, "SIGKILL")) await waitGroupGone(this.pid, GROUP_DRAIN_MS);
    const reason = await this.guard.finish().catch(() => undefined);
    if (this.sent) return { exitCode: null, signal: this.sent };
    if (reason === "oom") return { exitCode: null, signal: "SIGKILL", reason };
    return { exitCode: null, signal: null, reason: ADOPTED_EXIT_REASON };
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const ms = this.stopping ? STOPPING_POLL_MS : this.opts.pollMs;
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

import type { Driver, ExitResult, TaskHandle } from "./drivers/driver.js";
import { type CrashLoopPolicy, DEFAULT_CRASH_LOOP, RestartBackoff } from "./restart-backoff.js";

export interface TaskStatusUpdate {
  status: "running" | "complete" | "failed" | "stopped";
  exitCode?: number | null;
  signal?: string | null;
  reason?: string;
  /** Restarts so far, over the runner's whole life (never reset). */
  restarts: number;
}

export interface TaskRestartPolicy {
  /** Restarts allowed in one round after the first run fails (a healthy run starts a new round). */
  attempts: number;
  /** Pause before the first restart, in ms; doubled per consecutive failure. */
  delay: number;
  /** When a round is exhausted: "fail" reports failed; "delay" waits and starts a new round. */
  mode: "fail" | "delay";
  /** Cap of the doubled delay, in ms (default 5 min; never below `delay`). */
  maxDelay?: number | undefined;
}

export interface TaskRunnerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface TaskRunnerOptions {
  allocId: string;
  jobType: "service" | "batch" | "system";
  dir: string;
  driver: Driver;
  config: Record<string, unknown>;
  env: Record<string, string>;
  memoryMiB: number;
  killTimeoutMs: number;
  restart: TaskRestartPolicy;
  onStatus(update: TaskStatusUpdate): void;
  /** Called when the task's process ends on its own (before any restart or final status). */
  onExit?(exit: ExitResult): void;
  /** Called whenever a task process starts or is adopted (the agent persists its record). */
  onStarted?(handle: TaskHandle, restarts: number): void;
  /** Restarts made before this runner (a task restarted after an agent restart continues). */
  restarts?: number;
  /** Failures within a window that make a crash loop; default 5 in 60 s. */
  crashLoop?: CrashLoopPolicy;
  logger?: TaskRunnerLogger;
  /** Injectable timers and clock (ms) for tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  now?: () => number;
}

const SILENT: TaskRunnerLogger = { info: () => {}, warn: () => {} };

type Phase = "idle" | "running" | "waiting" | "done";

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function joinReasons(...reasons: Array<string | undefined>): string | undefined {
  const present = reasons.filter((r) => r !== undefined && r !== "");
  return present.length > 0 ? present.join("; ") : undefined;
}

/**
 * Runs one allocation to completion under its restart policy. A batch task exiting 0 completes;
 * any other exit (a service or system task exiting at all, a failed start) is a failure that is
 * restarted `attempts` times before the policy's mode decides. Restarts back off exponentially
 * (delay ×2 per consecutive failure, capped); a healthy run resets the delay and the round;
 * failures faster than the crash-loop policy add a "crash loop: ..." reason to the reports.
 * Nothing thrown inside escapes timers or event handlers: failures become statuses and logs.
 */
export class TaskRunner {
  private readonly log: TaskRunnerLogger;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;
  private readonly now: () => number;
  private readonly backoff: RestartBackoff;
  private readonly crashLoopPolicy: CrashLoopPolicy;
  private phase: Phase = "idle";
  private restarts: number;
  private roundRestarts = 0;
  private timer: unknown;
  private starting: Promise<TaskHandle | undefined> | undefined;
  private stopping: Promise<void> | undefined;
  private current: TaskHandle | undefined;
  private runStartedAt = 0;
  private crashLoop: string | undefined;

  constructor(private readonly opts: TaskRunnerOptions) {
    this.log = opts.logger ?? SILENT;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
    this.now = opts.now ?? Date.now;
    this.restarts = opts.restarts ?? 0;
    this.crashLoopPolicy = opts.crashLoop ?? DEFAULT_CRASH_LOOP;
    this.backoff = new RestartBackoff(opts.restart, this.crashLoopPolicy);
  }

  /** Pid of the task while it runs. */
  get pid(): number | undefined {
    return this.phase === "running" ? this.current?.pid : undefined;
  }

  /** Starts the task (once) and reports `running`. */
  start(): void {
    if (this.phase !== "idle") return;
    this.launch();
  }

  /**
   * Continues with a task that is already running (adopted after an agent restart) instead of
   * starting one: reports `running` and applies the restart policy when it exits.
   * `startedAt` is when it started (ms), for the healthy-run reset.
   */
  adopt(handle: TaskHandle, startedAt?: number): void {
    if (this.phase !== "idle") return;
    this.phase = "running";
    this.starting = Promise.resolve(handle);
    this.watch(handle, startedAt);
  }

  /**
   * Stops the task (SIGTERM, SIGKILL after killTimeoutMs) or cancels a pending restart, then
   * reports `stopped` once. A runner that already completed or failed stays as it is.
   */
  stop(): Promise<void> {
    this.stopping ??= this.halt();
    return this.stopping;
  }

  /**
   * Lets go of the task without stopping it (the agent exits and leaves it running): cancels a
   * pending restart, reports nothing more, ignores the task's exit.
   */
  release(): void {
    if (this.phase === "waiting") this.clearTimer(this.timer);
    this.phase = "done";
  }

  private async halt(): Promise<void> {
    const phase = this.phase;
    this.phase = "done";
    if (phase === "done") return;
    if (phase === "waiting") this.clearTimer(this.timer);
    const exit = phase === "running" ? await this.stopCurrent() : undefined;
    this.report(
      exit
        ? { status: "stopped", exitCode: exit.exitCode, signal: exit.signal }
        : { status: "stopped" },
    );
  }

  /** Stops the task that is running or being started; undefined when it never started. */
  private async stopCurrent(): Promise<ExitResult | undefined> {
    try {
      const handle = await this.starting;
      return await handle?.stop(this.opts.killTimeoutMs);
    } catch (err) {
      this.log.warn({ allocId: this.opts.allocId, err: messageOf(err) }, "stopping task failed");
      return undefined;
    }
  }

  private launch(): void {
    this.phase = "running";
    this.runStartedAt = this.now();
    const starting = this.startTask();
    this.starting = starting.catch(() => undefined);
    starting.then(
      (handle) => this.watch(handle),
      (err: unknown) => this.exited({ exitCode: null, signal: null, reason: messageOf(err) }),
    );
  }

  /** Async so that a driver throwing synchronously still ends up as a rejected start. */
  private async startTask(): Promise<TaskHandle> {
    return this.opts.driver.start({
      allocId: this.opts.allocId,
      dir: this.opts.dir,
      config: this.opts.config,
      env: this.opts.env,
      memoryMiB: this.opts.memoryMiB,
    });
  }

  private watch(handle: TaskHandle, adoptedAt?: number): void {
    if (this.phase !== "running") return; // stopped while starting: halt() stops the handle
    this.current = handle;
    this.runStartedAt = adoptedAt ?? this.now();
    this.log.info(
      { allocId: this.opts.allocId, pid: handle.pid, restarts: this.restarts },
      adoptedAt === undefined ? "task started" : "task adopted",
    );
    try {
      this.opts.onStarted?.(handle, this.restarts);
    } catch (err) {
      this.log.warn({ allocId: this.opts.allocId, err: messageOf(err) }, "onStarted threw");
    }
    this.report({ status: "running" });
    handle.wait().then(
      (exit) => this.exited(exit),
      (err: unknown) => this.exited({ exitCode: null, signal: null, reason: messageOf(err) }),
    );
  }

  private exited(exit: ExitResult): void {
    if (this.phase !== "running") return; // stopped or released: nothing more to do
    this.log.info({ allocId: this.opts.allocId, ...exit }, "task exited");
    try {
      this.opts.onExit?.(exit);
    } catch (err) {
      this.log.warn({ allocId: this.opts.allocId, err: messageOf(err) }, "onExit threw");
    }
    if (this.opts.jobType === "batch" && exit.exitCode === 0) {
      this.finish({ status: "complete", ...exit });
      return;
    }
    this.failed(exit);
  }

  private failed(exit: ExitResult): void {
    const { attempts, mode } = this.opts.restart;
    const now = this.now();
    const step = this.backoff.failure(now, now - this.runStartedAt);
    if (step.stable) this.roundRestarts = 0;
    if (step.crashLoop && !this.crashLoop) {
      this.log.warn({ allocId: this.opts.allocId, ...exit }, step.crashLoop);
    }
    this.crashLoop = step.crashLoop;
    if (this.roundRestarts < attempts) {
      this.roundRestarts++;
      this.restartAfter(step.delayMs);
    } else if (mode === "delay") {
      this.log.warn(
        { allocId: this.opts.allocId, ...exit, retryInMs: step.delayMs },
        "restart attempts exhausted; new round",
      );
      this.roundRestarts = 0;
      this.restartAfter(step.delayMs);
    } else {
      const { reason, ...rest } = exit;
      const why = joinReasons(this.crashLoop, reason);
      this.finish(
        why === undefined
          ? { status: "failed", ...rest }
          : { status: "failed", ...rest, reason: why },
      );
    }
  }

  private restartAfter(delay: number): void {
    this.phase = "waiting";
    this.current = undefined;
    this.timer = this.setTimer(() => {
      if (this.phase !== "waiting") return;
      this.restarts++;
      this.launch();
    }, delay);
  }

  private finish(update: Omit<TaskStatusUpdate, "restarts">): void {
    this.phase = "done";
    this.current = undefined;
    this.report(update);
  }

  private report(update: Omit<TaskStatusUpdate, "restarts">): void {
    const full: TaskStatusUpdate = { ...update, restarts: this.restarts };
    if (update.status === "running" && this.crashLoop) full.reason = this.crashLoop;
    try {
      this.opts.onStatus(full);
    } catch (err) {
      this.log.warn({ allocId: this.opts.allocId, err: messageOf(err) }, "onStatus threw");
    }
  }
}

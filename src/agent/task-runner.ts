import type { Driver, ExitResult, TaskHandle } from "./drivers/driver.js";

export interface TaskStatusUpdate {
  status: "running" | "complete" | "failed" | "stopped";
  exitCode?: number | null;
  signal?: string | null;
  reason?: string;
  /** Restarts so far, over the runner's whole life (never reset). */
  restarts: number;
}

export interface TaskRestartPolicy {
  /** Restarts allowed in one round after the first run fails. */
  attempts: number;
  /** Pause before each restart, in ms. */
  delay: number;
  /** When a round is exhausted: "fail" reports failed; "delay" waits `delay` and starts a new round. */
  mode: "fail" | "delay";
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
  logger?: TaskRunnerLogger;
  /** Injectable timers for tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

const SILENT: TaskRunnerLogger = { info: () => {}, warn: () => {} };

type Phase = "idle" | "running" | "waiting" | "done";

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs one allocation to completion under its restart policy. A batch task exiting 0 completes;
 * any other exit (a service or system task exiting at all, a failed start) is a failure that is
 * restarted `attempts` times, `delay` ms apart, before the policy's mode decides. Nothing thrown
 * inside escapes timers or event handlers: failures become statuses and log lines.
 */
export class TaskRunner {
  private readonly log: TaskRunnerLogger;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;
  private phase: Phase = "idle";
  private restarts = 0;
  private roundRestarts = 0;
  private timer: unknown;
  private starting: Promise<TaskHandle | undefined> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: TaskRunnerOptions) {
    this.log = opts.logger ?? SILENT;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  }

  /** Starts the task (once) and reports `running`. */
  start(): void {
    if (this.phase !== "idle") return;
    this.launch();
  }

  /**
   * Stops the task (SIGTERM, SIGKILL after killTimeoutMs) or cancels a pending restart, then
   * reports `stopped` once. A runner that already completed or failed stays as it is.
   */
  stop(): Promise<void> {
    this.stopping ??= this.halt();
    return this.stopping;
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

  private watch(handle: TaskHandle): void {
    if (this.phase !== "running") return; // stopped while starting: halt() stops the handle
    this.log.info(
      { allocId: this.opts.allocId, pid: handle.pid, restarts: this.restarts },
      "task started",
    );
    this.report({ status: "running" });
    handle.wait().then(
      (exit) => this.exited(exit),
      (err: unknown) => this.exited({ exitCode: null, signal: null, reason: messageOf(err) }),
    );
  }

  private exited(exit: ExitResult): void {
    if (this.phase !== "running") return; // stopped: halt() reports
    this.log.info({ allocId: this.opts.allocId, ...exit }, "task exited");
    if (this.opts.jobType === "batch" && exit.exitCode === 0) {
      this.finish({ status: "complete", ...exit });
      return;
    }
    this.failed(exit);
  }

  private failed(exit: ExitResult): void {
    const { attempts, mode, delay } = this.opts.restart;
    if (this.roundRestarts < attempts) {
      this.roundRestarts++;
      this.restartAfter(delay);
    } else if (mode === "delay") {
      this.log.warn(
        { allocId: this.opts.allocId, ...exit },
        "restart attempts exhausted; new round",
      );
      this.roundRestarts = 0;
      this.restartAfter(delay);
    } else {
      this.finish({ status: "failed", ...exit });
    }
  }

  private restartAfter(delay: number): void {
    this.phase = "waiting";
    this.timer = this.setTimer(() => {
      if (this.phase !== "waiting") return;
      this.restarts++;
      this.launch();
    }, delay);
  }

  private finish(update: Omit<TaskStatusUpdate, "restarts">): void {
    this.phase = "done";
    this.report(update);
  }

  private report(update: Omit<TaskStatusUpdate, "restarts">): void {
    const full: TaskStatusUpdate = { ...update, restarts: this.restarts };
    try {
      this.opts.onStatus(full);
    } catch (err) {
      this.log.warn({ allocId: this.opts.allocId, err: messageOf(err) }, "onStatus threw");
    }
  }
}
